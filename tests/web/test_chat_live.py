"""Two people register through the pages and talk, live, both ways (API.md "Web pages")."""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.people import PHONE, Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
# The README's screenshots are rewritten only on request, so a test run leaves the tree clean.
SCREENSHOTS = os.environ.get("TETHER_SCREENSHOTS") == "1"
HTML = 'Look: <b>bold</b> <img src=x onerror="window.pwned=1"> https://example.com/a?b=1.'


@pytest.fixture
def alice(chromium, servers):
    person = Person(chromium, servers, "Alice Smith").register()
    yield person
    person.close()


@pytest.fixture
def boris(chromium, servers):
    # On a phone, in Russian.
    person = Person(chromium, servers, "Борис Петров", viewport=PHONE, locale="ru-RU")
    person.register()
    yield person
    person.close()


def test_two_people_talk_live_with_typing_and_read_ticks(alice, boris):
    a, b = alice.page, boris.page
    expect(b.locator("html")).to_have_attribute("lang", "ru")
    expect(a.locator("html")).to_have_attribute("lang", "en")

    chat_id = alice.open_chat_with(boris)
    expect(a.locator(".conv-header")).to_have_attribute("data-presence", "online")

    alice.send("Hi Boris!")
    mine = alice.message("Hi Boris!")
    expect(mine).to_have_attribute("data-status", "sent")
    expect(mine).to_have_attribute("data-seq", "1")

    # The chat shows up live in Boris's list, unread.
    row = b.locator(f'[data-chat-id="{chat_id}"]')
    expect(row.locator("[data-unread]")).to_have_attribute("data-unread", "1")
    expect(row).to_contain_text("Hi Boris!")
    row.click()
    expect(boris.message("Hi Boris!")).to_be_visible()
    expect(row.locator("[data-unread]")).to_have_attribute("data-unread", "0")
    # Opening the chat read it: Alice's tick turns to read.
    expect(mine).to_have_attribute("data-status", "read")

    # Boris types: Alice sees it, and sees it stop within 6 s of the last keystroke.
    b.locator("[name=content]").press_sequentially("Прив", delay=30)
    typing = a.locator("[data-typing]")
    expect(typing).to_be_visible()
    stopped = time.monotonic()
    expect(typing).to_be_hidden(timeout=7000)
    assert time.monotonic() - stopped < 6.5

    b.fill("[name=content]", "Привет, Алиса!\nКак дела?")
    b.press("[name=content]", "Enter")
    reply = alice.message("Привет, Алиса!")
    expect(reply).to_contain_text("Как дела?")
    expect(reply).to_have_attribute("data-seq", "2")
    expect(boris.message("Привет, Алиса!")).to_have_attribute("data-status", "read")

    # Shift+Enter makes a new line instead of sending.
    a.fill("[name=content]", "line one")
    a.press("[name=content]", "Shift+Enter")
    a.locator("[name=content]").press_sequentially("line two")
    a.press("[name=content]", "Enter")
    expect(alice.message("line one")).to_contain_text("line two")
    expect(boris.message("line one")).to_have_count(1)

    # Each message exactly once on both sides.
    expect(a.locator("[data-message-id]")).to_have_count(3)
    expect(b.locator("[data-message-id]")).to_have_count(3)
    # No script error, no Content-Security-Policy violation.
    assert alice.errors == [] and boris.errors == []


def test_html_is_shown_as_text_and_links_are_safe(alice, boris):
    alice.open_chat_with(boris, by_name=False)
    alice.send(HTML)
    b = boris.page
    b.locator("[data-chat-id]").first.click()
    message = boris.message("Look:")
    expect(message.locator(".msg__text")).to_have_text(HTML)
    assert message.locator("b, img, script").count() == 0
    assert b.evaluate("window.pwned") is None
    link = message.locator("a")
    expect(link).to_have_attribute("href", "https://example.com/a?b=1")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(link).to_have_attribute("target", "_blank")
    assert boris.errors == []


def test_presence_goes_offline_with_last_seen_when_the_peer_leaves(alice, boris):
    alice.open_chat_with(boris)
    header = alice.page.locator(".conv-header")
    expect(header).to_have_attribute("data-presence", "online")
    expect(header).to_contain_text("online")
    boris.page.goto("about:blank")
    expect(header).to_have_attribute("data-presence", "offline", timeout=10_000)
    expect(header).to_contain_text("last seen today at")


def test_the_composer_counts_characters_near_the_limit(alice, boris):
    alice.open_chat_with(boris)
    page = alice.page
    counter = page.locator(".composer__counter")
    send = page.get_by_role("button", name="Send")
    page.fill("[name=content]", "hello")
    expect(counter).to_be_hidden()
    expect(send).to_be_enabled()
    page.fill("[name=content]", "я" * 4000)
    expect(counter).to_have_text("4000 / 4096")
    page.fill("[name=content]", "😀" * 4097)  # counted in characters, not UTF-16 units
    expect(counter).to_have_text("4097 / 4096")
    expect(send).to_be_disabled()
    expect(page.locator("[name=content]")).to_have_attribute("aria-invalid", "true")
    page.press("[name=content]", "Enter")
    expect(page.locator("[data-status]")).to_have_count(0)
    page.fill("[name=content]", "   ")
    expect(send).to_be_disabled()
    page.fill("[name=content]", "😀" * 4096)
    page.press("[name=content]", "Enter")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "sent")
    expect(counter).to_be_hidden()


def test_a_reload_keeps_the_history_and_edits_and_deletes_show_live(alice, boris):
    chat_id = alice.open_chat_with(boris)
    for text in ("first", "second", "third"):
        alice.send(text)
        expect(alice.message(text)).to_have_attribute("data-status", "sent")
    boris.page.goto(f"/chats/{chat_id}/")
    expect(boris.message("third")).to_be_visible()

    alice.page.reload()
    expect(alice.page.locator("[data-message-id]")).to_have_count(3)
    expect(alice.message("first")).to_have_attribute("data-seq", "1")
    expect(alice.page.locator(".day-sep")).to_have_count(1)

    # Edit through the message's menu: "edited" shows on both sides.
    alice.message("second").hover()
    alice.message("second").get_by_role("button", name="Message actions").click()
    alice.page.get_by_role("menuitem", name="Edit").click()
    alice.page.fill("[name=content]", "second, edited")
    alice.page.press("[name=content]", "Enter")
    expect(boris.message("second, edited").locator(".msg__edited")).to_be_visible()
    # Up arrow in the empty composer edits the last message; Escape cancels.
    alice.page.press("[name=content]", "ArrowUp")
    expect(alice.page.locator("[name=content]")).to_have_value("third")
    alice.page.press("[name=content]", "Escape")
    expect(alice.page.locator("[name=content]")).to_have_value("")

    alice.message("first").hover()
    alice.message("first").get_by_role("button", name="Message actions").click()
    alice.page.get_by_role("menuitem", name="Delete").click()
    deleted = boris.page.locator('[data-seq="1"]')
    expect(deleted).to_contain_text("Сообщение удалено")
    expect(alice.page.locator('[data-seq="1"]')).to_contain_text("Message deleted")


def test_the_chat_page_fits_a_phone_and_the_screenshot_is_taken(alice, boris, tmp_path):
    chat_id = alice.open_chat_with(boris)
    b = boris.page
    b.goto(f"/chats/{chat_id}/")
    expect(b.locator("[name=content]")).to_be_enabled()
    lines = [
        (boris, "Привет! Ты уже видел новый Tether?"),
        (alice, "Yes! It feels fast, even on my phone."),
        (boris, "Ссылки кликабельные: https://example.com"),
        (alice, "And the ticks show when you have read it ✓✓"),
    ]
    for person, text in lines:
        person.send(text)
        expect(person.message(text)).to_have_attribute("data-status", "read")
    folder = DOCS if SCREENSHOTS else tmp_path
    folder.mkdir(exist_ok=True)
    alice.page.mouse.move(0, 0)
    alice.page.screenshot(path=str(folder / "chat.png"))
    b.screenshot(path=str(folder / "chat-phone.png"))
    assert (folder / "chat.png").stat().st_size and (folder / "chat-phone.png").stat().st_size

    # At phone width one pane shows at a time, and nothing is wider than the screen.
    assert fits_width(b)
    composer = b.locator("[name=content]").bounding_box()
    assert composer and composer["x"] >= 0 and composer["x"] + composer["width"] <= PHONE["width"]
    expect(b.locator(".sidebar")).to_be_hidden()
    b.locator(".conv-header .back").click()
    expect(b).to_have_url(f"{boris.base}/chats/")
    expect(b.locator(f'[data-chat-id="{chat_id}"]')).to_be_visible()
    assert fits_width(b)
    b.goto("/profile/")
    assert fits_width(b)


def fits_width(page) -> bool:
    """No element sticks out past the right edge of the viewport."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')].every(
            (node) => node.getBoundingClientRect().right <= window.innerWidth + 0.5)"""
    )
