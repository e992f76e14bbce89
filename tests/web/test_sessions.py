"""One's sessions on the profile page: listed, revoked one by one or all at once, and a page
whose sign-in ends elsewhere goes to /login/ by itself."""

import re

import pytest
from playwright.sync_api import expect

from tests.web import seed
from tests.web.people import PHONE, Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]

SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_sessions_are_listed_and_revoked_without_a_reload(chromium, servers):
    alice = Person(chromium, servers, "Alice Sessions").register()
    phone = alice.on_another_device(viewport=PHONE, locale="ru-RU")
    seed.run(servers, "sign-in", alice.phone, SAFARI)

    page = alice.page
    page.goto("/profile/")
    rows = page.locator("[data-session-id]")
    expect(rows).to_have_count(3)
    current = page.locator('[data-current="true"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text("This device")
    expect(current.get_by_role("button")).to_have_count(0)
    safari = rows.filter(has_text="Mobile Safari on iOS")
    expect(safari).to_contain_text("203.0.113.7")
    expect(safari).to_contain_text(re.compile(r"Last used today at \d\d:\d\d"))

    safari.get_by_role("button", name="Revoke").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_role("status")).to_contain_text("Mobile Safari on iOS has ended")
    page.reload()
    expect(rows).to_have_count(2)

    # The other device, in Russian at phone width, ends every session but its own: the
    # desktop's profile page goes to /login/ by itself.
    p = phone.page
    p.goto("/profile/")
    expect(p.locator("[data-session-id]")).to_have_count(2)
    expect(p.locator('[data-current="true"]')).to_contain_text("Это устройство")
    expect(p.get_by_role("button", name="Завершить", exact=True)).to_be_visible()
    p.get_by_role("button", name="Завершить все другие сеансы").click()
    expect(p.locator("[data-session-id]")).to_have_count(1)
    expect(p.get_by_text("Вы больше нигде не вошли.")).to_be_visible()
    expect(p.get_by_role("button", name="Завершить все другие сеансы")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/login/\?next=%2Fprofile%2F$"))
    assert alice.errors_but(401) == [] and phone.errors == []
    alice.close()
    phone.close()


def test_a_chat_page_goes_to_login_when_its_session_is_revoked_or_logged_out(chromium, servers):
    boris = Person(chromium, servers, "Boris Sessions").register()
    laptop = boris.on_another_device()
    laptop.page.goto("/chats/")
    laptop.wait_connected()
    second_tab = laptop.context.new_page()
    second_tab.goto("/profile/")

    # Revoked from the first device's profile page: both of the laptop's pages notice.
    boris.page.goto("/profile/")
    laptop_row = boris.page.locator('[data-current="false"]')
    laptop_row.get_by_role("button", name="Revoke").click()
    expect(laptop_row).to_have_count(0)
    expect(laptop.page).to_have_url(re.compile(r"/login/\?next=%2Fchats%2F$"))
    expect(second_tab).to_have_url(re.compile(r"/login/\?next=%2Fprofile%2F$"))

    # A plain visit of /logout/ ends nothing; its button does, and the chat open in another
    # tab follows.
    chats = boris.context.new_page()
    chats.goto("/chats/")
    expect(chats.locator("#app")).to_have_attribute("data-connection", "online")
    boris.page.goto("/logout/")
    logout = boris.page.get_by_role("button", name="Log out")
    expect(logout).to_be_visible()
    chats.reload()
    expect(chats).to_have_url(re.compile(r"/chats/$"))
    expect(chats.locator("#app")).to_have_attribute("data-connection", "online")
    logout.click()
    expect(boris.page).to_have_url(re.compile(r"/login/$"))
    expect(boris.page.get_by_role("status")).to_have_text("You are logged out.")
    expect(chats).to_have_url(re.compile(r"/login/\?next=%2Fchats%2F$"))
    boris.page.goto("/profile/")
    expect(boris.page).to_have_url(re.compile(r"/login/\?next=%2Fprofile%2F$"))
    assert boris.errors_but(401) == [] and laptop.errors_but(401) == []
    boris.close()
    laptop.close()
