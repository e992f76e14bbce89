"""Each event type: its payload, its recipients, and that it leaves only after commit."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from messaging import events
from messaging.services import chat_mark_read, message_delete, message_edit, message_send

pytestmark = pytest.mark.django_db


def test_message_new_goes_to_every_member_after_commit(
    alice, bob, chat, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        result = message_send(sender=alice, chat_id=chat.pk, content="hi", client_id="e-1")
        assert published == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    [(recipients, event)] = published
    assert recipients == {alice.pk, bob.pk}
    assert event == {"type": "message.new", "message": result.data}
    assert event["message"]["content"] == "hi" and event["message"]["client_id"] == "e-1"


def test_a_repeated_client_id_publishes_nothing(
    alice, chat, published, django_capture_on_commit_callbacks
):
    message_send(sender=alice, chat_id=chat.pk, content="hi", client_id="e-2")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=alice, chat_id=chat.pk, content="hi", client_id="e-2")
    assert published == []


def test_a_rolled_back_send_publishes_nothing(
    alice, chat, published, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as kept,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        message_send(sender=alice, chat_id=chat.pk, content="lost")
        raise RuntimeError
    assert kept == [] and published == []
    # The same send, committed, does publish: the check above could have failed.
    with django_capture_on_commit_callbacks(execute=True) as kept, transaction.atomic():
        message_send(sender=alice, chat_id=chat.pk, content="kept")
    assert len(kept) == 1 and [event["type"] for _, event in published] == ["message.new"]


def test_edit_and_delete_publish_the_changed_message(
    alice, bob, chat, published, django_capture_on_commit_callbacks
):
    sent = message_send(sender=alice, chat_id=chat.pk, content="v1").message
    with django_capture_on_commit_callbacks(execute=True):
        message_edit(user=alice, message_id=sent.pk, content="v2")
        message_delete(actor=alice, message_id=sent.pk)
        message_delete(actor=alice, message_id=sent.pk)  # again: nothing new to say
    kinds = [(event["type"], event["message"]["content"], ids) for ids, event in published]
    assert kinds == [
        ("message.updated", "v2", {alice.pk, bob.pk}),
        ("message.deleted", "", {alice.pk, bob.pk}),
    ]
    assert published[1][1]["message"]["deleted"] is True


def test_chat_read_is_sent_only_when_the_read_seq_moves(
    alice, bob, chat, published, django_capture_on_commit_callbacks
):
    message_send(sender=alice, chat_id=chat.pk, content="one")
    with django_capture_on_commit_callbacks(execute=True):
        chat_mark_read(user=bob, chat_id=chat.pk, up_to_seq=1)
        chat_mark_read(user=bob, chat_id=chat.pk, up_to_seq=1)
        chat_mark_read(user=bob, chat_id=chat.pk, up_to_seq=0)
    assert published == [
        (
            {alice.pk, bob.pk},
            {
                "type": "chat.read",
                "chat_id": str(chat.pk),
                "user_id": str(bob.pk),
                "last_read_seq": 1,
            },
        )
    ]


@pytest.mark.django_db(transaction=True)
async def test_publish_now_reaches_the_users_group_on_the_channel_layer():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(events.user_group("someone"), channel)
    try:
        delivered = await sync_to_async(events.publish_now)(["someone"], {"type": "probe"})
        assert delivered is True
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
        assert message == {"type": "tether.event", "event": {"type": "probe"}}
    finally:
        await layer.group_discard(events.user_group("someone"), channel)
