"""A browser's Origin must be the site's own (scheme, host and port) or a listed web client's."""

import pytest

from tests.realtime.conftest import connect, ready

pytestmark = pytest.mark.django_db(transaction=True)

HOST = [(b"host", b"localhost:8000")]


def origin(value: str):
    return [*HOST, (b"origin", value.encode())]


@pytest.mark.parametrize(
    "value",
    [
        "http://localhost:8000",  # the site itself
        "HTTP://LOCALHOST:8000",  # origins compare case-insensitively
    ],
)
async def test_the_sites_own_origin_is_accepted(pair, value):
    connected, ws = await connect(pair["alice_token"], headers=origin(value))
    assert connected
    await ready(ws)
    await ws.disconnect()


@pytest.mark.parametrize(
    "value",
    [
        "http://localhost:9000",  # another port on an allowed host
        "https://localhost:8000",  # another scheme
        "http://localhost",  # port 80 is another port
        "http://evil.example:8000",
        "null",
        "not a url",
    ],
)
async def test_any_other_origin_is_refused_at_the_handshake(pair, value):
    connected, _ = await connect(pair["alice_token"], headers=origin(value))
    assert not connected


async def test_a_listed_web_client_is_accepted(pair, settings):
    settings.TETHER_CORS_ORIGINS = ["https://app.example.com"]
    connected, ws = await connect(pair["alice_token"], headers=origin("https://app.example.com"))
    assert connected
    await ready(ws)
    await ws.disconnect()
    unlisted, _ = await connect(pair["alice_token"], headers=origin("https://app.example.org"))
    assert not unlisted


async def test_a_host_outside_allowed_hosts_has_no_own_origin(pair):
    headers = [(b"host", b"evil.example:8000"), (b"origin", b"http://evil.example:8000")]
    connected, _ = await connect(pair["alice_token"], headers=headers)
    assert not connected


async def test_behind_a_tls_proxy_the_own_origin_is_https(pair, settings):
    settings.TETHER_HTTPS = True
    headers = [*origin("https://localhost:8000"), (b"x-forwarded-proto", b"https")]
    connected, ws = await connect(pair["alice_token"], headers=headers)
    assert connected
    await ws.disconnect()
