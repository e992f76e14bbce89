"""Group chats in the pages (API.md "Web pages", groups): three people, their pages spread over
two server processes that share one database and one channel layer. A group is made from the
"New group" form, messages reach everyone live with their sender's name, system messages read
as sentences in each person's language, ticks turn to read once every other member has read,
and the member list adds people, makes admins, renames and removes people, whose open page then
leaves the chat."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import redis_available, require
from tests.web.people import PHONE, Person
from tests.web.test_chat_live import fits_width

pytestmark = [pytest.mark.browser, pytest.mark.servers]

CHAT_URL = re.compile(r"/chats/[0-9a-f-]{36}/$")


@pytest.fixture
def trio(chromium, servers):
    # Two processes are one server only through one channel layer (Redis).
    require(redis_available(), "Redis (REDIS_URL)")
    ann = Person.seeded(chromium, servers, "Ann Groupova")
    boris = Person.seeded(
        chromium, servers, "Борис Группов", server=1, viewport=PHONE, locale="ru-RU"
    )
    vera = Person.seeded(chromium, servers, "Vera Groupova", server=1)
    yield ann, boris, vera
    for person in (ann, boris, vera):
        person.close()


def make_group(owner: Person, title: str, *members: Person) -> str:
    """``owner`` makes the group from the "New group" form; its id (its page is open)."""
    page = owner.page
    page.get_by_role("button", name="New group").click()
    page.fill("[name=title]", title)
    for person in members:
        page.fill("[name=q]", person.name)
        found = page.locator(".person", has_text=f"@{person.username}")
        found.click()
        expect(found).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(CHAT_URL)
    expect(page.locator(".conv-header")).to_have_attribute("data-chat-kind", "group")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def row(person: Person, chat_id: str):
    return person.page.locator(f'[data-chat-id="{chat_id}"]')


def member(person: Person, user: Person):
    return person.page.locator(f'[data-member-id="{user_id(user)}"]')


def user_id(person: Person) -> str:
    if not hasattr(person, "id"):
        person.id = person.page.request.get("/api/users/me").json()["data"]["id"]
    return person.id


def test_a_group_made_from_the_page_talks_live_across_two_processes(trio):
    ann, boris, vera = trio
    a, b = ann.page, boris.page

    # The form checks what it needs before it asks the server.
    a.get_by_role("button", name="New group").click()
    a.get_by_role("button", name="Create").click()
    expect(a.locator(".picker__error")).to_have_text("Give the group a name.")
    expect(a.locator("[name=title]")).to_be_focused()
    a.keyboard.press("Escape")
    expect(a.locator("[name=title]")).to_be_hidden()
    expect(a.get_by_role("button", name="New group")).to_be_focused()

    chat_id = make_group(ann, "Family", boris, vera)
    header = a.locator(".conv-header")
    expect(header.locator(".conv-header__name")).to_have_text("Family")
    expect(header).to_contain_text("3 members")
    expect(row(ann, chat_id)).to_have_attribute("data-chat-kind", "group")
    created = a.locator('[data-system="group_created"]')
    expect(created).to_have_text(f"{ann.name} created the group “Family”")
    expect(created).not_to_have_attribute("data-status", re.compile(".*"))

    # It shows up at once in the others' lists (on the other process), and a system message
    # is never unread.
    for person in (boris, vera):
        listed = row(person, chat_id)
        expect(listed).to_have_attribute("data-chat-kind", "group")
        expect(listed).to_contain_text("Family")
        expect(listed.locator("[data-unread]")).to_have_attribute("data-unread", "0")
    expect(row(boris, chat_id)).to_contain_text(f"{ann.name} создал(а) группу «Family»")

    ann.send("Hello, family!")
    hello = ann.message("Hello, family!")
    expect(hello).to_have_attribute("data-status", "sent")
    for person in (boris, vera):
        expect(row(person, chat_id).locator("[data-unread]")).to_have_attribute("data-unread", "1")
        expect(row(person, chat_id)).to_contain_text(f"{ann.name}: Hello, family!")

    # Boris reads it (on a phone, in Russian); Ann's tick waits for Vera too.
    row(boris, chat_id).click()
    got = boris.message("Hello, family!")
    expect(got.locator(".msg__sender-name")).to_have_text(ann.name)
    expect(b.locator(".conv-header")).to_have_attribute("data-chat-kind", "group")
    expect(b.locator(".conv-header")).to_contain_text("3 участника")
    expect(b.locator('[data-system="group_created"]')).to_have_text(
        f"{ann.name} создал(а) группу «Family»"
    )
    expect(row(boris, chat_id).locator("[data-unread]")).to_have_attribute("data-unread", "0")
    b.wait_for_timeout(500)
    expect(hello).to_have_attribute("data-status", "sent")

    # "Read by" on Ann's own message names Boris, and follows Vera's reading while it is open.
    hello.locator("[data-message-actions], .msg__actions").click()
    a.get_by_role("menuitem", name="Read by").click()
    readers = a.locator("#readers")
    expect(readers).to_be_visible()
    expect(readers.locator("[data-reader-id]")).to_have_count(1)
    reader = readers.locator(f'[data-reader-id="{user_id(boris)}"]')
    expect(reader.locator(".member__name")).to_have_text(boris.name)
    expect(readers).to_contain_text("1 of 2 has read it")
    row(vera, chat_id).click()
    expect(vera.message("Hello, family!").locator(".msg__sender-name")).to_have_text(ann.name)
    expect(readers.locator("[data-reader-id]")).to_have_count(2)
    expect(readers).to_contain_text("2 of 2 have read it")
    expect(hello).to_have_attribute("data-status", "read")
    a.keyboard.press("Escape")
    expect(readers).to_be_hidden()
    expect(hello.locator(".msg__actions")).to_be_focused()

    # Typing names the typist.
    b.locator("[name=content]").press_sequentially("Прив", delay=30)
    for person in (ann, vera):
        typing = person.page.locator("[data-typing]")
        expect(typing).to_be_visible()
        expect(typing).to_have_text(f"{boris.name} is typing…")
    # Two at once: both named.
    vera.page.locator("[name=content]").press_sequentially("Hel", delay=30)
    expect(a.locator("[data-typing]")).to_have_text(f"{boris.name} and {vera.name} are typing…")
    vera.page.fill("[name=content]", "")
    b.fill("[name=content]", "Привет всем!")
    b.press("[name=content]", "Enter")
    for person in (ann, vera):
        reply = person.message("Привет всем!")
        expect(reply.locator(".msg__sender-name")).to_have_text(boris.name)
    expect(vera.page.locator("[data-typing]")).to_be_hidden()
    expect(boris.message("Привет всем!")).to_have_attribute("data-status", "read")
    # One's own messages carry no sender line.
    expect(boris.message("Привет всем!").locator(".msg__sender")).to_have_count(0)

    vera.send("Hi both")
    for person in (ann, boris, vera):
        expect(person.message("Hi both")).to_have_count(1)
        expect(person.page.locator("[data-message-id]")).to_have_count(4)  # and group_created
    assert fits_width(b)
    assert ann.errors == [] and boris.errors == [] and vera.errors == []


def test_the_member_list_adds_promotes_removes_and_a_removed_page_leaves(trio):
    ann, boris, vera = trio
    a, b, v = ann.page, boris.page, vera.page
    chat_id = make_group(ann, "Book club", boris)
    b.goto(f"/chats/{chat_id}/")
    expect(b.locator("[name=content]")).to_be_enabled()
    expect(row(vera, chat_id)).to_have_count(0)

    # Ann (the owner) adds Vera from the member list; Vera's list gets the group at once.
    a.get_by_role("button", name="Members").click()
    dialog = a.locator("#members")
    expect(dialog).to_be_visible()
    expect(member(ann, ann)).to_have_attribute("data-role", "owner")
    expect(member(ann, boris)).to_have_attribute("data-role", "member")
    expect(member(ann, ann).get_by_role("button")).to_have_count(0)
    dialog.get_by_role("button", name="Add members").click()
    expect(dialog).to_be_hidden()
    a.fill("[name=q]", boris.name)
    expect(a.locator(".person", has_text=f"@{boris.username}")).to_contain_text(
        "Already in the group"
    )
    a.fill("[name=q]", vera.name)
    a.locator(".person", has_text=f"@{vera.username}").click()
    a.get_by_role("button", name="Add members").click()
    expect(dialog).to_be_visible()
    expect(member(ann, vera)).to_have_attribute("data-role", "member")
    expect(dialog).to_contain_text("3 members")
    expect(row(vera, chat_id)).to_contain_text("Book club")
    added = f"{ann.name} added {vera.name}"
    expect(a.locator('[data-system="members_added"]')).to_have_text(added)
    expect(b.locator('[data-system="members_added"]')).to_have_text(
        f"{ann.name} добавил(а) {vera.name}"
    )
    row(vera, chat_id).click()
    expect(v.locator('[data-system="members_added"]')).to_have_text(added)

    # Ann makes Boris an admin: every page says so, and his member list now lets him remove
    # plain members (not the owner), and nothing more.
    member(ann, boris).get_by_role("button", name="Make admin").click()
    expect(member(ann, boris)).to_have_attribute("data-role", "admin")
    expect(member(ann, boris).get_by_role("button", name="Make admin")).to_have_count(0)
    expect(v.locator('[data-system="role_changed"]')).to_have_text(
        f"{ann.name} made {boris.name} an admin"
    )
    expect(b.locator('[data-system="role_changed"]')).to_have_text(
        f"{ann.name} назначил(а) админом: {boris.name}"
    )
    b.get_by_role("button", name="Участники").click()
    expect(member(boris, boris)).to_have_attribute("data-role", "admin")
    expect(member(boris, vera).get_by_role("button", name="Удалить")).to_be_visible()
    expect(member(boris, ann).get_by_role("button")).to_have_count(0)
    expect(b.get_by_role("button", name="Сделать админом")).to_have_count(0)
    expect(b.get_by_role("button", name="Выйти из группы")).to_be_visible()
    assert fits_width(b)

    # As an admin he renames the group: every page follows.
    b.fill("[name=rename]", "Reading club")
    b.get_by_role("button", name="Переименовать").click()
    renamed = f"{boris.name} renamed the group to “Reading club”"
    expect(a.locator('[data-system="title_changed"]')).to_have_text(renamed)
    expect(v.locator(".conv-header__name")).to_have_text("Reading club")
    expect(row(ann, chat_id)).to_contain_text("Reading club")
    expect(b.locator(".conv-header__name")).to_have_text("Reading club")

    # Boris removes Vera while her page is open on the group: it leaves the chat and her list.
    member(boris, vera).get_by_role("button", name="Удалить").click()
    expect(member(boris, vera)).to_have_count(0)
    expect(v).to_have_url(f"{vera.base}/chats/")
    expect(row(vera, chat_id)).to_have_count(0)
    expect(v.locator("#toast")).to_have_text("You are no longer in “Reading club”.")
    # Ann's open member list follows live (chat.updated), and her chat says what happened.
    expect(member(ann, vera)).to_have_count(0)
    expect(a.locator("#members")).to_contain_text("2 members")
    expect(a.locator('[data-system="member_removed"]')).to_have_text(
        f"{boris.name} removed {vera.name}"
    )
    a.get_by_role("button", name="Close").click()
    expect(a.get_by_role("button", name="Members")).to_be_focused()
    ann.send("just the two of us")
    expect(boris.message("just the two of us")).to_be_visible()
    v.wait_for_timeout(500)
    expect(row(vera, chat_id)).to_have_count(0)

    # Boris leaves: his page goes back to the list, without the group; Ann is told.
    b.get_by_role("button", name="Выйти из группы").click()
    expect(b).to_have_url(f"{boris.base}/chats/")
    expect(row(boris, chat_id)).to_have_count(0)
    expect(a.locator('[data-system="member_left"]')).to_have_text(f"{boris.name} left")
    expect(a.locator(".conv-header")).to_contain_text("1 member")
    # A reload agrees: the group is gone from their lists for good.
    v.reload()
    vera.wait_connected()
    expect(v.locator("[data-chat-id]")).to_have_count(0)
    assert ann.errors == [] and boris.errors == [] and vera.errors == []


def test_a_member_removed_while_offline_loses_the_group_when_back(trio):
    ann, boris, vera = trio
    chat_id = make_group(ann, "Offline club", boris, vera)
    v = vera.page
    v.goto(f"/chats/{chat_id}/")
    expect(v.locator('[data-system="group_created"]')).to_be_visible()

    vera.context.set_offline(True)
    expect(v.locator("#app")).to_have_attribute("data-connection", "offline")
    ann.page.get_by_role("button", name="Members").click()
    member(ann, vera).get_by_role("button", name="Remove").click()
    expect(member(ann, vera)).to_have_count(0)
    expect(ann.page.locator("#members")).to_contain_text("2 members")

    # Back online: the page learns it from the list, leaves the chat and drops it.
    vera.context.set_offline(False)
    expect(v).to_have_url(f"{vera.base}/chats/", timeout=15_000)
    expect(row(vera, chat_id)).to_have_count(0)
    expect(v.locator("#toast")).to_have_text("You are no longer in “Offline club”.")
    # The browser notes the requests that failed while offline and, if one was on its way
    # when the connection came back, the 404 of asking about the group she is no longer in
    # (the page takes that as "removed" too); nothing else.
    expected = ("ERR_INTERNET_DISCONNECTED", "status of 404 (Not Found)")
    assert [e for e in vera.errors if not any(mark in e for mark in expected)] == []
    assert ann.errors == []
