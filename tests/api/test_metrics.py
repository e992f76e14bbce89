"""``GET /metrics``: who may read it, and that what it counts moves."""

import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import OperationalError
from django.test import Client
from django.urls import path
from prometheus_client.parser import text_string_to_metric_families

from messaging import events
from tests.factories import UserFactory
from tests.helpers import sign_in
from tether import urls as tether_urls
from tether.asgi import application

pytestmark = pytest.mark.django_db

OUTSIDER = "203.0.113.7"
TOKEN = "scrape-token-0123456789"


def scrape(client: Client | None = None) -> dict:
    """``{(sample name, sorted labels): value}`` as /metrics answers a loopback client."""
    response = (client or Client()).get("/metrics")
    assert response.status_code == 200, response.content[:300]
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- Who may read it ------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_loopback_clients_read_the_metrics_in_prometheus_text_format(address):
    response = Client().get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    body = response.content.decode()
    for name in (
        "tether_http_requests_total",
        "tether_http_request_duration_seconds",
        "tether_websockets_open",
        "tether_messages_sent_total",
        "tether_events_published_total",
        "tether_events_failed_total",
        "tether_channel_layer_errors_total",
        "tether_database_errors_total",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in body, name


def _refused(response) -> None:
    """The site's plain 404, as for any page that does not exist: nothing of the metrics."""
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
    assert b"tether_" not in response.content


@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": OUTSIDER},
        # The forwarded address is never believed...
        {"REMOTE_ADDR": OUTSIDER, "HTTP_X_FORWARDED_FOR": "127.0.0.1"},
        {"REMOTE_ADDR": OUTSIDER, "HTTP_X_REAL_IP": "127.0.0.1"},
        # ...and a request a local proxy relays is not a loopback client.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": OUTSIDER},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": f"for={OUTSIDER}"},
        {"REMOTE_ADDR": "10.0.0.2"},
    ],
)
def test_anyone_else_gets_a_plain_404(headers):
    _refused(Client().get("/metrics", **headers))


def test_without_a_configured_token_no_bearer_opens_it(settings):
    settings.TETHER_METRICS_TOKEN = ""
    _refused(Client().get("/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer "))
    _refused(Client().get("/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))


def test_with_a_token_it_answers_that_bearer_from_anywhere(settings):
    settings.TETHER_METRICS_TOKEN = TOKEN
    client = Client(REMOTE_ADDR=OUTSIDER)
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"bearer {TOKEN}").status_code == 200
    _refused(client.get("/metrics"))
    _refused(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x"))
    _refused(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}"))
    _refused(client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}"))
    _refused(client.get("/metrics", HTTP_AUTHORIZATION=TOKEN))
    # Loopback clients still need none.
    assert Client().get("/metrics").status_code == 200


# --- What it counts -------------------------------------------------------------------------


def test_requests_are_counted_and_timed_by_view_method_and_status():
    before = scrape()
    client = Client()
    first = client.get("/api/health")
    client.get("/api/health/")  # the slash twin counts as the same view
    client.get("/api/no-such-route")
    client.post("/api/no-such-route")
    after = scrape()

    health = {"view": "health", "method": "GET", "status": str(first.status_code)}
    assert value(after, "tether_http_requests_total", **health) == (
        value(before, "tether_http_requests_total", **health) + 2
    )
    for method in ("GET", "POST"):
        labels = {"view": "core.api.views.api_not_found", "method": method, "status": "404"}
        assert value(after, "tether_http_requests_total", **labels) == (
            value(before, "tether_http_requests_total", **labels) + 1
        )
    count = "tether_http_request_duration_seconds_count"
    assert value(after, count, view="health", method="GET") == (
        value(before, count, view="health", method="GET") + 2
    )
    assert value(after, "tether_http_request_duration_seconds_sum", view="health", method="GET") > (
        value(before, "tether_http_request_duration_seconds_sum", view="health", method="GET")
    )


def test_a_sent_message_is_counted_and_its_event_published(as_alice, chat, send):
    before = scrape()
    assert send(as_alice, chat, "counted").status_code == 201
    assert send(as_alice, chat, "again", client_id="c-1").status_code == 201
    assert send(as_alice, chat, "again", client_id="c-1").status_code == 200  # a retry: not new
    after = scrape()
    assert (
        value(after, "tether_messages_sent_total")
        == value(before, "tether_messages_sent_total") + 2
    )
    published = "tether_events_published_total"
    assert value(after, published, type="message.new") == (
        value(before, published, type="message.new") + 2
    )


class _BrokenLayer:
    async def group_send(self, group, message):
        raise ConnectionError("redis is gone")


def test_a_failed_publish_counts_a_failed_event_and_a_channel_layer_error(monkeypatch):
    monkeypatch.setattr(events, "get_channel_layer", lambda: _BrokenLayer())
    monkeypatch.setattr(events, "_skip_until", 0.0)
    before = scrape()
    assert async_to_sync(events.apublish)([uuid.uuid4()], {"type": "message.new"}) is False
    # While backing off the next event is not even tried: failed, but no new layer error.
    assert async_to_sync(events.apublish)([uuid.uuid4()], {"type": "message.new"}) is False
    after = scrape()
    failed = "tether_events_failed_total"
    assert value(after, failed, type="message.new") == value(before, failed, type="message.new") + 2
    layer = "tether_channel_layer_errors_total"
    assert value(after, layer) == value(before, layer) + 1
    published = "tether_events_published_total"
    assert value(after, published, type="message.new") == value(
        before, published, type="message.new"
    )


def _database_down(request):
    raise OperationalError("could not connect to server")


urlpatterns = [
    path("api/db-down", _database_down),
    path("db-down", _database_down),
    *tether_urls.urlpatterns,
]
handler404 = tether_urls.handler404
handler500 = tether_urls.handler500


def test_database_errors_are_counted_whichever_path_they_take(client_for, user, monkeypatch):
    def database_down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("accounts.api.users.user_update", database_down)
    api = client_for(user)
    api.raise_request_exception = False
    before = scrape()
    assert api.patch("/api/users/me", {"bio": "x"}, format="json").status_code >= 500
    after = scrape()
    assert value(after, "tether_database_errors_total") == (
        value(before, "tether_database_errors_total") + 1
    )


@pytest.mark.urls("tests.api.test_metrics")
@pytest.mark.parametrize("url", ["/api/db-down", "/db-down"])
def test_database_errors_outside_drf_are_counted(url):
    client = Client(raise_request_exception=False)
    before = scrape(client)
    assert client.get(url).status_code >= 500
    after = scrape(client)
    assert value(after, "tether_database_errors_total") == (
        value(before, "tether_database_errors_total") + 1
    )


@pytest.mark.django_db(transaction=True)
def test_open_websockets_are_a_gauge_that_goes_up_and_down():
    user = UserFactory()
    token = sign_in(user).access

    async def scenario() -> tuple[float, float]:
        communicator = WebsocketCommunicator(application, f"/ws/?token={token}")
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        await communicator.send_json_to({"type": "ping"})
        while (await communicator.receive_json_from(timeout=5))["type"] != "pong":
            pass
        opened = await _gauge()
        await communicator.disconnect()
        return opened, await _gauge()

    async def _gauge() -> float:
        return value(await sync_to_async(scrape)(), "tether_websockets_open")

    before = value(scrape(), "tether_websockets_open")
    opened, closed = async_to_sync(scenario)()
    assert opened == before + 1
    assert closed == before
