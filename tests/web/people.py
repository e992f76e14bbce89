"""A person in a browser: their own context (cookies), signing up through the pages."""

import itertools
import re

from playwright.sync_api import Browser, Page, expect

from tests.servers import Servers
from tests.web import seed

DESKTOP = {"width": 1280, "height": 800}
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = {"width": 375, "height": 740}
_numbers = itertools.count(1)
CHAT_PATH = re.compile(r"/chats/[0-9a-f-]{36}/$")


def new_phone() -> str:
    return f"+7916{next(_numbers) + 4_000_000:07d}"


class Person:
    def __init__(
        self,
        browser: Browser,
        servers: Servers,
        name: str,
        phone: str = "",
        server: int = 0,
        **context_options,
    ):
        """``server``: which of ``servers`` the person's pages talk to."""
        context_options.setdefault("viewport", DESKTOP)
        context_options.setdefault("locale", "en-US")
        self.browser = browser
        self.servers = servers
        self.base = servers[server].url
        self.name = name
        self.phone = phone or new_phone()
        self.context = browser.new_context(base_url=self.base, **context_options)
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.errors.append(message.text),
        )

    def register(self) -> "Person":
        page = self.page
        page.goto("/register/")
        page.fill("[name=display_name]", self.name)
        page.fill("[name=phone]", self.phone)
        page.press("[name=phone]", "Enter")
        page.wait_for_url("**/verify/")
        page.fill("[name=code]", self.servers.sms_code(self.phone))
        page.press("[name=code]", "Enter")
        page.wait_for_url("**/chats/")
        self.username = page.request.get("/api/users/me").json()["data"]["username"]
        self.wait_connected()
        return self

    @classmethod
    def seeded(cls, browser: Browser, servers: Servers, name: str, **options) -> "Person":
        """Someone signed in whose account cost no code, so they may ask for one at once."""
        person = cls(browser, servers, name, **options)
        person._use(seed.run(servers, "person", person.phone, name, FIREFOX))
        person.page.goto("/chats/")
        person.username = person.page.request.get("/api/users/me").json()["data"]["username"]
        person.wait_connected()
        return person

    def on_another_device(self, user_agent: str = FIREFOX, **context_options) -> "Person":
        """The same person signed in again in a browser of their own (no code spent)."""
        other = Person(self.browser, self.servers, self.name, phone=self.phone, **context_options)
        other._use(seed.run(self.servers, "sign-in", self.phone, user_agent))
        other.username = getattr(self, "username", "")
        return other

    def _use(self, sign_in: dict) -> None:
        cookie = {"name": "sessionid", "value": sign_in["cookie"], "url": self.base}
        self.context.add_cookies([cookie])
        self.session_id = sign_in["session_id"]

    def wait_connected(self) -> None:
        expect(self.page.locator("#app")).to_have_attribute("data-connection", "online")

    def open_chat_with(self, other: "Person", by_name: bool = True) -> str:
        """Find ``other`` by name (or username), start the chat; its id."""
        page = self.page
        before = page.url
        page.fill("[name=q]", other.name if by_name else other.username)
        page.locator(".person", has_text=f"@{other.username}").click()
        # From another open chat, the address changes from one chat's to another's.
        page.wait_for_url(lambda url: url != before and CHAT_PATH.search(url) is not None)
        expect(page.locator("[name=content]")).to_be_enabled()
        return page.url.rstrip("/").rsplit("/", 1)[-1]

    def send(self, text: str) -> None:
        self.page.fill("[name=content]", text)
        self.page.press("[name=content]", "Enter")

    def message(self, text: str):
        return self.page.locator("[data-message-id]", has_text=text)

    def errors_but(self, *statuses: int) -> list[str]:
        """The errors, less the browser's own notes of answers with expected ``statuses`` (a
        401 once the sign-in has ended is how a page learns it must go to /login/)."""
        notes = [f"the server responded with a status of {status} " for status in statuses]
        return [error for error in self.errors if not any(note in error for note in notes)]

    def close(self) -> None:
        self.context.close()


def pair_in_a_chat(browser: Browser, servers: Servers, english: str, russian: str):
    """``(ann, boris, chat_id)``: one person in English at desktop width, the other in Russian
    on a phone on the other server process, both looking at their chat. Close both after."""
    ann = Person.seeded(browser, servers, english)
    boris = Person.seeded(browser, servers, russian, server=1, viewport=PHONE, locale="ru-RU")
    chat_id = ann.open_chat_with(boris)
    boris.page.goto(f"/chats/{chat_id}/")
    expect(boris.page.locator("[name=content]")).to_be_enabled()
    boris.wait_connected()
    return ann, boris, chat_id
