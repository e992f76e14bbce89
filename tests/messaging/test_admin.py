"""Moderating in the admin: find messages, delete through the service, never hard-delete."""

import pytest

from chats.selectors import chat_read_seqs
from messaging.models import Message
from messaging.payloads import message_data
from messaging.services import message_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(alice, bob, chat):
    return [
        message_send(sender=alice, chat_id=chat.pk, content="buy cheap pills").message,
        message_send(sender=bob, chat_id=chat.pk, content="hello there").message,
    ]


def test_messages_are_searchable_and_filterable(admin_client, messages, alice, chat):
    page = admin_client.get("/admin/messaging/message/?q=pills")
    assert page.status_code == 200
    assert b"buy cheap pills" in page.content and b"hello there" not in page.content
    page = admin_client.get(f"/admin/messaging/message/?sender={alice.username}")
    assert b"buy cheap pills" in page.content and b"hello there" not in page.content
    page = admin_client.get(f"/admin/messaging/message/?chat={chat.pk}&deleted=no")
    assert b"buy cheap pills" in page.content and b"hello there" in page.content


def test_the_moderation_delete_goes_through_the_service(
    admin_client, messages, alice, bob, chat, published, django_capture_on_commit_callbacks
):
    spam = messages[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/messaging/message/",
            {
                "action": "moderate_delete",
                "_selected_action": [str(spam.pk)],
                "apply": "yes",
                "reason": "spam",
            },
        )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.deleted and spam.content == "" and spam.seq == 1
    assert Message.objects.count() == 2  # soft: nothing removed
    expected = message_data(spam, {chat.pk: chat_read_seqs(chat.pk)})
    assert expected["deleted"] is True and expected["content"] == ""
    assert published == [({alice.pk, bob.pk}, {"type": "message.deleted", "message": expected})]


def test_there_is_no_hard_delete(admin_client, messages):
    page = admin_client.get("/admin/messaging/message/")
    assert b"delete_selected" not in page.content
    response = admin_client.get(f"/admin/messaging/message/{messages[0].pk}/delete/")
    assert response.status_code == 403


def test_chats_show_their_members(admin_client, chat, alice, bob):
    page = admin_client.get(f"/admin/chats/chat/{chat.pk}/change/")
    assert page.status_code == 200
    assert alice.username.encode() in page.content and bob.username.encode() in page.content
