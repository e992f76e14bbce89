"""Message search, drafts, muted chats, notifications and privacy in the pages (API.md "Web
pages"): the field named `search` finds messages in any word form and opens the chat at one far
back in its history; a draft follows the person to their other page and goes when sent; a muted
chat stays out of the title's count and of notifications; a notification, once allowed from
"Enable notifications", opens its chat; the privacy settings are saved on the profile page (in
Russian, on a phone) and the data comes as a download."""

import json
import os
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import redis_available, require
from tests.web.people import PHONE, Person
from tests.web.test_chat_live import fits_width

pytestmark = [pytest.mark.browser, pytest.mark.servers]

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

SEND = """async ([chatId, texts]) => {
    const ws = new WebSocket(`ws://${location.host}/ws/`);
    await new Promise((resolve) => ws.addEventListener("open", resolve));
    const ids = [];
    const done = new Promise((resolve, reject) => {
        ws.addEventListener("message", (event) => {
            const frame = JSON.parse(event.data);
            if (frame.type === "error") reject(new Error(JSON.stringify(frame)));
            if (frame.type === "message.ack") {
                ids.push([frame.message.client_id, frame.message.id]);
                if (ids.length === texts.length) resolve();
            }
        });
        setTimeout(() => reject(new Error(`${ids.length} of ${texts.length} acknowledged`)), 20000);
    });
    texts.forEach((content, n) => ws.send(JSON.stringify(
        {type: "message.send", chat_id: chatId, content, client_id: `s-${Date.now()}-${n}`})));
    await done;
    ws.close();
    return Object.fromEntries(ids.map(([clientId, id]) => [clientId.split("-").pop(), id]));
}"""

# The page's Notification, recorded: each one constructed is kept with its title and options,
# and asking for the permission is counted (the page must never ask unprompted).
RECORD_NOTIFICATIONS = """(() => {
    const Real = window.Notification;
    window.__notes = [];
    window.__asked = 0;
    class Recorded {
        constructor(title, options = {}) {
            Object.assign(this, {title, body: options.body, tag: options.tag, onclick: null});
            window.__notes.push(this);
        }
        close() { this.closed = true; }
        static get permission() { return Real ? Real.permission : "granted"; }
        static requestPermission() {
            window.__asked += 1;
            return Real ? Real.requestPermission() : Promise.resolve("granted");
        }
    }
    window.Notification = Recorded;
})();"""


def send_all(person: Person, chat_id: str, texts: list[str]) -> list[str]:
    """``texts`` sent over a socket of the person's own; the stored messages' ids, in order."""
    ids = person.page.evaluate(SEND, [chat_id, texts])
    return [ids[str(n)] for n in range(len(texts))]


def chat_item(person: Person, chat_id: str):
    return person.page.locator(f'.chat-link[data-chat-id="{chat_id}"]')


@pytest.fixture
def people(chromium, servers):
    require(redis_available(), "Redis (REDIS_URL)")
    made: list[Person] = []

    def make(name: str, **options) -> Person:
        made.append(Person.seeded(chromium, servers, name, **options))
        return made[-1]

    yield make
    for person in made:
        person.close()


def test_a_message_found_in_another_word_form_opens_its_chat_far_back_in_history(people):
    ann = people("Ann Finds")
    boris = people("Boris Finds")
    chat_id = ann.open_chat_with(boris)
    [wanted] = send_all(ann, chat_id, ["Пришлю подробности отдельным сообщением про отпуск"])
    send_all(ann, chat_id, [f"filler number {n}" for n in range(60)])

    page = boris.page
    page.goto("/chats/")
    boris.wait_connected()
    page.fill("[name=search]", "сообщениями" if ON_POSTGRES else "сообщени")
    found = page.locator(f'#found-results [data-message-id="{wanted}"]')
    expect(found).to_be_visible()
    expect(found).to_contain_text(ann.name)
    expect(found.locator("mark")).to_have_text("сообщением")
    expect(page.locator("#found-status")).to_contain_text("1 message found")
    # From the keyboard: down to the result, Enter opens it.
    page.press("[name=search]", "ArrowDown")
    expect(found).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/chats/{chat_id}/")
    message = page.locator(f'#messages [data-message-id="{wanted}"]')
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
    expect(message).to_have_attribute("data-seq", "1")
    assert page.locator("#messages [data-message-id]").count() == 61

    # Paging: 61 fillers and more come a page at a time.
    page.fill("[name=search]", "filler")
    results = page.locator("#found-results [data-message-id]")
    expect(results).to_have_count(20)
    page.get_by_role("button", name="Load more").click()
    expect(results).to_have_count(40)
    assert not boris.errors and not ann.errors


def test_a_draft_follows_the_person_to_their_other_page_and_goes_when_sent(people):
    ann = people("Ann Drafts")
    boris = people("Boris Drafts")
    chat_id = ann.open_chat_with(boris)
    other = ann.on_another_device()
    other.page.goto("/chats/")
    other.wait_connected()
    try:
        ann.page.fill("[name=content]", "half a thought")
        line = chat_item(other, chat_id)
        expect(line.locator("[data-draft]")).to_have_text("Draft: half a thought")

        other.page.goto(f"/chats/{chat_id}/")
        expect(other.page.locator("[name=content]")).to_have_value("half a thought")
        other.wait_connected()
        other.page.fill("[name=content]", "half a thought, finished")
        # The first page has no unsaved text of its own: it takes the newer draft.
        expect(ann.page.locator("[name=content]")).to_have_value("half a thought, finished")

        other.page.press("[name=content]", "Enter")
        expect(other.message("half a thought, finished")).to_have_attribute(
            "data-status", re.compile("sent|read")
        )
        expect(other.page.locator("[name=content]")).to_have_value("")
        expect(ann.page.locator("[name=content]")).to_have_value("")
        chat = ann.page.request.get(f"/api/chats/{chat_id}").json()["data"]
        assert chat["draft"] is None
        ann.page.reload()
        expect(ann.page.locator("[name=content]")).to_be_enabled()
        expect(ann.page.locator("[name=content]")).to_have_value("")
        assert not ann.errors and not other.errors
    finally:
        other.close()


def test_a_muted_chat_stays_out_of_the_title_and_notifications_open_their_chat(people):
    ann = people("Ann Notified")
    boris = people("Boris Muted")
    vera = people("Vera Loud")
    ann.context.grant_permissions(["notifications"])
    ann.context.add_init_script(RECORD_NOTIFICATIONS)
    page = ann.page
    muted_id = ann.open_chat_with(boris)
    loud_id = ann.open_chat_with(vera)
    page.reload()
    ann.wait_connected()

    # Mute Boris from his chat's menu; the list shows it, the menu then offers Unmute.
    page.goto(f"/chats/{muted_id}/")
    ann.wait_connected()
    page.get_by_role("button", name="Chat actions").click()
    page.get_by_role("menuitem", name="Mute", exact=True).click()
    expect(chat_item(ann, muted_id).locator("[data-muted]")).to_be_visible()
    page.get_by_role("button", name="Chat actions").click()
    expect(page.get_by_role("menuitem", name="Unmute")).to_be_visible()
    page.keyboard.press("Escape")

    # Notifications are asked for only from the button, which then goes.
    enable = page.get_by_role("button", name="Enable notifications")
    expect(enable).to_be_visible()
    assert page.evaluate("window.__asked") == 0
    enable.click()
    expect(enable).to_be_hidden()
    assert page.evaluate("window.__asked") == 1

    # Ann looks at Vera's chat; both write to her.
    chat_item(ann, loud_id).click()
    expect(page.locator("[name=content]")).to_be_enabled()
    for person, chat_id in ((boris, muted_id), (vera, loud_id)):
        person.page.goto(f"/chats/{chat_id}/")
        expect(person.page.locator("[name=content]")).to_be_enabled()
        person.wait_connected()
    boris.send("muted news one")
    boris.send("muted news two")
    expect(chat_item(ann, muted_id).locator("[data-unread]")).to_have_attribute("data-unread", "2")
    assert not page.title().startswith("(")
    assert page.evaluate("window.__notes.length") == 0

    # Ann is in Vera's chat: a message there neither counts nor notifies; she leaves for Boris's.
    vera.send("seen at once")
    expect(ann.message("seen at once")).to_be_visible()
    chat_item(ann, muted_id).click()
    expect(ann.message("muted news two")).to_be_visible()
    vera.send("are you there?")
    expect(chat_item(ann, loud_id).locator("[data-unread]")).to_have_attribute("data-unread", "1")
    expect(page).to_have_title(re.compile(r"^\(1\) "))
    page.wait_for_function("window.__notes.length === 1")
    note = page.evaluate("({title: __notes[0].title, body: __notes[0].body, tag: __notes[0].tag})")
    assert note == {"title": vera.name, "body": "are you there?", "tag": loud_id}

    page.evaluate("window.__notes[0].onclick()")
    page.wait_for_url(f"**/chats/{loud_id}/")
    expect(ann.message("are you there?")).to_be_visible()
    expect(page).not_to_have_title(re.compile(r"^\("))
    assert not ann.errors


def test_privacy_settings_are_saved_on_the_profile_page_in_russian_on_a_phone(people):
    olga = people("Ольга Тайная", viewport=PHONE, locale="ru-RU")
    page = olga.page
    page.goto("/profile/")
    form = page.locator("#privacy")
    expect(form.locator("[name=last_seen][value=everyone]")).to_be_checked()
    expect(form.locator("[name=read_receipts]")).to_be_checked()
    form.get_by_label("Никто", exact=True).check()
    form.locator("[name=read_receipts]").uncheck()
    form.locator("[name=phone_discovery][value=nobody]").check()
    form.get_by_role("button", name="Сохранить настройки конфиденциальности").click()
    expect(form.get_by_role("status")).to_have_text("Настройки конфиденциальности сохранены.")
    assert fits_width(page)

    settings = page.request.get("/api/users/me/privacy").json()["data"]
    assert settings == {"last_seen": "nobody", "read_receipts": False, "phone_discovery": "nobody"}
    page.reload()
    expect(form.locator("[name=last_seen][value=nobody]")).to_be_checked()
    expect(form.locator("[name=read_receipts]")).not_to_be_checked()
    expect(form.locator("[name=phone_discovery][value=nobody]")).to_be_checked()

    with page.expect_download() as download:
        page.get_by_role("button", name="Скачать мои данные").click()
    with open(download.value.path(), encoding="utf-8") as file:
        exported = json.load(file)
    assert exported["user"]["display_name"] == olga.name
    assert not olga.errors
