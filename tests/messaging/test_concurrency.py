"""Many senders at once on PostgreSQL: seqs stay 1..N, chats and client_ids stay unique."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from chats.models import Chat
from chats.services import chat_get_or_create
from core.errors import ValidationFailed
from messaging.models import Message, MessageAttachment
from messaging.services import message_react, message_send
from messaging.services.groups import group_create
from messaging.services.rules import message_payload
from messaging.services.uploads import attachment_upload
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


def run_at_once(calls):
    """Run ``calls`` on as many threads, released together; each thread its own connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_sends_from_both_members_get_seqs_1_to_n():
    alice, bob = UserFactory(), UserFactory()
    chat = chat_get_or_create(user=alice, peer=bob)[0]
    calls = [
        (lambda n=n: message_send(sender=(alice, bob)[n % 2], chat_id=chat.pk, content=f"m{n}"))
        for n in range(24)
    ]
    results = run_at_once(calls)
    assert all(r.created for r in results)
    seqs = sorted(Message.objects.filter(chat=chat).values_list("seq", flat=True))
    assert seqs == list(range(1, 25))
    chat.refresh_from_db()
    assert chat.last_seq == 24


def test_the_same_client_id_at_once_stores_one_message():
    alice, bob = UserFactory(), UserFactory()
    chat = chat_get_or_create(user=alice, peer=bob)[0]
    calls = [
        lambda: message_send(sender=alice, chat_id=chat.pk, content="once", client_id="dup")
    ] * 8
    results = run_at_once(calls)
    assert sum(r.created for r in results) == 1
    assert len({r.message.pk for r in results}) == 1
    assert Message.objects.filter(chat=chat).count() == 1
    chat.refresh_from_db()
    assert chat.last_seq == 1  # the losers' seqs were rolled back: no gap


def test_both_users_opening_their_chat_at_once_get_the_same_chat():
    alice, bob = UserFactory(), UserFactory()
    calls = [lambda: chat_get_or_create(user=alice, peer=bob)] * 4 + [
        lambda: chat_get_or_create(user=bob, peer=alice)
    ] * 4
    results = run_at_once(calls)
    assert len({chat.pk for chat, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Chat.objects.count() == 1


def test_many_reacting_at_once_leave_the_right_counts_in_the_last_event(published):
    """Each reaction holds the message's lock through its commit and its event, so the
    events go out in commit order and the last one counts everybody."""
    owner, *others = UserFactory.create_batch(9)
    group = group_create(owner=owner, title="Many", user_ids=[u.pk for u in others])
    target = message_send(sender=owner, chat_id=group.pk, content="react!").message
    published.clear()
    emojis = ["👍", "🔥", "👍", "❤️", "👍", "🔥", "👍", "🎉"]
    calls = [
        (lambda u=u, e=e: message_react(user=u, message_id=target.pk, emoji=e))
        for u, e in zip(others, emojis, strict=True)
    ]
    run_at_once(calls)
    counts = {r["emoji"]: r["count"] for r in message_payload(target)["reactions"]}
    assert counts == {"👍": 4, "🔥": 2, "❤️": 1, "🎉": 1}
    updates = [event for _, event in published if event["type"] == "message.updated"]
    assert len(updates) == 8
    totals = [sum(r["count"] for r in e["message"]["reactions"]) for e in updates]
    assert totals == list(range(1, 9))  # in commit order, each one more than the last


def test_two_sends_racing_for_one_upload_one_wins():
    alice, bob = UserFactory(), UserFactory()
    chat = chat_get_or_create(user=alice, peer=bob)[0]
    photo = attachment_upload(uploader=alice, source=io.BytesIO(b"bytes"), name="a.txt", size=5)

    def attempt(n):
        try:
            return message_send(sender=alice, chat_id=chat.pk, attachment_ids=[photo.pk]).created
        except ValidationFailed:
            return False

    results = run_at_once([lambda n=n: attempt(n) for n in range(6)])
    assert results.count(True) == 1
    assert MessageAttachment.objects.filter(attachment=photo).count() == 1
    chat.refresh_from_db()
    assert chat.last_seq == 1  # the losers rolled back their seqs
