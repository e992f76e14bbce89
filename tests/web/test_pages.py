"""The sign-in pages and the page shells, through Django's test client (no browser)."""

import gettext
import json
import re
from pathlib import Path

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from accounts.authentication import WEB_SESSION_KEY
from accounts.models import AuthSession, User
from tests.factories import UserFactory
from tests.helpers import last_code

pytestmark = pytest.mark.django_db

PHONE = "+79161110022"


class CommittingClient(Client):
    """Runs on-commit callbacks (the SMS is sent after commit) as a real commit would."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def browser():
    return CommittingClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")


def csrf_post(client, path, data, **extra):
    """A POST with the token the page itself carried, as a browser would send it."""
    page = client.get(path, **extra)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    return client.post(path, {**data, "csrfmiddlewaretoken": token.group(1)}, **extra)


def sign_up(client, phone=PHONE, name="Anna Petrova"):
    response = csrf_post(client, "/register/", {"phone": phone, "display_name": name})
    assert response.status_code == 302 and response["Location"] == "/verify/"
    return csrf_post(client, "/verify/", {"code": last_code(phone)})


def test_home_sends_strangers_to_login(browser):
    response = browser.get("/")
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_chats_need_a_sign_in(browser):
    response = browser.get("/chats/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=%2Fchats%2F")


def test_register_then_verify_signs_in_with_a_live_session(browser):
    response = sign_up(browser)
    assert response.status_code == 302 and response["Location"] == "/chats/"
    user = User.objects.get(phone=PHONE)
    assert user.display_name == "Anna Petrova"
    session_id = browser.session[WEB_SESSION_KEY]
    assert AuthSession.objects.get(pk=session_id, user=user).revoked_at is None
    page = browser.get("/chats/")
    assert page.status_code == 200
    assert b'name="content"' in page.content and b'name="q"' in page.content
    # The API accepts the page's session.
    assert browser.get("/api/users/me").json()["data"]["id"] == str(user.pk)


def test_the_verify_page_shows_the_resend_countdown(browser):
    csrf_post(browser, "/register/", {"phone": PHONE, "display_name": "Anna"})
    page = browser.get("/verify/").content.decode()
    assert PHONE in page
    countdown = int(re.search(r'data-resend-in="(\d+)"', page).group(1))
    assert 55 <= countdown <= 60


def test_a_wrong_code_says_so_and_five_say_too_many(browser):
    csrf_post(browser, "/register/", {"phone": PHONE, "display_name": "Anna"})
    right = last_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        page = csrf_post(browser, "/verify/", {"code": wrong})
        assert page.status_code == 200 and b"Wrong code" in page.content
    page = csrf_post(browser, "/verify/", {"code": wrong})
    assert b"Too many wrong attempts" in page.content
    page = csrf_post(browser, "/verify/", {"code": right})
    assert b"Too many wrong attempts" in page.content


def test_an_invalid_number_is_a_field_error(browser):
    page = csrf_post(browser, "/register/", {"phone": "12", "display_name": "Anna"})
    assert page.status_code == 200
    assert b"Enter a valid phone number" in page.content
    assert b'aria-invalid="true"' in page.content


def test_a_registered_number_is_told_to_log_in(browser):
    UserFactory(phone=PHONE)
    page = csrf_post(browser, "/register/", {"phone": PHONE, "display_name": "Anna"})
    assert b"already registered" in page.content and b'href="/login/"' in page.content


def test_login_of_an_unknown_number_says_so(browser):
    page = csrf_post(browser, "/login/", {"phone": PHONE})
    assert b"no account with this number" in page.content


def test_login_sends_a_code_and_signs_in(browser):
    user = UserFactory(phone=PHONE)
    response = csrf_post(browser, "/login/", {"phone": "8 916 111-00-22"})
    assert response["Location"] == "/verify/"
    response = csrf_post(browser, "/verify/", {"code": last_code(PHONE)})
    assert response["Location"] == "/chats/"
    assert browser.get("/api/users/me").json()["data"]["id"] == str(user.pk)


def test_asking_again_too_soon_goes_back_to_the_code(browser):
    UserFactory(phone=PHONE)
    csrf_post(browser, "/login/", {"phone": PHONE})
    response = csrf_post(browser, "/login/", {"phone": PHONE})
    assert response.status_code == 302 and response["Location"] == "/verify/"
    page = csrf_post(browser, "/verify/", {"action": "resend"})
    assert b"sent to this number recently" in page.content


def test_posting_without_the_csrf_token_is_refused(browser):
    response = browser.post("/register/", {"phone": PHONE, "display_name": "Anna"})
    assert response.status_code == 403


def test_a_plain_visit_of_logout_ends_nothing_and_offers_the_button(browser):
    sign_up(browser)
    session_id = browser.session[WEB_SESSION_KEY]
    response = browser.get("/logout/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    form = re.search(r'<form method="post" action="/logout/">(.*?)</form>', page, re.S)
    assert form and 'name="csrfmiddlewaretoken"' in form.group(1)
    assert re.search(r'<button[^>]*type="submit"[^>]*>Log out</button>', form.group(1))
    assert "Anna Petrova" in page
    # Still signed in: a link to /logout/ from anywhere ends nothing.
    assert AuthSession.objects.get(pk=session_id).revoked_at is None
    assert browser.get("/chats/").status_code == 200
    assert browser.get("/api/users/me").status_code == 200


def test_the_logout_page_is_in_russian_too(browser):
    sign_up(browser)
    page = browser.get("/logout/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in page
    assert "Выйти из Tether?" in page and "Вы вошли как <strong>Anna Petrova</strong>" in page
    assert re.search(r'<button[^>]*type="submit"[^>]*>Выйти</button>', page)


def test_the_button_of_the_logout_page_logs_out_and_says_so(browser):
    sign_up(browser)
    session_id = browser.session[WEB_SESSION_KEY]
    response = csrf_post(browser, "/logout/", {})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "no-cache" in response["Cache-Control"]
    assert AuthSession.objects.get(pk=session_id).revoked_at is not None
    assert b"You are logged out." in browser.get("/login/").content
    assert browser.get("/chats/").status_code == 302
    assert browser.get("/api/users/me").status_code == 401
    # Once logged out, /logout/ has nothing to offer.
    response = browser.get("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_a_logout_post_without_the_csrf_token_is_refused_and_ends_nothing(browser):
    sign_up(browser)
    session_id = browser.session[WEB_SESSION_KEY]
    assert browser.post("/logout/").status_code == 403
    assert browser.post("/logout/", {"csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert AuthSession.objects.get(pk=session_id).revoked_at is None
    assert browser.get("/chats/").status_code == 200
    assert browser.get("/api/users/me").status_code == 200


def test_the_logout_form_posts_with_its_token(browser):
    sign_up(browser)
    session_id = browser.session[WEB_SESSION_KEY]
    page = browser.get("/profile/").content.decode()
    assert 'action="/logout/"' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post("/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert AuthSession.objects.get(pk=session_id).revoked_at is not None
    assert browser.get("/api/users/me").status_code == 401


def test_logging_out_after_deleting_the_account_says_it_is_gone(browser):
    sign_up(browser)
    profile = browser.get("/profile/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', profile).group(1)
    User.objects.filter(phone=PHONE).update(is_active=False, deleted_at=timezone.now())
    # The profile page leaves through its logout form once the account is gone.
    page = browser.post("/logout/", {"csrfmiddlewaretoken": token}, follow=True)
    assert page.redirect_chain == [("/login/?deleted=1", 302)]
    assert b"Your account has been deleted, and you are logged out." in page.content
    assert browser.get("/logout/", follow=True).content.count(b"logged out") == 0
    # A plain visit while the deleted account's cookie is still there says so as well.
    other = CommittingClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    sign_up(other, phone="+79161110023", name="Boris")
    User.objects.filter(phone="+79161110023").update(is_active=False, deleted_at=timezone.now())
    page = other.get("/logout/", follow=True)
    assert page.redirect_chain == [("/login/?deleted=1", 302)]
    assert b"Your account has been deleted, and you are logged out." in page.content


def test_the_profile_page_offers_deletion_with_a_code_field(browser):
    sign_up(browser)
    page = browser.get("/profile/").content.decode()
    assert 'id="delete-account"' in page and 'name="code"' in page
    assert f"We sent a 6-digit code to <strong>{PHONE}</strong>." in page
    strings = json.loads(re.search(r'id="tether-strings"[^>]*>(.*?)</script>', page).group(1))
    assert strings["error_invalid_code"].startswith("Wrong code")


def test_logout_without_a_sign_in_goes_to_login(browser):
    response = browser.get("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert browser.get("/logout/", follow=True).status_code == 200


def test_a_revoked_sign_in_no_longer_opens_the_pages(browser):
    sign_up(browser)
    AuthSession.objects.filter(pk=browser.session[WEB_SESSION_KEY]).update(
        revoked_at="2020-01-01T00:00Z"
    )
    assert browser.get("/chats/").status_code == 302


def test_the_next_page_is_kept_through_sign_in_but_never_offsite(browser):
    UserFactory(phone=PHONE)
    csrf_post(browser, "/login/?next=/profile/", {"phone": PHONE, "next": "/profile/"})
    response = csrf_post(browser, "/verify/", {"code": last_code(PHONE)})
    assert response["Location"] == "/profile/"
    other = CommittingClient(enforce_csrf_checks=True)
    UserFactory(phone="+79161110033")
    csrf_post(other, "/login/", {"phone": "+79161110033", "next": "https://evil.example/"})
    response = csrf_post(other, "/verify/", {"code": last_code("+79161110033")})
    assert response["Location"] == "/chats/"


def test_the_profile_page_saves_and_validates(browser):
    sign_up(browser)
    page = browser.get("/profile/").content.decode()
    assert "Anna Petrova" in page and 'class="avatar__initials">AP<' in page
    response = csrf_post(
        browser,
        "/profile/",
        {"display_name": "Anna P.", "username": "Anna_P", "bio": "Hi", "avatar_url": ""},
    )
    assert response.status_code == 302
    user = User.objects.get(phone=PHONE)
    assert (user.display_name, user.username, user.bio) == ("Anna P.", "anna_p", "Hi")
    page = csrf_post(
        browser,
        "/profile/",
        {"display_name": "", "username": "x", "bio": "", "avatar_url": "javascript:alert(1)"},
    )
    assert page.status_code == 200
    assert page.content.count(b'aria-invalid="true"') == 3


def test_the_profile_page_carries_the_sessions_section_in_both_languages(browser):
    sign_up(browser)
    page = browser.get("/profile/").content.decode()
    assert 'id="sessions"' in page and "Log out of all other sessions" in page
    strings = json.loads(re.search(r'id="tether-strings"[^>]*>(.*?)</script>', page).group(1))
    assert strings["revoke"] == "Revoke" and strings["this_device"] == "This device"
    page = browser.get("/profile/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    strings = json.loads(re.search(r'id="tether-strings"[^>]*>(.*?)</script>', page).group(1))
    assert strings["revoke"] == "Завершить" and "Завершить все другие сеансы" in page


def test_a_taken_username_is_a_field_error(browser):
    UserFactory(username="taken_name")
    sign_up(browser)
    page = csrf_post(
        browser,
        "/profile/",
        {"display_name": "Anna", "username": "taken_name", "bio": "", "avatar_url": ""},
    )
    assert b"This username is taken" in page.content


def test_user_data_is_escaped_in_the_pages(browser):
    sign_up(browser, name='<script>alert("x")</script>')
    for path in ("/chats/", "/profile/"):
        body = browser.get(path).content.decode()
        assert '<script>alert("x")' not in body


def test_the_pages_speak_russian_to_russian_browsers():
    client = CommittingClient(HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    page = client.get("/login/").content.decode()
    assert '<html lang="ru">' in page
    assert "Войти" in page
    page = CommittingClient(HTTP_ACCEPT_LANGUAGE="de-DE").get("/login/").content.decode()
    assert '<html lang="en">' in page


def test_the_chat_page_carries_the_chat_menu_and_the_report_dialog(browser):
    sign_up(browser)
    page = browser.get("/chats/").content.decode()
    assert 'id="conv-menu"' in page and 'id="report"' in page
    reasons = re.findall(r'name="reason" value="(\w+)"', page)
    assert reasons == ["spam", "abuse", "illegal", "other"]
    assert 'name="text"' in page and 'maxlength="1000"' in page
    page = browser.get("/chats/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Заблокировать" in page and "Пожаловаться на пользователя" in page
    strings = json.loads(re.search(r'id="tether-strings"[^>]*>(.*?)</script>', page).group(1))
    assert strings["report"] == "Пожаловаться"
    assert strings["not_sent_blocked"].startswith("Не отправлено")


def test_the_chat_page_carries_the_group_hooks_in_both_languages(browser):
    sign_up(browser)
    page = browser.get("/chats/").content.decode()
    assert 'aria-label="New group"' in page and 'name="title"' in page
    assert ">Create</button>" in page and 'aria-label="Members"' in page
    assert ">Add members</button>" in page and ">Leave group</button>" in page
    assert page.count('name="q"') == 1  # the New group form uses the one people search
    page = browser.get("/chats/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'aria-label="Новая группа"' in page and ">Создать</button>" in page
    assert 'aria-label="Участники"' in page and ">Добавить</button>" in page
    assert ">Выйти из группы</button>" in page
    strings = json.loads(re.search(r'id="tether-strings"[^>]*>(.*?)</script>', page).group(1))
    assert strings["make_admin"] == "Сделать админом" and strings["remove"] == "Удалить"
    # The page picks the plural form with Intl.PluralRules: 1, 2 and 5 members in Russian.
    forms = [strings[f"members_{form}"] for form in ("one", "few", "many")]
    assert forms == ["{count} участник", "{count} участника", "{count} участников"]
    assert strings["sys_members_added"] == "{actor} добавил(а) {names}"


def test_the_chat_page_carries_the_reply_forward_and_pin_hooks_in_both_languages(browser):
    sign_up(browser)
    page = browser.get("/chats/").content.decode()
    assert 'class="pinned"' in page and 'aria-label="Unpin"' in page
    assert 'aria-label="Cancel reply"' in page and 'id="forward"' in page
    assert "Forward to…" in page
    page = browser.get("/chats/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Закреплённое сообщение" in page and 'aria-label="Открепить"' in page
    assert 'aria-label="Отменить ответ"' in page and "Переслать в…" in page
    strings = json.loads(re.search(r'id="tether-strings"[^>]*>(.*?)</script>', page).group(1))
    menu = [strings[key] for key in ("reply", "react", "forward", "pin", "unpin")]
    assert menu == ["Ответить", "Реакция", "Переслать", "Закрепить", "Открепить"]
    assert strings["forwarded_from"] == "Переслано от {name}"


def test_an_unknown_chat_id_still_gets_the_shell(browser):
    sign_up(browser)
    page = browser.get("/chats/00000000-0000-0000-0000-000000000000/")
    assert page.status_code == 200
    assert b'data-open-chat="00000000-0000-0000-0000-000000000000"' in page.content


def test_pages_allow_scripts_only_from_our_own_files(browser):
    sign_up(browser)
    for path in ("/login/", "/chats/", "/profile/"):
        policy = browser.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style")[0]


def test_every_russian_string_is_translated_and_compiled():
    """Each msgid of the catalogue is in the committed .mo (fuzzy or empty ones are not); one
    with a context (pgettext) is kept as "context\\x04msgid"."""
    folder = Path(__file__).resolve().parents[2] / "locale" / "ru" / "LC_MESSAGES"
    source = (folder / "django.po").read_text(encoding="utf-8")

    def text(lines: str) -> str:
        return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', lines))

    entries = re.findall(
        r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)msgstr', source, flags=re.M
    )
    msgids = {
        f"{text(context)}\x04{text(msgid)}" if context else text(msgid)
        for context, msgid in entries
    } - {""}
    with open(folder / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    assert msgids and sorted(msgids - catalogue.keys()) == []
