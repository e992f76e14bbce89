"""The chat list: unread badges counted live, the most recent chat on top, search."""

import pytest
from playwright.sync_api import expect

from tests.web.people import Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]


@pytest.fixture
def trio(chromium, servers):
    people = [Person(chromium, servers, name).register() for name in ("Dana", "Egor", "Faina")]
    yield people
    for person in people:
        person.close()


def test_unread_badges_count_live_and_the_latest_chat_goes_first(trio):
    dana, egor, faina = trio
    with_dana = egor.open_chat_with(dana)
    egor.send("from Egor")
    with_faina = faina.open_chat_with(dana)
    faina.send("from Faina 1")
    faina.send("from Faina 2")

    page = dana.page
    chats = page.locator("[data-chat-id]")
    expect(chats).to_have_count(2)
    expect(chats.first).to_have_attribute("data-chat-id", with_faina)
    badge = page.locator(f'[data-chat-id="{with_faina}"] [data-unread]')
    expect(badge).to_have_attribute("data-unread", "2")
    expect(badge).to_have_text("2")
    expect(page).to_have_title("(3) Chats · Tether")

    egor.send("Egor again")
    expect(chats.first).to_have_attribute("data-chat-id", with_dana)
    expect(page.locator(f'[data-chat-id="{with_dana}"] [data-unread]')).to_have_attribute(
        "data-unread", "2"
    )
    expect(chats.first).to_contain_text("Egor again")

    # Keyboard: Tab into the list, arrows move between chats, Enter opens one.
    chats.first.focus()
    page.keyboard.press("ArrowDown")
    expect(chats.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(dana.message("from Faina 2")).to_be_visible()
    expect(badge).to_have_attribute("data-unread", "0")
    expect(badge).to_be_hidden()
    expect(faina.message("from Faina 2")).to_have_attribute("data-status", "read")
    expect(egor.message("Egor again")).to_have_attribute("data-status", "sent")

    # A message into the open chat is read at once; one into another chat counts.
    faina.send("while you look")
    expect(dana.message("while you look")).to_be_visible()
    expect(badge).to_have_attribute("data-unread", "0")
    expect(faina.message("while you look")).to_have_attribute("data-status", "read")


def test_search_finds_people_by_name_and_username_and_says_when_nobody_matches(trio):
    dana, egor, _ = trio
    page = dana.page
    page.fill("[name=q]", "zzzz-nobody")
    expect(page.locator("#search-status")).to_contain_text("Nobody found")
    page.fill("[name=q]", egor.username[:8])
    expect(page.locator(".person", has_text=egor.name)).to_be_visible()
    page.press("[name=q]", "Escape")
    expect(page.locator(".person")).to_have_count(0)
    # Enter opens the first match.
    page.fill("[name=q]", egor.username)
    page.press("[name=q]", "Enter")
    expect(page.locator(".conv-header__name")).to_have_text(egor.name)
    expect(page.locator("[name=q]")).to_have_value("")
