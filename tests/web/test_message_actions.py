"""Replies, reactions, forwards and pins in the pages (API.md "Web pages"): each message's menu
(data-message-actions) offers Reply, React, Forward and Pin where allowed; a reply shows its
quote (data-reply-to) that goes to the original, loading older history on the way; reactions
are chips (data-reaction, data-count, one's own aria-pressed) that toggle; a forward names the
first author; the pinned message sits above the messages (data-pinned). Everything reaches the
other pages live, on two server processes, with one person on a phone in Russian, and the menu
and the picker work from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import redis_available, require
from tests.web.people import PHONE, Person, pair_in_a_chat
from tests.web.test_chat_live import fits_width
from tests.web.test_groups import make_group, member

pytestmark = [pytest.mark.browser, pytest.mark.servers]

SENT = re.compile("sent|read")


@pytest.fixture
def pair(chromium, servers):
    """Ann (English, desktop) and Борис (Russian, phone, on the other process), both looking at
    their chat."""
    require(redis_available(), "Redis (REDIS_URL)")
    ann, boris, chat_id = pair_in_a_chat(chromium, servers, "Ann Replies", "Борис Ответов")
    yield ann, boris, chat_id
    ann.close()
    boris.close()


def by_id(person: Person, message_id: str):
    return person.page.locator(f'[data-message-id="{message_id}"]')


def sent(person: Person, text: str) -> str:
    """``person`` sends ``text``; the stored message's id."""
    person.send(text)
    mine = person.page.locator("[data-message-id][data-status]", has_text=text).last
    expect(mine).to_have_attribute("data-status", SENT)
    return mine.get_attribute("data-message-id")


def open_menu(message) -> None:
    message.hover()
    message.locator("[data-message-actions]").click()


def item(person: Person, name: str):
    return person.page.get_by_role("menuitem", name=name, exact=True)


def pinned(person: Person):
    return person.page.locator("[data-pinned]")


def test_replies_and_reactions_reach_both_pages_live(pair):
    ann, boris, _ = pair
    a, b = ann.page, boris.page
    question_id = sent(ann, "Shall we meet at noon?")
    theirs = by_id(boris, question_id)
    expect(theirs).to_be_visible()

    # Борис (phone, Russian) replies from the message's menu; the quote can be cancelled.
    open_menu(theirs)
    for name in ("Ответить", "Реакция", "Переслать", "Закрепить", "Пожаловаться"):
        expect(item(boris, name)).to_be_visible()
    expect(item(boris, "Изменить")).to_have_count(0)
    item(boris, "Ответить").click()
    bar = b.locator(".composer__reply")
    expect(bar).to_contain_text(f"Ответ: {ann.name}")
    expect(bar).to_contain_text("Shall we meet at noon?")
    expect(b.locator("[name=content]")).to_be_focused()
    b.get_by_role("button", name="Отменить ответ").click()
    expect(bar).to_be_hidden()
    open_menu(theirs)
    item(boris, "Ответить").click()
    boris.send("Да, в полдень")
    expect(bar).to_be_hidden()
    mine = b.locator("[data-reply-to]", has_text="Да, в полдень")
    expect(mine).to_have_attribute("data-reply-to", question_id)
    expect(mine).to_have_attribute("data-status", SENT)
    expect(mine.locator(".msg__quote")).to_contain_text("Shall we meet at noon?")
    reply = a.locator(f'[data-reply-to="{question_id}"]')
    expect(reply).to_contain_text("Да, в полдень")
    expect(reply.locator(".msg__quote")).to_contain_text(ann.name)
    reply_id = reply.get_attribute("data-message-id")
    theirs_reply = by_id(boris, reply_id)

    # Ann reacts from the keyboard: Enter opens the menu, the arrows reach "React" and an emoji.
    reply.locator("[data-message-actions]").focus()
    a.keyboard.press("Enter")
    expect(item(ann, "Reply")).to_be_focused()
    a.keyboard.press("ArrowDown")
    expect(item(ann, "React")).to_be_focused()
    a.keyboard.press("Enter")
    picker = a.get_by_role("dialog", name="Choose a reaction")
    expect(picker.locator('[data-emoji="👍"]')).to_be_focused()
    a.keyboard.press("ArrowRight")
    expect(picker.locator('[data-emoji="❤️"]')).to_be_focused()
    a.keyboard.press("Enter")
    expect(picker).to_have_count(0)
    expect(reply.locator("[data-message-actions]")).to_be_focused()
    heart_a = reply.locator('[data-reaction="❤️"]')
    heart_b = theirs_reply.locator('[data-reaction="❤️"]')
    expect(heart_a).to_have_attribute("data-count", "1")
    expect(heart_a).to_have_attribute("aria-pressed", "true")
    expect(heart_b).to_have_attribute("data-count", "1")
    expect(heart_b).to_have_attribute("aria-pressed", "false")

    # Борис adds his with a click on the chip; Ann takes hers back with another.
    heart_b.click()
    for chip in (heart_a, heart_b):
        expect(chip).to_have_attribute("data-count", "2")
        expect(chip).to_have_attribute("aria-pressed", "true")
    heart_a.click()
    expect(heart_a).to_have_attribute("aria-pressed", "false")
    for chip in (heart_a, heart_b):
        expect(chip).to_have_attribute("data-count", "1")
    expect(heart_b).to_have_attribute("aria-pressed", "true")

    # Any one emoji from the picker's field; one reaction each, so his heart gives way to it.
    open_menu(theirs_reply)
    item(boris, "Реакция").click()
    field = b.locator("[name=emoji]")
    expect(b.locator('.msg__picker [data-emoji="❤️"]')).to_have_attribute("aria-pressed", "true")
    field.fill("ok")
    field.press("Enter")
    expect(b.locator(".msg__picker [role=alert]")).to_have_text("Введите один эмодзи.")
    field.fill("🦄")
    field.press("Enter")
    unicorn = '[data-reaction="🦄"]'
    for chip in (reply.locator(unicorn), theirs_reply.locator(unicorn)):
        expect(chip).to_have_attribute("data-count", "1")
    expect(theirs_reply.locator(unicorn)).to_have_attribute("aria-pressed", "true")
    expect(reply.locator("[data-reaction]")).to_have_count(1)
    expect(theirs_reply.locator("[data-reaction]")).to_have_count(1)
    assert fits_width(b)

    # Escape closes the picker and gives the focus back to the menu's button.
    open_menu(reply)
    item(ann, "React").click()
    expect(picker).to_be_visible()
    a.keyboard.press("Escape")
    expect(picker).to_have_count(0)
    expect(reply.locator("[data-message-actions]")).to_be_focused()

    # A reply's quote follows its original: deleted, it says so.
    open_menu(by_id(ann, question_id))
    item(ann, "Delete").click()
    expect(mine.locator(".msg__quote")).to_contain_text("Сообщение удалено")
    expect(reply.locator(".msg__quote")).to_contain_text("Message deleted")
    # Deleted messages have no menu to reply, react or pin with.
    expect(by_id(ann, question_id).locator("[data-message-actions]")).to_be_hidden()
    assert ann.errors == [] and boris.errors == []


SEND_OVER_A_SOCKET = """async ([chatId, count, replyTo]) => {
    const ws = new WebSocket(`ws://${location.host}/ws/`);
    await new Promise((resolve) => ws.addEventListener("open", resolve));
    let acks = 0;
    const done = new Promise((resolve, reject) => {
        ws.addEventListener("message", (event) => {
            const frame = JSON.parse(event.data);
            if (frame.type === "error") reject(new Error(JSON.stringify(frame)));
            if (frame.type === "message.ack" && ++acks === count) resolve();
        });
        setTimeout(() => reject(new Error(`${acks} of ${count} acknowledged`)), 20000);
    });
    for (let n = 1; n <= count; n++) {
        const frame = {type: "message.send", chat_id: chatId, content: `old message ${n}`,
                       client_id: `${replyTo ? "reply" : "old"}-${n}`};
        if (replyTo) Object.assign(frame, {reply_to_id: replyTo, content: "back to the start"});
        ws.send(JSON.stringify(frame));
    }
    await done;
    ws.close();
    return acks;
}"""


def test_a_quote_loads_older_history_to_its_original_and_a_reply_survives_a_lost_connection(
    chromium, servers
):
    ann = Person.seeded(chromium, servers, "Ann Scrolls")
    boris = Person.seeded(chromium, servers, "Boris Scrolls")
    chat_id = ann.open_chat_with(boris)
    assert ann.page.evaluate(SEND_OVER_A_SOCKET, [chat_id, 60, ""]) == 60
    history = ann.page.request.get(f"/api/chats/{chat_id}/messages?after_seq=0&limit=1").json()
    first_id = history["data"][0]["id"]
    assert ann.page.evaluate(SEND_OVER_A_SOCKET, [chat_id, 1, first_id]) == 1

    b = boris.page
    b.goto(f"/chats/{chat_id}/")
    reply = b.locator(f'[data-reply-to="{first_id}"]')
    expect(reply.locator(".msg__quote")).to_contain_text("old message 1")
    expect(reply.locator(".msg__quote")).to_contain_text(ann.name)
    expect(b.locator("[data-message-id]")).to_have_count(50)
    first = by_id(boris, first_id)
    expect(first).to_have_count(0)
    reply.locator(".msg__quote").click()
    expect(first).to_be_in_viewport()
    expect(first).to_be_focused()
    expect(first).to_have_attribute("data-seq", "1")

    # Offline, Boris answers that first message: it fails for the network, keeps its quote, and
    # goes with it once the connection is back.
    boris.context.set_offline(True)
    expect(b.locator("#app")).to_have_attribute("data-connection", "offline")
    open_menu(first)
    item(boris, "Reply").click()
    boris.send("still here")
    pending = b.locator("[data-status]", has_text="still here")
    expect(pending).to_have_attribute("data-status", "failed")
    expect(pending).to_have_attribute("data-reply-to", first_id)
    boris.context.set_offline(False)
    expect(pending).to_have_attribute("data-status", SENT, timeout=15_000)
    expect(pending).to_have_attribute("data-reply-to", first_id)
    theirs = ann.page.locator(f'[data-reply-to="{first_id}"]', has_text="still here")
    expect(theirs.locator(".msg__quote")).to_contain_text("old message 1")
    stored = ann.page.request.get(f"/api/chats/{chat_id}/messages?limit=1").json()["data"][0]
    assert stored["content"] == "still here" and stored["reply_to"]["id"] == first_id
    assert ann.errors == []
    assert [e for e in boris.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    ann.close()
    boris.close()


def test_a_forward_goes_to_the_chat_picked_and_names_the_first_author(chromium, servers):
    require(redis_available(), "Redis (REDIS_URL)")
    ann = Person.seeded(chromium, servers, "Ann Forwards")
    boris = Person.seeded(
        chromium, servers, "Борис Пересылкин", server=1, viewport=PHONE, locale="ru-RU"
    )
    vera = Person.seeded(chromium, servers, "Vera Forwards", server=1)
    vera_chat = ann.open_chat_with(vera)
    sent(ann, "Hi Vera")
    vera.page.goto(f"/chats/{vera_chat}/")
    expect(vera.message("Hi Vera")).to_be_visible()
    boris_chat = ann.open_chat_with(boris)
    boris.page.goto(f"/chats/{boris_chat}/")
    code_id = sent(boris, "The gate code is 4521")

    # Ann forwards Boris's message from the keyboard: the dialog lists her chats, the most
    # recent first; Down and Enter pick Vera's.
    a = ann.page
    open_menu(by_id(ann, code_id))
    item(ann, "Forward").click()
    dialog = a.get_by_role("dialog", name="Forward to…")
    expect(dialog.locator("[data-chat-id]")).to_have_count(2)
    expect(dialog.locator(f'[data-chat-id="{boris_chat}"]')).to_be_focused()
    a.keyboard.press("ArrowDown")
    expect(dialog.locator(f'[data-chat-id="{vera_chat}"]')).to_be_focused()
    a.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(a).to_have_url(f"{ann.base}/chats/{vera_chat}/")
    copy = ann.message("The gate code is 4521")
    expect(copy).to_have_attribute("data-status", SENT)
    expect(copy).to_contain_text(f"Forwarded from {boris.name}")
    expect(a.locator(".conv-notice")).to_have_text(f"Forwarded to {vera.name}.")

    # Vera gets it live; her forward of the forward still names Boris.
    got = vera.message("The gate code is 4521")
    expect(got).to_contain_text(f"Forwarded from {boris.name}")
    v = vera.page
    open_menu(got)
    item(vera, "Forward").click()
    dialog = v.get_by_role("dialog", name="Forward to…")
    v.keyboard.press("ArrowUp")  # from the first chat back to the field
    v.keyboard.type("zzz")
    expect(dialog).to_contain_text("No chats found.")
    v.locator(".forward__filter").fill(ann.name.split()[0])
    expect(dialog.locator("[data-chat-id]")).to_have_count(1)
    v.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    copies = v.locator("[data-message-id]", has_text="The gate code is 4521")
    expect(copies).to_have_count(2)
    expect(copies.last).to_contain_text(f"Forwarded from {boris.name}")
    expect(ann.page.locator("[data-message-id]", has_text="The gate code is 4521")).to_have_count(2)

    # In Russian on a phone the words are Russian, and it fits.
    b = boris.page
    open_menu(by_id(boris, code_id))
    item(boris, "Переслать").click()
    dialog = b.get_by_role("dialog", name="Переслать в…")
    expect(dialog.locator(f'[data-chat-id="{boris_chat}"]')).to_be_visible()
    assert fits_width(b)
    b.get_by_role("button", name="Закрыть").click()
    expect(dialog).to_be_hidden()
    expect(by_id(boris, code_id).locator("[data-message-actions]")).to_be_focused()
    assert ann.errors == [] and boris.errors == [] and vera.errors == []
    for person in (ann, boris, vera):
        person.close()


def test_pins_in_a_direct_chat_live_for_both_and_blocks_refuse_reactions(pair):
    ann, boris, _ = pair
    a, b = ann.page, boris.page
    meeting_id = sent(ann, "Meeting at 5, room 2")
    for n in range(3):
        sent(ann, f"filler {n}")
    expect(pinned(ann)).to_have_count(0)

    # Борис pins Ann's message: the bar is above the messages on both pages, with Unpin.
    open_menu(by_id(boris, meeting_id))
    item(boris, "Закрепить").click()
    for person in (ann, boris):
        expect(pinned(person)).to_have_attribute("data-pinned", meeting_id)
        expect(pinned(person)).to_contain_text("Meeting at 5, room 2")
    expect(pinned(boris)).to_contain_text("Закреплённое сообщение")
    expect(a.get_by_role("button", name="Unpin")).to_be_visible()
    assert fits_width(b)
    # The pinned message's menu offers Unpin instead; the bar goes to the message.
    open_menu(by_id(ann, meeting_id))
    expect(item(ann, "Pin")).to_have_count(0)
    expect(item(ann, "Unpin")).to_be_visible()
    a.keyboard.press("Escape")
    pinned(ann).locator(".pinned__show").click()
    expect(by_id(ann, meeting_id)).to_be_focused()

    # Ann unpins from the bar: gone on both pages.
    a.get_by_role("button", name="Unpin").click()
    expect(pinned(ann)).to_have_count(0)
    expect(pinned(boris)).to_have_count(0)

    # Pinned again, then deleted: deleting a message unpins it everywhere.
    open_menu(by_id(ann, meeting_id))
    item(ann, "Pin").click()
    expect(pinned(boris)).to_have_attribute("data-pinned", meeting_id)
    open_menu(by_id(ann, meeting_id))
    item(ann, "Delete").click()
    expect(pinned(ann)).to_have_count(0)
    expect(pinned(boris)).to_have_count(0)

    # While one blocks the other, a reaction is refused and the notice says why.
    a.get_by_role("button", name="Chat actions").click()
    item(ann, "Block").click()
    expect(a.locator("[name=content]")).to_be_disabled()
    filler = a.locator("[data-message-id]", has_text="filler 2")
    open_menu(filler)
    expect(item(ann, "Reply")).to_have_count(0)
    item(ann, "React").click()
    a.locator('.msg__picker [data-emoji="👍"]').click()
    expect(a.locator(".conv-notice")).to_have_text(
        "You cannot do this while one of you blocks the other."
    )
    expect(filler.locator("[data-reaction]")).to_have_count(0)
    assert ann.errors_but(403) == [] and boris.errors == []


def test_in_a_group_owners_and_admins_pin_and_members_see_it_live(chromium, servers):
    require(redis_available(), "Redis (REDIS_URL)")
    ann = Person.seeded(chromium, servers, "Ann Pins")
    boris = Person.seeded(
        chromium, servers, "Борис Булавкин", server=1, viewport=PHONE, locale="ru-RU"
    )
    vera = Person.seeded(chromium, servers, "Vera Pins", server=1)
    chat_id = make_group(ann, "Planning", boris, vera)
    for person in (boris, vera):
        person.page.goto(f"/chats/{chat_id}/")
        expect(person.page.locator('[data-system="group_created"]')).to_be_visible()
    agenda_id = sent(ann, "Agenda: the budget")

    # A plain member may reply, react and forward, not pin.
    b = boris.page
    open_menu(by_id(boris, agenda_id))
    expect(item(boris, "Реакция")).to_be_visible()
    expect(item(boris, "Закрепить")).to_have_count(0)
    b.keyboard.press("Escape")
    # System messages have no menu at all.
    expect(b.locator("[data-system] [data-message-actions]")).to_have_count(0)

    # The owner pins: every member sees it; only those allowed get Unpin.
    open_menu(by_id(ann, agenda_id))
    item(ann, "Pin").click()
    for person in (ann, boris, vera):
        expect(pinned(person)).to_have_attribute("data-pinned", agenda_id)
        expect(pinned(person)).to_contain_text("Agenda: the budget")
    expect(pinned(boris).get_by_role("button", name="Открепить")).to_be_hidden()
    expect(pinned(ann).get_by_role("button", name="Unpin")).to_be_visible()

    # Made an admin, Борис may unpin, and does: gone for everyone.
    ann.page.get_by_role("button", name="Members").click()
    member(ann, boris).get_by_role("button", name="Make admin").click()
    expect(member(ann, boris)).to_have_attribute("data-role", "admin")
    ann.page.get_by_role("button", name="Close").click()
    unpin = pinned(boris).get_by_role("button", name="Открепить")
    expect(unpin).to_be_visible()
    unpin.click()
    for person in (ann, boris, vera):
        expect(pinned(person)).to_have_count(0)
    assert fits_width(b)
    assert ann.errors == [] and boris.errors == [] and vera.errors == []
    for person in (ann, boris, vera):
        person.close()
