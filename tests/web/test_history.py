"""Long histories: the latest page first, older pages on scrolling up (``before_seq``)."""

import pytest
from playwright.sync_api import expect

from tests.web.people import Person

pytestmark = [pytest.mark.browser, pytest.mark.servers]


def test_scrolling_up_loads_older_messages_down_to_the_first(chromium, servers):
    gleb = Person(chromium, servers, "Gleb History").register()
    hana = Person(chromium, servers, "Hana History").register()
    chat_id = gleb.open_chat_with(hana)
    # 60 messages through a socket of Gleb's own (faster than one request each).
    sent = gleb.page.evaluate(
        """async (chatId) => {
            const ws = new WebSocket(`ws://${location.host}/ws/`);
            await new Promise((resolve) => ws.addEventListener("open", resolve));
            let acks = 0;
            const done = new Promise((resolve) => ws.addEventListener("message", (event) => {
                if (JSON.parse(event.data).type === "message.ack" && ++acks === 60) resolve();
            }));
            for (let n = 1; n <= 60; n++) {
                ws.send(JSON.stringify({type: "message.send", chat_id: chatId,
                                        content: `message number ${n}`, client_id: `h-${n}`}));
            }
            await done;
            ws.close();
            return acks;
        }""",
        chat_id,
    )
    assert sent == 60

    page = hana.page
    page.goto(f"/chats/{chat_id}/")
    expect(hana.message("message number 60")).to_be_visible()
    messages = page.locator("[data-message-id]")
    expect(messages).to_have_count(50)
    expect(messages.first).to_have_attribute("data-seq", "11")
    expect(hana.message("message number 60")).to_be_in_viewport()

    for expected in ("1",):
        page.locator("#messages").evaluate("(list) => { list.scrollTop = 0; }")
        expect(messages.first).to_have_attribute("data-seq", expected)
    expect(messages).to_have_count(60)
    expect(page.locator(".messages__loader")).to_be_hidden()
    seqs = messages.evaluate_all("(nodes) => nodes.map((node) => Number(node.dataset.seq))")
    assert seqs == list(range(1, 61))
    gleb.close()
    hana.close()
