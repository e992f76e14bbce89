"""Lists cost a fixed number of queries however many rows they show, and serializers refuse
to fetch what their view did not prepare."""

import pytest
from django.db import connection

from accounts.serializers import UserSerializer
from chats.models import Chat
from core.api.prepared import NotPrepared
from messaging.models import ChatPin, Reaction
from messaging.serializers import ChatSerializer, MessageSerializer
from messaging.services import message_send
from tests.factories import ChatFactory, MessageFactory, UserFactory
from tests.helpers import assert_queries, assert_same_queries, envelope_data

pytestmark = pytest.mark.django_db


def make_chats(alice, n):
    """Chats whose last message answers another, carries a reaction and is pinned, so that
    every part of the chat object is loaded."""
    for peer in UserFactory.create_batch(n):
        chat = ChatFactory(members=[alice, peer])
        first = MessageFactory(chat=chat, sender=alice)
        last = MessageFactory(chat=chat, sender=peer, reply_to=first)
        Reaction.objects.create(message=last, user=alice, emoji="👍")
        ChatPin.objects.create(chat=chat, message=last)


def test_the_chat_list_costs_the_same_for_2_and_50_chats(alice, as_alice):
    make_chats(alice, 2)
    with assert_queries(at_most=10) as few:
        assert len(envelope_data(as_alice.get("/api/chats"))) == 2
    make_chats(alice, 48)
    with assert_queries(at_most=10) as many:
        chats = envelope_data(as_alice.get("/api/chats"))
    assert len(chats) == 50 and all(c["unread_count"] == 1 for c in chats)
    assert all(c["pinned_message"]["reactions"][0]["count"] == 1 for c in chats)
    assert all(c["last_message"]["reply_to"]["seq"] == 1 for c in chats)
    # session+user, chats with unread counts and pins, memberships with users, last
    # messages with what they answer, their reactions and attachments; the pinned messages'
    # reactions and attachments, and whether what they answer has attachments
    assert_same_queries(few, many)


def test_one_chat_costs_the_same_as_a_row_of_the_list(alice, as_alice):
    chat = ChatFactory(members=[alice, UserFactory()])
    MessageFactory.create_batch(30, chat=chat)
    with assert_queries(at_most=6):
        data = envelope_data(as_alice.get(f"/api/chats/{chat.pk}"))
    assert data["last_message"]["seq"] == 30


def test_a_history_page_costs_the_same_for_5_and_500_messages(alice, bob, chat, as_bob):
    def add(n):
        for _ in range(n):
            answered = MessageFactory(chat=chat, sender=alice)
            reply = MessageFactory(chat=chat, sender=bob, reply_to=answered)
            Reaction.objects.create(message=reply, user=alice, emoji="🔥")

    add(3)
    with assert_queries(at_most=6) as few:
        assert len(envelope_data(as_bob.get(f"/api/chats/{chat.pk}/messages?limit=100"))) == 6
    add(247)
    with assert_queries(at_most=6) as many:
        page = envelope_data(as_bob.get(f"/api/chats/{chat.pk}/messages?limit=100"))
    assert len(page) == 100
    assert sum(1 for m in page if m["reply_to"] and m["reactions"]) == 50
    # session+user, the chat with its memberships, the page with what it answers (and
    # whether that has attachments), reactions, attachments
    assert_same_queries(few, many)


def test_message_send_costs_a_fixed_number_of_queries(alice, chat):
    # client_id lookup, savepoint, seq allocation (and membership), the blocks lock on
    # PostgreSQL, members with blocks, insert, release
    most = 7 if connection.vendor == "postgresql" else 6
    with assert_queries(at_most=most) as first:
        message_send(sender=alice, chat_id=chat.pk, content="a", client_id="q-1")
    with assert_queries(at_most=most) as later:
        message_send(sender=alice, chat_id=chat.pk, content="b", client_id="q-2")
    assert_same_queries(first, later)


def test_a_user_serializer_without_the_pages_presence_refuses_to_guess(alice):
    with pytest.raises(NotPrepared, match="online_ids"):
        UserSerializer(alice).data  # noqa: B018


def test_a_chat_serializer_without_its_selector_refuses_to_query_per_row(alice, chat):
    bare = Chat.objects.get(pk=chat.pk)
    context = {"viewer": alice, "online_ids": set()}
    with pytest.raises(NotPrepared, match="chat_list"):
        ChatSerializer(bare, context=context).data  # noqa: B018


def test_a_message_serializer_needs_the_chats_read_state(alice, chat):
    message = message_send(sender=alice, chat_id=chat.pk, content="hi").message
    with pytest.raises(NotPrepared, match="read_seqs"):
        MessageSerializer(message).data  # noqa: B018
