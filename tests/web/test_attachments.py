"""Attachments in the pages (API.md "Web pages"): files picked with the composer's file input
(name=file, several at once) upload at once with their progress (data-upload-progress) and can
be removed before sending; the text goes as their caption. The other page shows each
attachment (data-attachment-id) live from the other server process: a photo as a thumbnail
that opens the full image in a viewer that Escape closes, a file as a card whose link downloads
the exact bytes. Previews, reply quotes and the pinned bar say "Photo" for a photo without
text; a file over the limit is refused with a notice. One person is on a phone in Russian."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import redis_available, require
from tests.web.people import Person, pair_in_a_chat
from tests.web.test_chat_live import fits_width
from tests.web.test_message_actions import by_id, item, open_menu, pinned

pytestmark = [pytest.mark.browser, pytest.mark.servers]

SENT = re.compile("sent|read")
NOTES = b"Agenda:\n1. the budget\n2. the trip\n"


def jpeg(width: int = 64, height: int = 48, color=(200, 60, 40)) -> bytes:
    """A small JPEG with EXIF (a camera's name and an orientation)."""
    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[0x010F] = "Tether Camera"
    exif[0x0112] = 1
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def photo(name: str = "photo.jpg", **options) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg(**options)}


def notes(name: str = "notes.txt") -> dict:
    return {"name": name, "mimeType": "text/plain", "buffer": NOTES}


@pytest.fixture
def pair(chromium, servers):
    """Ann (English, desktop) and Борис (Russian, phone, on the other process), both looking at
    their chat."""
    require(redis_available(), "Redis (REDIS_URL)")
    ann, boris, chat_id = pair_in_a_chat(chromium, servers, "Ann Files", "Борис Файлов")
    yield ann, boris, chat_id
    ann.close()
    boris.close()


def pick(person: Person, *files: dict) -> None:
    person.page.set_input_files("[name=file]", files=list(files))


def chips(person: Person):
    return person.page.locator(".composer [data-upload-progress]")


def own_last(person: Person):
    return person.page.locator("[data-message-id][data-status]").last


def test_a_photo_and_a_file_with_a_caption_reach_the_other_page(pair):
    ann, boris, chat_id = pair
    a, b = ann.page, boris.page
    pick(ann, photo(), notes())
    expect(chips(ann)).to_have_count(2)
    for index in range(2):
        expect(chips(ann).nth(index)).to_have_attribute("data-upload-progress", "100")
    ann.send("Plans for Friday")
    mine = own_last(ann)
    expect(mine).to_have_attribute("data-status", SENT)
    expect(chips(ann)).to_have_count(0)
    message_id = mine.get_attribute("data-message-id")
    expect(mine.locator("[data-attachment-id]")).to_have_count(2)
    expect(mine.locator(".msg__text")).to_have_text("Plans for Friday")

    # Борис sees both live, from the other server process: the thumbnail (loaded, named by its
    # file's name), the card with the name, the size in Russian and a download link.
    theirs = by_id(boris, message_id)
    expect(theirs.locator("[data-attachment-id]")).to_have_count(2)
    thumbnail = theirs.get_by_role("img", name="photo.jpg")
    expect(thumbnail).to_be_visible()
    b.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 64", arg=thumbnail.element_handle()
    )
    card = theirs.locator(".att--file")
    expect(card).to_contain_text("notes.txt")
    expect(card).to_contain_text(f"{len(NOTES)} Б")
    expect(theirs.locator(".msg__text")).to_have_text("Plans for Friday")

    # The thumbnail opens the full image in the viewer; Escape closes it, focus comes back.
    theirs.locator(".att--image").click()
    viewer = b.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(viewer.get_by_role("img", name="photo.jpg")).to_be_visible()
    b.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(theirs.locator(".att--image")).to_be_focused()

    # The card's link downloads the exact bytes.
    link = card.get_by_role("link", name="Скачать notes.txt")
    with b.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "notes.txt"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == NOTES
    # The photo was made safe: no EXIF left in what is served.
    image_id = theirs.locator(".att--image").get_attribute("data-attachment-id")
    served = b.request.get(f"/api/attachments/{image_id}/content")
    assert served.ok and served.headers["content-type"] == "image/jpeg"
    assert b"Tether Camera" not in served.body()

    # The lists say the caption.
    expect(a.locator(f'[data-chat-id="{chat_id}"]')).to_contain_text("You: Plans for Friday")
    assert not ann.errors and not boris.errors


def test_a_photo_alone_reads_as_photo_in_lists_replies_pins_and_forwards(pair):
    ann, boris, chat_id = pair
    a, b = ann.page, boris.page
    # Борис, on a phone in Russian, sends a photo with no caption.
    pick(boris, photo("море.jpg", color=(40, 90, 200)))
    expect(chips(boris)).to_have_attribute("data-upload-progress", "100")
    expect(b.locator(".composer__send")).to_be_enabled()
    b.locator(".composer__send").click()
    mine = own_last(boris)
    expect(mine).to_have_attribute("data-status", SENT)
    message_id = mine.get_attribute("data-message-id")
    expect(mine.locator(".msg__text")).to_be_hidden()
    expect(b.locator(f'[data-chat-id="{chat_id}"]')).to_contain_text("Вы: Фото")
    assert fits_width(b)

    theirs = by_id(ann, message_id)
    expect(theirs.get_by_role("img", name="море.jpg")).to_be_visible()
    expect(a.locator(f'[data-chat-id="{chat_id}"]')).to_contain_text("Photo")

    # A reply to it quotes "Photo"; so does the pinned bar.
    open_menu(theirs)
    item(ann, "Reply").click()
    expect(a.locator(".composer__reply-text")).to_have_text("Photo")
    ann.send("Lovely")
    expect(ann.message("Lovely").locator(".msg__quote-text")).to_have_text("Photo")
    open_menu(theirs)
    item(ann, "Pin").click()
    expect(pinned(ann)).to_contain_text("Photo")
    expect(pinned(boris)).to_contain_text("Фото")

    # A forward of it carries the photo.
    open_menu(theirs)
    item(ann, "Forward").click()
    a.locator(f'#forward [data-chat-id="{chat_id}"]').click()
    copy = a.locator("[data-message-id]", has=a.locator(".msg__forwarded")).last
    expect(copy.get_by_role("img", name="море.jpg")).to_be_visible()
    expect(
        by_id(boris, copy.get_attribute("data-message-id")).locator("[data-attachment-id]")
    ).to_have_count(1)
    assert not ann.errors and not boris.errors


def test_an_upload_can_be_removed_and_a_file_over_the_limit_is_refused(pair):
    ann, boris, _ = pair
    a = ann.page
    # An upload held on its way is removed with its ×: it goes nowhere.
    held = []
    a.route("**/api/attachments", lambda route: held.append(route))
    pick(ann, notes("draft.txt"))
    expect(chips(ann)).to_have_count(1)
    a.get_by_role("button", name="Remove draft.txt").click()
    expect(chips(ann)).to_have_count(0)
    a.unroute("**/api/attachments")

    # A file over the limit (1 MiB in these servers) never starts.
    pick(
        ann,
        {
            "name": "big.bin",
            "mimeType": "application/octet-stream",
            "buffer": b"x" * (1024 * 1024 + 1),
        },
    )
    expect(a.locator(".conv-notice")).to_have_text("This file is over 1 MB.")
    expect(chips(ann)).to_have_count(0)

    # Of two uploads, the one removed after it arrived is left out of the message.
    pick(ann, notes("keep.txt"), notes("drop.txt"))
    for index in range(2):
        expect(chips(ann).nth(index)).to_have_attribute("data-upload-progress", "100")
    a.get_by_role("button", name="Remove drop.txt").click()
    ann.send("Only one")
    mine = own_last(ann)
    expect(mine).to_have_attribute("data-status", SENT)
    expect(mine.locator("[data-attachment-id]")).to_have_count(1)
    expect(mine).to_contain_text("keep.txt")
    expect(mine).not_to_contain_text("drop.txt")
    theirs = by_id(boris, mine.get_attribute("data-message-id"))
    expect(theirs.locator("[data-attachment-id]")).to_have_count(1)
    assert not [e for e in ann.errors if "aborted" not in e.lower()]


def refuse(status: int, body: dict):
    """A route handler that answers every upload with ``status`` and ``body``."""
    return lambda route: route.fulfill(status=status, json=body)


def test_the_servers_refusals_are_said_and_an_offline_send_goes_with_its_files(pair):
    ann, boris, chat_id = pair
    a = ann.page
    # The server's own refusals: over its limit, too many unsent uploads.
    refusals = [
        (413, "too_large", "This file is over 1 MB."),
        (429, "throttled", "Too many files are waiting to be sent. Send or remove some first."),
    ]
    for status, code, text in refusals:
        body = {"success": False, "error": "refused", "code": code}
        a.route("**/api/attachments", refuse(status, body))
        pick(ann, notes("refused.txt"))
        expect(a.locator(".conv-notice")).to_have_text(text)
        expect(chips(ann)).to_have_count(0)
        a.unroute("**/api/attachments")

    # Uploaded, then sent offline: it fails for the network and goes, files and all, once the
    # connection is back.
    pick(ann, notes("offline.txt"))
    expect(chips(ann)).to_have_attribute("data-upload-progress", "100")
    ann.context.set_offline(True)
    expect(a.locator("#app")).to_have_attribute("data-connection", "offline")
    ann.send("Sent from the train")
    pending = a.locator("[data-status]", has_text="Sent from the train")
    expect(pending).to_have_attribute("data-status", "failed")
    ann.context.set_offline(False)
    expect(pending).to_have_attribute("data-status", SENT, timeout=15_000)
    theirs = by_id(boris, pending.get_attribute("data-message-id"))
    expect(theirs.locator(".att--file")).to_contain_text("offline.txt")
    stored = a.request.get(f"/api/chats/{chat_id}/messages?limit=1").json()["data"][0]
    assert stored["content"] == "Sent from the train"
    assert [item["name"] for item in stored["attachments"]] == ["offline.txt"]
    assert [
        e
        for e in ann.errors
        if "ERR_INTERNET_DISCONNECTED" not in e and " 413 " not in e and " 429 " not in e
    ] == []
