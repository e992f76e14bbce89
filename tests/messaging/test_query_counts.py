"""Lists cost a fixed number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chats.services import chat_get_or_create
from messaging.models import Message
from messaging.services import message_send
from tests.factories import UserFactory
from tests.helpers import envelope_data

pytestmark = pytest.mark.django_db


def count_queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result, captured


def make_chats(alice, n):
    chats = []
    for peer in UserFactory.create_batch(n):
        chat = chat_get_or_create(user=alice, peer=peer)[0]
        message_send(sender=peer, chat_id=chat.pk, content=f"hi from {peer.username}")
        chats.append(chat)
    return chats


def test_the_chat_list_costs_the_same_for_2_and_50_chats(alice, as_alice):
    make_chats(alice, 2)
    few, response, _ = count_queries(lambda: as_alice.get("/api/chats"))
    assert len(envelope_data(response)) == 2
    make_chats(alice, 48)
    many, response, captured = count_queries(lambda: as_alice.get("/api/chats"))
    chats = envelope_data(response)
    assert len(chats) == 50 and all(c["unread_count"] == 1 for c in chats)
    assert many == few, "\n".join(q["sql"] for q in captured.captured_queries)
    # session+user, chats with unread counts, memberships with users, last messages
    assert many <= 4


def test_a_history_page_costs_the_same_for_5_and_500_messages(alice, bob, chat, as_bob):
    Message.objects.bulk_create(
        [Message(chat=chat, seq=n, sender=alice, content=f"m{n}") for n in range(1, 6)]
    )
    few, response, _ = count_queries(lambda: as_bob.get(f"/api/chats/{chat.pk}/messages?limit=100"))
    assert len(envelope_data(response)) == 5
    Message.objects.bulk_create(
        [Message(chat=chat, seq=n, sender=alice, content=f"m{n}") for n in range(6, 501)]
    )
    many, response, captured = count_queries(
        lambda: as_bob.get(f"/api/chats/{chat.pk}/messages?limit=100")
    )
    assert len(envelope_data(response)) == 100
    assert many == few <= 4, "\n".join(q["sql"] for q in captured.captured_queries)


def test_message_send_costs_a_fixed_number_of_queries(alice, chat):
    first, _, _ = count_queries(
        lambda: message_send(sender=alice, chat_id=chat.pk, content="a", client_id="q-1")
    )
    later, _, captured = count_queries(
        lambda: message_send(sender=alice, chat_id=chat.pk, content="b", client_id="q-2")
    )
    # client_id lookup, members' read state, seq allocation, insert (+ savepoint bookkeeping)
    assert first == later <= 6, "\n".join(q["sql"] for q in captured.captured_queries)
