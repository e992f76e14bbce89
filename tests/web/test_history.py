"""Long histories: the latest page first, older pages on scrolling up (``before_seq``)."""

import pytest
from playwright.sync_api import expect

from tests.web.people import Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]


def test_scrolling_up_loads_older_messages_down_to_the_first(chromium, servers):
    gleb = Person(chromium, servers, "Gleb History").register()
    hana = Person(chromium, servers, "Hana History").register()
    chat_id = gleb.open_chat_with(hana)
    token = next(c["value"] for c in gleb.context.cookies() if c["name"] == "csrftoken")
    for number in range(1, 106):
        answer = gleb.page.request.post(
            "/api/messages",
            data={"chat_id": chat_id, "content": f"message number {number}"},
            headers={"X-CSRFToken": token, "Referer": gleb.base + "/"},
        )
        assert answer.status == 201, answer.text()

    page = hana.page
    page.goto(f"/chats/{chat_id}/")
    expect(hana.message("message number 105")).to_be_visible()
    messages = page.locator("[data-message-id]")
    expect(messages).to_have_count(50)
    expect(messages.first).to_have_attribute("data-seq", "56")
    expect(hana.message("message number 105")).to_be_in_viewport()

    for expected in ("6", "1"):
        page.locator("#messages").evaluate("(list) => { list.scrollTop = 0; }")
        expect(messages.first).to_have_attribute("data-seq", expected)
    expect(messages).to_have_count(105)
    expect(page.locator(".messages__loader")).to_be_hidden()
    seqs = messages.evaluate_all("(nodes) => nodes.map((node) => Number(node.dataset.seq))")
    assert seqs == list(range(1, 106))
    gleb.close()
    hana.close()
