"""The send and edit rules live in the services: every door (REST, socket, admin, shell)
gets them, and a block never overtakes a send in flight."""

import threading

import pytest

from accounts.services.blocks import user_block
from accounts.services.users import user_deactivate
from chats.services import chat_get_or_create
from core.errors import Blocked, NotFound, Throttled, ValidationFailed
from messaging.content import MAX_CONTENT
from messaging.models import Message
from messaging.services import message_edit, message_send
from tests.factories import UserFactory
from tests.helpers import at_once

pytestmark = pytest.mark.django_db

BAD_CONTENT = ["", "   \n\t", "a\x00b", "x" * (MAX_CONTENT + 1), 42, None, "\ud800"]


@pytest.mark.parametrize("content", BAD_CONTENT)
def test_message_send_refuses_what_the_contract_forbids_from_any_caller(alice, chat, content):
    with pytest.raises(ValidationFailed) as refused:
        message_send(sender=alice, chat_id=chat.pk, content=content)
    assert list(refused.value.fields) == ["content"]
    assert not Message.objects.exists()


@pytest.mark.parametrize("content", BAD_CONTENT)
def test_message_edit_refuses_what_the_contract_forbids_from_any_caller(alice, chat, content):
    sent = message_send(sender=alice, chat_id=chat.pk, content="fine").message
    with pytest.raises(ValidationFailed):
        message_edit(user=alice, message_id=sent.pk, content=content)
    sent.refresh_from_db()
    assert sent.content == "fine" and sent.edited_at is None


def test_content_is_stored_exactly_as_sent_up_to_the_limit(alice, chat):
    text = "  spaced " + "я" * (MAX_CONTENT - 9)
    assert len(text) == MAX_CONTENT
    assert message_send(sender=alice, chat_id=chat.pk, content=text).message.content == text


def test_a_repeated_client_id_answers_the_original_before_the_content_rules(alice, chat):
    first = message_send(sender=alice, chat_id=chat.pk, content="hi", client_id="r-1")
    again = message_send(sender=alice, chat_id=chat.pk, content="", client_id="r-1")
    assert again.created is False and again.message.pk == first.message.pk


def test_a_non_member_cannot_send_and_the_chat_is_untouched(carol, chat):
    with pytest.raises(NotFound):
        message_send(sender=carol, chat_id=chat.pk, content="hi")
    chat.refresh_from_db()
    assert chat.last_seq == 0


def test_a_direct_chat_needs_an_active_peer(alice, bob):
    user_deactivate(user=bob)
    with pytest.raises(NotFound):
        chat_get_or_create(user=alice, peer=bob)


@pytest.mark.django_db(transaction=True)
def test_a_block_committing_while_a_send_waits_is_never_overtaken(postgres):
    alice, bob = UserFactory(), UserFactory()
    chat = chat_get_or_create(user=alice, peer=bob)[0]
    block_held, send_may_finish = threading.Event(), threading.Event()

    def block_and_hold():
        from django.db import transaction

        with transaction.atomic():
            user_block(user=bob, target=alice)
            block_held.set()
            assert send_may_finish.wait(10)

    def send_when_the_block_is_held():
        assert block_held.wait(10)
        return message_send(sender=alice, chat_id=chat.pk, content="racing")

    def release_once_the_send_waits():
        assert block_held.wait(10)
        _wait_for_a_lock_waiter()
        send_may_finish.set()

    results = at_once([block_and_hold, send_when_the_block_is_held, release_once_the_send_waits])
    assert isinstance(results[1], Blocked), results
    assert not Message.objects.filter(chat=chat).exists()


def _wait_for_a_lock_waiter(timeout: float = 10) -> None:
    """Until some backend waits for a lock (the send, queued behind the block)."""
    import time

    from django.db import connections

    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the send never queued behind the block")


@pytest.mark.parametrize("blocker", ["alice", "bob"])
def test_a_block_either_way_stops_edits_in_the_direct_chat(alice, bob, chat, blocker):
    sent = message_send(sender=alice, chat_id=chat.pk, content="before").message
    people = {"alice": alice, "bob": bob}
    user_block(user=people[blocker], target=bob if blocker == "alice" else alice)
    with pytest.raises(Blocked):
        message_edit(user=alice, message_id=sent.pk, content="rewritten")
    sent.refresh_from_db()
    assert sent.content == "before"


def test_edits_count_against_the_send_limit(alice, chat, settings):
    settings.TETHER_THROTTLE = True
    settings.TETHER_RATE_LIMITS = {**settings.TETHER_RATE_LIMITS, "message_send": (3, 10)}
    sent = message_send(sender=alice, chat_id=chat.pk, content="one").message
    message_edit(user=alice, message_id=sent.pk, content="two")
    message_edit(user=alice, message_id=sent.pk, content="three")
    with pytest.raises(Throttled):
        message_edit(user=alice, message_id=sent.pk, content="four")
    sent.refresh_from_db()
    assert sent.content == "three"
