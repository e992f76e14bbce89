"""Registering, verifying, logging out and in through the pages, as a person would."""

import re

import pytest
from playwright.sync_api import expect

from tests.web.people import Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]


@pytest.fixture
def person(chromium, servers):
    someone = Person(chromium, servers, "Vera Code")
    yield someone
    someone.close()


def test_sign_up_with_errors_countdown_and_logout(person):
    page = person.page
    page.clock.install()
    page.goto("/register/")
    page.fill("[name=display_name]", person.name)
    page.fill("[name=phone]", "+7 123")
    page.press("[name=phone]", "Enter")
    expect(page.get_by_text("Enter a valid phone number")).to_be_visible()
    expect(page.locator("[name=phone]")).to_have_attribute("aria-invalid", "true")

    page.fill("[name=phone]", person.phone)
    page.press("[name=phone]", "Enter")
    expect(page).to_have_url(re.compile(r"/verify/$"))
    expect(page.locator(".lead")).to_contain_text(person.phone)
    countdown = page.locator(".resend__countdown")
    # The page's clock also runs on its own: a loaded machine may take a few seconds here.
    expect(countdown).to_contain_text(re.compile(r"in (5[4-9]|60) s"))
    expect(page.locator("button")).to_have_count(1)  # no resend button before its time
    # The countdown's script notes its end when it loads: the clock jumps only after that.
    page.wait_for_load_state("load")
    page.clock.run_for(10_000)
    expect(countdown).to_contain_text(re.compile(r"in (4[0-9]|50) s"))

    code = person.servers.sms_code(person.phone)
    wrong = "000000" if code != "000000" else "111111"
    page.fill("[name=code]", wrong)
    page.press("[name=code]", "Enter")
    expect(page.get_by_role("alert")).to_contain_text("Wrong code")

    # When the countdown ends the button shows. (Only the page's clock ran fast: the server
    # still refuses, and says why.)
    page.clock.run_for(61_000)
    page.get_by_role("button", name="Send a new code").click()
    expect(page.get_by_role("alert")).to_contain_text("sent to this number recently")
    expect(countdown).to_be_visible()

    page.fill("[name=code]", code)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/chats/$"))

    # The link only leads to the question: nothing has ended yet.
    page.get_by_role("link", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/logout/$"))
    expect(page.get_by_role("heading")).to_have_text("Log out of Tether?")
    assert page.request.get("/api/users/me").status == 200
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("status")).to_have_text("You are logged out.")
    assert page.request.get("/api/users/me").status == 401
    page.goto("/chats/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))

    # A new code so soon after the last one is refused, with the wait.
    page.fill("[name=phone]", person.phone)
    page.press("[name=phone]", "Enter")
    expect(page.get_by_role("alert")).to_contain_text("sent to this number recently")


def test_unknown_numbers_and_taken_numbers_are_explained_in_russian(chromium, servers):
    someone = Person(chromium, servers, "Лев", locale="ru-RU")
    page = someone.page
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.fill("[name=phone]", someone.phone)
    page.get_by_role("button", name="Получить код").click()
    expect(page.get_by_text("Аккаунта с этим номером нет")).to_be_visible()
    page.get_by_role("link", name="Создать аккаунт").first.click()
    expect(page).to_have_url(re.compile(r"/register/$"))
    someone.close()
