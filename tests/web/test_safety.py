"""Blocking and reporting from the open chat (API.md "Safety")."""

import pytest
from playwright.sync_api import expect

from tests.web.people import PHONE, Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]


@pytest.fixture
def pair(chromium, servers):
    """Alice (English, desktop) and Борис (Russian, phone) in their chat, both looking at it."""
    alice = Person(chromium, servers, "Alice Safe").register()
    boris = Person(chromium, servers, "Борис Надёжный", viewport=PHONE, locale="ru-RU").register()
    chat_id = alice.open_chat_with(boris)
    alice.send("hello there")
    boris.page.goto(f"/chats/{chat_id}/")
    expect(boris.message("hello there")).to_be_visible()
    boris.wait_connected()
    yield alice, boris
    alice.close()
    boris.close()


BLOCK_ELSEWHERE = """async (userId) => {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    await fetch(`/api/users/${userId}/block`, {method: "POST", headers: {"X-CSRFToken": token}});
}"""


def chat_menu(person: Person, item: str, toggle: str = "Chat actions"):
    """Open the chat header's menu; its item named ``item``."""
    person.page.get_by_role("button", name=toggle).click()
    return person.page.get_by_role("menuitem", name=item, exact=True)


def test_blocking_stops_messages_without_endless_retries_until_unblocked(pair):
    alice, boris = pair
    a, b = alice.page, boris.page
    chat_menu(alice, "Block").click()
    bar = a.locator(".composer-blocked")
    expect(bar).to_contain_text("You blocked this person.")
    expect(a.locator("[name=content]")).to_be_disabled()
    chat_menu(alice, "Unblock")
    expect(a.get_by_role("menuitem", name="Block", exact=True)).to_be_hidden()
    a.keyboard.press("Escape")
    expect(a.get_by_role("menu")).to_be_hidden()

    # Борис cannot write: the message fails, says why, and the composer says so too.
    boris.send("ты тут?")
    failed = b.locator('[data-status="failed"]', has_text="ты тут?")
    expect(failed).to_contain_text("Не отправлено: вы не можете писать этому человеку.")
    expect(b.locator(".composer-blocked")).to_contain_text("Вы не можете писать этому человеку.")
    expect(b.locator("[name=content]")).to_be_enabled()
    # A reconnect resends what failed for the network, never what was refused.
    boris.context.set_offline(True)
    expect(b.locator("#app")).to_have_attribute("data-connection", "offline")
    boris.context.set_offline(False)
    boris.wait_connected()
    b.wait_for_timeout(500)
    expect(failed).to_have_attribute("data-status", "failed")
    expect(alice.message("ты тут?")).to_have_count(0)

    # Unblocked: Борис retries by hand and it arrives, once.
    bar.get_by_role("button", name="Unblock").click()
    expect(bar).to_be_hidden()
    expect(a.locator("[name=content]")).to_be_enabled()
    expect(a.locator("[name=content]")).to_be_focused()
    failed.get_by_role("button", name="Повторить").click()
    expect(alice.message("ты тут?")).to_have_count(1)
    expect(boris.message("ты тут?")).to_have_attribute("data-status", "read")
    expect(b.locator(".composer-blocked")).to_be_hidden()

    # Blocked again; the profile page lists whom one blocks and unblocks them too.
    chat_menu(alice, "Block").click()
    expect(bar).to_be_visible()
    a.goto("/profile/")
    blocked = a.locator("#blocked [data-user-id]")
    expect(blocked).to_have_count(1)
    expect(blocked).to_contain_text(boris.name)
    blocked.get_by_role("button", name="Unblock").click()
    expect(blocked).to_have_count(0)
    expect(a.get_by_text("You have not blocked anyone.")).to_be_visible()
    a.go_back()
    expect(a.locator("[name=content]")).to_be_enabled()
    expect(bar).to_be_hidden()

    # Борис blocks Alice elsewhere (a script here, as another device would): his open chat
    # learns of it from the first refused send and offers to unblock.
    alice_id = a.request.get("/api/users/me").json()["data"]["id"]
    b.evaluate(BLOCK_ELSEWHERE, alice_id)
    boris.send("а так?")
    expect(b.locator(".composer-blocked")).to_contain_text("Вы заблокировали этого человека.")
    expect(b.locator("[name=content]")).to_be_disabled()
    expect(b.get_by_role("button", name="Разблокировать")).to_be_visible()
    assert alice.errors == [] and boris.errors == []


def test_reporting_a_message_and_a_person(pair):
    alice, boris = pair
    a, b = alice.page, boris.page
    boris.send("cheap watches at example.com")
    spam = alice.message("cheap watches")
    spam.hover()
    spam.get_by_role("button", name="Message actions").click()
    expect(a.get_by_role("menuitem", name="Edit")).to_have_count(0)
    a.get_by_role("menuitem", name="Report").click()
    dialog = a.get_by_role("dialog", name="Report this message")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Send report").click()
    expect(dialog.get_by_role("alert")).to_have_text("Choose what is wrong.")
    dialog.get_by_label("Spam").check()
    dialog.get_by_label("Details (optional)").fill("Sends the same link to everyone.")
    expect(dialog).to_contain_text("32 / 1000")
    dialog.get_by_role("button", name="Send report").click()
    expect(dialog).to_be_hidden()
    expect(a.get_by_text("Thank you. Moderators will look into your report.")).to_be_visible()

    # One's own messages offer edit and delete, not a report.
    mine = alice.message("hello there")
    mine.hover()
    mine.get_by_role("button", name="Message actions").click()
    expect(a.get_by_role("menuitem", name="Report")).to_have_count(0)
    a.keyboard.press("Escape")

    chat_menu(alice, "Report user").click()
    dialog = a.get_by_role("dialog", name="Report Борис Надёжный")
    dialog.get_by_label("Abuse or harassment").check()
    dialog.get_by_role("button", name="Send report").click()
    expect(dialog).to_be_hidden()

    # In Russian, and cancelled: nothing is sent, the focus goes back to the menu button.
    ru_menu = "Действия с чатом"
    chat_menu(boris, "Пожаловаться на пользователя", ru_menu).click()
    dialog = b.get_by_role("dialog", name="Пожаловаться на Alice Safe")
    dialog.get_by_label("Другое").check()
    dialog.get_by_role("button", name="Отмена").click()
    expect(dialog).to_be_hidden()
    expect(b.get_by_role("button", name=ru_menu)).to_be_focused()
    chat_menu(boris, "Пожаловаться на пользователя", ru_menu).click()
    expect(dialog.get_by_label("Другое")).not_to_be_checked()
    dialog.get_by_label("Другое").check()
    dialog.get_by_role("button", name="Отправить жалобу").click()
    expect(b.get_by_text("Спасибо. Модераторы рассмотрят вашу жалобу.")).to_be_visible()
    assert alice.errors == [] and boris.errors == []
