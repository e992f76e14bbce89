"""Typing reaches the peer (API.md "Web pages": an element with `data-typing` is visible while
the peer types and hidden within 6 s of their last keystroke), however the two pages were
opened; both people's pages are on one server process (the `servers` fixture)."""

import time

import pytest
from playwright.sync_api import Locator, expect

from tests.web.people import Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]

TYPING_SECONDS = 5.0
# The typist's first keystroke to the indicator: a frame a second (the server drops more)
# and the way there.
SHOWN_WITHIN = 2.0


@pytest.fixture
def typist(chromium, servers):
    person = Person(chromium, servers, "Tanya Typist").register()
    yield person
    person.close()


@pytest.fixture
def peer(chromium, servers):
    person = Person(chromium, servers, "Petr Peer").register()
    yield person
    person.close()


def type_for_a_while(field: Locator, typing: Locator) -> tuple[float | None, list]:
    """Type into ``field`` without stopping for TYPING_SECONDS, looking at the peer's
    ``typing`` between keystrokes: when it first showed (seconds), and each look after that."""
    started = time.monotonic()
    first_seen = None
    looks = []
    while time.monotonic() - started < TYPING_SECONDS:
        field.press_sequentially("ab", delay=60)
        shown = typing.is_visible()
        elapsed = round(time.monotonic() - started, 2)
        if shown and first_seen is None:
            first_seen = elapsed
        if first_seen is not None:
            looks.append((elapsed, shown))
    return first_seen, looks


def assert_shown_while_typing(first_seen: float | None, looks: list) -> None:
    assert first_seen is not None, "the peer saw no typing during five seconds of typing"
    assert first_seen < SHOWN_WITHIN, f"typing showed {first_seen} s after the first keystroke"
    # Once up, it stays up while the typist keeps typing.
    assert all(shown for _, shown in looks), looks


def assert_hidden_soon_after(typing: Locator) -> None:
    stopped = time.monotonic()
    expect(typing).to_be_hidden(timeout=7000)
    assert time.monotonic() - stopped < 6.5


def test_the_peer_sees_typing_when_they_opened_the_chat_first(typist, peer):
    chat_id = typist.open_chat_with(peer)
    typist.page.goto("/chats/")

    # The peer opens the chat page first; a moment later the typist opens it and types at once.
    peer.page.goto(f"/chats/{chat_id}/")
    peer.wait_connected()
    typing = peer.page.locator("[data-typing]")
    expect(typing).to_be_hidden()
    typist.page.goto(f"/chats/{chat_id}/")
    field = typist.page.locator("[name=content]")
    expect(field).to_be_enabled()

    assert_shown_while_typing(*type_for_a_while(field, typing))
    assert_hidden_soon_after(typing)
    assert typist.errors == [] and peer.errors == []


def test_a_typing_frame_the_server_drops_leaves_no_long_gap(typist, peer):
    """The server drops a typing frame within a second of the last one it relayed (the typist
    typed in another tab a moment ago, say), and one relayed before the peer's socket joined
    reaches nobody: the next keystrokes tell it again within about a second."""
    chat_id = typist.open_chat_with(peer)
    peer.page.goto(f"/chats/{chat_id}/")
    peer.wait_connected()
    typing = peer.page.locator("[data-typing]")

    dropped = []

    def drop_the_first_typing_frame(ws):
        server = ws.connect_to_server()

        def to_server(message):
            if '"typing"' in str(message) and not dropped:
                dropped.append(message)
                return
            server.send(message)

        ws.on_message(to_server)

    typist.page.route_web_socket("**/ws/", drop_the_first_typing_frame)
    typist.page.goto(f"/chats/{chat_id}/")
    field = typist.page.locator("[name=content]")
    expect(field).to_be_enabled()
    typist.wait_connected()

    assert_shown_while_typing(*type_for_a_while(field, typing))
    assert dropped, "no typing frame went out"
    assert_hidden_soon_after(typing)
    assert typist.errors == [] and peer.errors == []


def test_what_is_typed_before_the_socket_is_ready_is_told_once_it_is(typist, peer):
    chat_id = typist.open_chat_with(peer)
    peer.page.goto(f"/chats/{chat_id}/")
    peer.wait_connected()
    typing = peer.page.locator("[data-typing]")

    # The typist's socket is slow to get ready: its first pong is held back.
    held = []
    sockets = []

    def hold_the_first_pong(ws):
        server = ws.connect_to_server()
        sockets.append(ws)

        def to_page(message):
            if '"pong"' in str(message) and not held:
                held.append(message)
                return
            ws.send(message)

        server.on_message(to_page)

    typist.page.route_web_socket("**/ws/", hold_the_first_pong)
    typist.page.goto(f"/chats/{chat_id}/")
    field = typist.page.locator("[name=content]")
    expect(field).to_be_enabled()
    expect(typist.page.locator("#app")).to_have_attribute("data-connection", "offline")

    # A quick word, then a pause to think, during which the socket gets ready.
    field.press_sequentially("Hello", delay=40)
    assert held, "the socket answered no ping"
    sockets[0].send(held[0])
    typist.wait_connected()
    expect(typing).to_be_visible(timeout=2000)
    assert_hidden_soon_after(typing)
    assert typist.errors == [] and peer.errors == []
