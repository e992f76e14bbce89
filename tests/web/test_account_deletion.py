"""Deleting one's account from the profile page: a code, its countdown, the errors, and the
way out (API.md "Safety")."""

import re

import pytest
from playwright.sync_api import expect

from tests.web.people import PHONE, Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def test_an_account_is_deleted_with_a_code_and_the_person_is_logged_out(chromium, servers):
    # Seeded: no code was spent on this account, so one may be asked for at once.
    vera = Person.seeded(chromium, servers, "Vera Leaving")
    chats = vera.context.new_page()
    chats.goto("/chats/")
    expect(chats.locator("#app")).to_have_attribute("data-connection", "online")
    page = vera.page
    page.bring_to_front()  # a page in the background gets few animation frames: slow clicks
    page.goto("/profile/")
    section = page.locator("#delete-account")
    section.get_by_role("button", name="Delete account").click()
    expect(section).to_contain_text(f"We sent a 6-digit code to {vera.phone}")
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"new code in (59|60) s"))
    expect(page.get_by_role("button", name="Send a new code")).to_be_hidden()
    expect(page.locator("[name=code]")).to_be_focused()

    page.fill("[name=code]", "12")
    page.press("[name=code]", "Enter")
    expect(page.get_by_role("alert")).to_have_text("The code is 6 digits.")
    code = servers.sms_code(vera.phone)
    page.fill("[name=code]", wrong_code(code))
    page.press("[name=code]", "Enter")
    expect(page.get_by_role("alert")).to_contain_text("Wrong code")
    expect(page.locator("[name=code]")).to_have_attribute("aria-invalid", "true")

    # Cancelling and coming back keeps the code that is on its way.
    section.get_by_role("button", name="Cancel").click()
    section.get_by_role("button", name="Delete account").click()
    page.fill("[name=code]", code)
    section.get_by_role("button", name="Delete account permanently").click()
    expect(page).to_have_url(re.compile(r"/login/\?deleted=1$"))
    expect(page.get_by_role("status")).to_have_text(
        "Your account has been deleted, and you are logged out."
    )
    expect(chats).to_have_url(re.compile(r"/login/\?next=%2Fchats%2F$"))
    page.goto("/profile/")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2Fprofile%2F$"))
    assert len(servers.sms_codes(vera.phone)) == 1
    assert vera.errors_but(400, 401) == []
    vera.close()


def test_five_wrong_codes_ask_for_a_new_one(chromium, servers):
    gleb = Person.seeded(chromium, servers, "Gleb Guessing")
    page = gleb.page
    page.goto("/profile/")
    page.get_by_role("button", name="Delete account").click()
    expect(page.locator("[name=code]")).to_be_visible()
    wrong = wrong_code(servers.sms_code(gleb.phone))
    for _ in range(4):
        page.fill("[name=code]", wrong)
        page.press("[name=code]", "Enter")
        expect(page.get_by_role("alert")).to_contain_text("Wrong code")
        page.fill("[name=code]", "")
    page.fill("[name=code]", wrong)
    page.press("[name=code]", "Enter")
    expect(page.get_by_role("alert")).to_have_text("Too many wrong attempts. Ask for a new code.")
    gleb.close()


def test_asking_for_a_code_too_soon_says_when_in_russian(chromium, servers):
    # Just registered: the sign-up code was sent less than a minute ago.
    lev = Person(chromium, servers, "Лев Спешащий", viewport=PHONE, locale="ru-RU").register()
    page = lev.page
    page.clock.install()
    page.goto("/profile/")
    ask = page.get_by_role("button", name="Удалить аккаунт")
    ask.click()
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"Код на этот номер уже отправлен недавно\. Новый можно запросить через \d+ с")
    )
    expect(ask).to_be_disabled()
    expect(page.get_by_role("timer")).to_contain_text("Новый код можно запросить через")
    page.clock.run_for(61_000)
    expect(ask).to_be_enabled()
    expect(page.get_by_role("alert")).to_be_hidden()
    expect(page.locator("[name=code]")).to_be_hidden()
    assert lev.errors_but(429) == []
    lev.close()
