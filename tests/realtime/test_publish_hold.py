"""The publish hold after a channel-layer failure, in one process: held-back publishes,
one probe at a time, and a health that says "down" for exactly as long as it lasts."""

import asyncio

import pytest

from messaging import events
from tests.helpers import envelope_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold(monkeypatch):
    """A fresh hold, and a channel layer whose publishes fail while ``layer["up"]`` is off;
    ``layer["sent"]`` counts the publishes that reached it."""
    monkeypatch.setattr(events, "_skip_until", 0.0)
    monkeypatch.setattr(events, "_probing", False)
    layer = {"up": True, "sent": 0}

    async def send_all(groups, message, before=()):
        layer["sent"] += 1
        if not layer["up"]:
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(events, "_send_all", send_all)
    return layer


def publish() -> bool:
    return events.publish_now(["someone"], {"type": "probe"})


def probe_due() -> None:
    """As if PROBE_INTERVAL had passed."""
    events._skip_until = 1e-9  # still down, and the probe is due


def test_a_failed_publish_holds_the_rest_back_until_a_probe_gets_through(hold):
    assert publish() is True and events.layer_up()
    hold["up"] = False
    assert publish() is False
    assert not events.layer_up()
    sent = hold["sent"]
    assert [publish() for _ in range(5)] == [False] * 5
    assert hold["sent"] == sent, "held-back publishes went out to a layer known to be down"

    probe_due()
    assert publish() is False  # the probe fails: still down, the next probe later
    assert hold["sent"] == sent + 1 and not events.layer_up()
    assert publish() is False and hold["sent"] == sent + 1

    hold["up"] = True
    probe_due()
    assert publish() is True  # the probe is a real publish: delivered, and the hold ends
    assert events.layer_up()
    assert publish() is True and hold["sent"] == sent + 3


async def test_one_probe_at_a_time(hold, monkeypatch):
    hold["up"] = False
    await events.apublish(["someone"], {"type": "probe"})
    release = asyncio.Event()

    async def slow_send_all(groups, message, before=()):
        hold["sent"] += 1
        await release.wait()

    monkeypatch.setattr(events, "_send_all", slow_send_all)
    probe_due()
    probe = asyncio.ensure_future(events.apublish(["someone"], {"type": "probe"}))
    await asyncio.sleep(0)
    probe_due()
    others = await asyncio.gather(*(events.apublish(["x"], {"type": "probe"}) for _ in range(3)))
    assert others == [False] * 3 and hold["sent"] == 2  # the failure, then the probe alone
    release.set()
    assert await probe is True and events.layer_up()


def test_health_says_down_while_holding_back_even_with_redis_answering(api, hold, monkeypatch):
    hold["up"] = False
    publish()
    monkeypatch.setattr(events, "probe_layer", lambda: False)
    data = envelope_data(api.get("/api/health"))
    assert data == {"status": "degraded", "database": "ok", "channel_layer": "down"}


def test_health_probes_the_layer_and_a_passing_probe_ends_the_hold(api, hold):
    hold["up"] = False
    publish()
    assert not events.layer_up()
    data = envelope_data(api.get("/api/health"))  # the real probe, through the real layer
    assert data == {"status": "ok", "database": "ok", "channel_layer": "ok"}
    assert events.layer_up()
    hold["up"] = True
    sent = hold["sent"]
    assert publish() is True and hold["sent"] == sent + 1  # the very next publish goes out


def test_a_probe_that_does_not_come_back_says_down(monkeypatch):
    class Silent:
        """A layer that takes messages and never delivers them."""

        async def new_channel(self, prefix="specific."):
            return f"{prefix}silent"

        async def send(self, channel, message):
            pass

        async def receive(self, channel):
            await asyncio.sleep(60)

    monkeypatch.setattr(events, "get_channel_layer", lambda: Silent())
    assert asyncio.run(events.aprobe_layer(timeout=0.2)) is False
