"""The page survives a server restart and a lost network without losing or doubling a message."""

import pytest
from playwright.sync_api import expect

from tests.web.people import PHONE, Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]


@pytest.fixture
def pair(chromium, servers):
    alice = Person(chromium, servers, "Alice Recovery").register()
    boris = Person(chromium, servers, "Борис Восстанов", viewport=PHONE, locale="ru-RU").register()
    chat_id = alice.open_chat_with(boris)
    alice.send("before the restart")
    boris.page.locator(f'[data-chat-id="{chat_id}"]').click()
    expect(boris.message("before the restart")).to_be_visible()
    yield alice, boris
    alice.close()
    boris.close()


def exactly_once(person, *texts) -> None:
    for text in texts:
        expect(person.message(text)).to_have_count(1)


def seqs(person) -> list[int]:
    nodes = person.page.locator("[data-seq]")
    values = nodes.evaluate_all("(nodes) => nodes.map((node) => node.dataset.seq)")
    return [int(value) for value in values]


def test_a_server_restart_mid_chat_loses_nothing(pair, servers):
    alice, boris = pair
    server = servers[0]
    server.kill()
    for person in (alice, boris):
        expect(person.page.locator("#app")).to_have_attribute("data-connection", "offline")
        expect(person.page.locator("#connection")).to_be_visible()

    # Sent while the server is down: shown at once, then failed with a retry button.
    alice.send("sent while down")
    failed = alice.page.locator('[data-status="failed"]', has_text="sent while down")
    expect(failed).to_be_visible()
    failed.get_by_role("button", name="Retry").click()  # still down: fails again
    expect(failed.get_by_role("button", name="Retry")).to_be_visible()
    boris.send("пока сервер лежит")
    mine = boris.page.locator('[data-status="failed"]', has_text="пока сервер лежит")
    expect(mine.get_by_role("button", name="Повторить")).to_be_visible()

    server.start()
    # Both pages reconnect and resend with the same client_id: each message arrives once.
    for person in (alice, boris):
        person.wait_connected()
        expect(person.page.locator("#connection")).to_be_hidden()
    expect(alice.message("sent while down")).to_have_attribute("data-status", "read")
    expect(boris.message("пока сервер лежит")).to_have_attribute("data-status", "read")
    for person in (alice, boris):
        exactly_once(person, "before the restart", "sent while down", "пока сервер лежит")
        assert sorted(seqs(person)) == [1, 2, 3]
    expect(alice.page.locator("[data-status=failed]")).to_have_count(0)

    alice.send("after the restart")
    exactly_once(boris, "after the restart")


def test_messages_sent_while_offline_show_up_once_the_network_returns(pair):
    alice, boris = pair
    alice.context.set_offline(True)
    expect(alice.page.locator("#app")).to_have_attribute("data-connection", "offline")
    boris.send("ты меня слышишь?")
    boris.send("а сейчас?")
    expect(boris.message("а сейчас?")).to_have_attribute("data-status", "sent")
    alice.send("typed offline")
    unsent = alice.page.locator("[data-status]", has_text="typed offline")
    expect(unsent).to_have_attribute("data-status", "failed")

    alice.context.set_offline(False)
    expect(alice.message("а сейчас?")).to_be_visible(timeout=10_000)
    exactly_once(alice, "ты меня слышишь?", "а сейчас?", "typed offline")
    exactly_once(boris, "typed offline")
    expect(alice.message("typed offline")).to_have_attribute("data-status", "read")
    assert sorted(seqs(alice)) == [1, 2, 3, 4]
