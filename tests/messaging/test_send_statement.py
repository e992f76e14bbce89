"""The one-round-trip send (``messaging.send_statement``) against its oracle, the ORM path.

Both paths store the same row and publish the same payload; every case the statement does
not store is one the ORM path refuses or answers otherwise (and then answers it). PostgreSQL
only: the statement is PostgreSQL's.
"""

import asyncio
import threading
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction

from accounts.services.blocks import user_block
from accounts.services.sessions import session_start
from chats.models import Chat, ChatMember
from chats.services import chat_get_or_create
from core import async_db
from core.errors import InvalidToken
from core.locks import lock_keys
from messaging.inputs import amessage_send_from_input, plain_send
from messaging.models import Message
from messaging.services import message_send
from messaging.services.groups import group_create
from messaging.services.sending import amessage_send_plain
from messaging.services.settings import chat_draft_save
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(postgres):
    """The statement is PostgreSQL's (SQLite sends go the ORM way)."""


@pytest.fixture
def people():
    alice, bob = UserFactory(display_name="Alice"), UserFactory(display_name="Bob")
    chat = chat_get_or_create(user=alice, peer=bob)[0]
    session = session_start(user=alice, user_agent="pytest", ip="127.0.0.1")
    return alice, bob, chat, session


async def fast(alice, session, chat_id, content="hello", client_id=None):
    try:
        return await amessage_send_plain(
            sender_id=alice.pk, session_id=session.id, chat_id=chat_id, content=content,
            client_id=client_id,
        )  # fmt: skip
    finally:
        await async_db.close_pool()


def row(message_id) -> dict:
    """Every column of the stored message but its id."""
    message = Message.objects.get(pk=message_id)
    fields = Message._meta.concrete_fields
    return {f.attname: getattr(message, f.attname) for f in fields if not f.primary_key}


def comparable(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in {"id", "created_at", "seq", "client_id"}}


def test_the_statement_stores_and_publishes_what_the_orm_path_does(people, published):
    alice, _bob, chat, session = people
    oracle = message_send(sender=alice, chat_id=chat.id, content="first", client_id="c-1")
    published.clear()
    result = asyncio.run(fast(alice, session, chat.id, "second", "c-2"))

    assert result is not None and result.created
    assert result.data["seq"] == oracle.data["seq"] + 1 == 2
    assert comparable(result.data) == comparable(oracle.data) | {"content": "second"}
    assert result.data["client_id"] == "c-2"
    stored, expected = row(result.message.id), row(oracle.message.id)
    assert stored | {"seq": 0, "content": "", "client_id": "", "created_at": 0} == (
        expected | {"seq": 0, "content": "", "client_id": "", "created_at": 0}
    )
    assert (stored["seq"], stored["content"], stored["client_id"]) == (2, "second", "c-2")
    chat.refresh_from_db()
    assert chat.last_seq == 2 and chat.updated_at == stored["created_at"]
    # Published after commit, to both members, as the ORM path does.
    assert published == [
        ({alice.pk, chat.memberships.exclude(user=alice).get().user_id},
         {"type": "message.new", "message": result.data}),
    ]  # fmt: skip


def test_a_draft_is_cleared_and_announced_as_on_the_orm_path(people, published):
    alice, _bob, chat, session = people
    chat_draft_save(user=alice, chat_id=chat.id, content="half a thought")
    published.clear()
    result = asyncio.run(fast(alice, session, chat.id))
    membership = ChatMember.objects.get(chat=chat, user=alice)
    assert membership.draft == "" and membership.draft_updated_at == result.message.created_at
    drafts = [event for _ids, event in published if event["type"] == "draft.updated"]
    assert drafts == [
        {"type": "draft.updated", "chat_id": str(chat.id), "content": "",
         "updated_at": result.data["created_at"]},
    ]  # fmt: skip
    assert [ids for ids, event in published if event["type"] == "draft.updated"] == [{alice.pk}]


@pytest.mark.parametrize("case", ["repeat", "not_member", "no_chat", "blocked"])
def test_what_the_statement_does_not_store_the_orm_path_refuses_or_repeats(people, case):
    alice, bob, chat, session = people
    client_id = None
    chat_id = chat.id
    if case == "repeat":
        message_send(sender=alice, chat_id=chat.id, content="first", client_id="same")
        client_id = "same"
    elif case == "not_member":
        carol, dave = UserFactory(), UserFactory()
        chat_id = chat_get_or_create(user=carol, peer=dave)[0].id
    elif case == "no_chat":
        chat_id = uuid.uuid4()
    else:
        user_block(user=bob, target=alice)
    before = Message.objects.count()

    assert asyncio.run(fast(alice, session, chat_id, client_id=client_id)) is None
    assert Message.objects.count() == before
    assert Chat.objects.get(pk=chat.id).last_seq == (1 if case == "repeat" else 0)


def test_blocks_do_not_stop_sends_in_a_group(people):
    alice, bob, _chat, session = people
    carol = UserFactory()
    group = group_create(owner=alice, title="Team", user_ids=[bob.pk, carol.pk])
    user_block(user=bob, target=alice)
    result = asyncio.run(fast(alice, session, group.id))
    assert result is not None and result.data["seq"] == 2  # after group_created


def test_an_ended_session_is_refused(people):
    alice, _bob, chat, session = people
    session.revoked_at = session.created_at
    session.save()
    with pytest.raises(InvalidToken):
        asyncio.run(fast(alice, session, chat.id))
    assert not Message.objects.exists()


def test_a_block_committed_while_the_send_waits_is_seen(people):
    """The block holds both people's "blocks" locks; the send waits for them and then sees
    the block (its statement's snapshot is taken after the lock, not before)."""
    alice, bob, chat, session = people
    holding, release = threading.Event(), threading.Event()

    def block_slowly():
        with transaction.atomic():
            lock_keys("blocks", [str(alice.pk), str(bob.pk)])
            holding.set()
            release.wait(5)
            user_block(user=bob, target=alice)
        connection.close()

    blocker = threading.Thread(target=block_slowly)
    blocker.start()
    assert holding.wait(5)

    async def send_then_release():
        sending = asyncio.ensure_future(fast(alice, session, chat.id))
        await asyncio.sleep(0.3)
        assert not sending.done()  # waiting for the block's locks
        release.set()
        return await sending

    try:
        assert asyncio.run(send_then_release()) is None
    finally:
        release.set()
        blocker.join()
    assert not Message.objects.exists()


def test_concurrent_sends_get_every_seq_once_and_one_client_id_wins(people):
    alice, bob, chat, session = people
    bob_session = session_start(user=bob, user_agent="pytest", ip="127.0.0.1")

    async def burst():
        sends = [
            amessage_send_plain(
                sender_id=person.pk,
                session_id=s.id,
                chat_id=chat.id,
                content=f"m{i}",
                client_id="dup" if i < 4 else None,
            )  # fmt: skip
            for i in range(40)
            for person, s in [((alice, session), (bob, bob_session))[i % 2]]
        ]
        try:
            return await asyncio.gather(*sends)
        finally:
            await async_db.close_pool()

    results = asyncio.run(burst())
    stored = [r for r in results if r is not None]
    # "dup" is Alice's for i=0,2 and Bob's for i=1,3: one of each pair wins.
    assert len(stored) == 38
    seqs = sorted(Message.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 39))
    assert Chat.objects.get(pk=chat.id).last_seq == 38


def test_a_fallback_answers_through_the_orm_path(people):
    alice, _bob, chat, session = people
    first = message_send(sender=alice, chat_id=chat.id, content="first", client_id="again")

    async def send(data):
        try:
            return await amessage_send_from_input(
                sender=alice, session_id=session.id, data=data,
                run_sync=lambda f: sync_to_async(f, thread_sensitive=False),
            )  # fmt: skip
        finally:
            await async_db.close_pool()

    repeated = asyncio.run(send({"chat_id": str(chat.id), "content": "x", "client_id": "again"}))
    assert repeated.created is False and repeated.message.pk == first.message.pk
    answer = {"chat_id": str(chat.id), "content": "re", "reply_to_id": str(first.message.pk)}
    reply = asyncio.run(send(answer))
    assert reply.created and reply.data["reply_to"]["id"] == str(first.message.pk)


@pytest.mark.parametrize(
    ("data", "plain"),
    [
        ({"chat_id": "00000000-0000-0000-0000-000000000001", "content": "hi"}, True),
        ({"type": "message.send", "chat_id": "00000000-0000-0000-0000-000000000001",
          "content": "hi", "client_id": "c", "reply_to_id": None}, True),
        ({"chat_id": "00000000-0000-0000-0000-000000000001", "content": "  "}, False),
        ({"chat_id": "00000000-0000-0000-0000-000000000001", "content": "hi",
          "reply_to_id": "00000000-0000-0000-0000-000000000002"}, False),
        ({"chat_id": "00000000-0000-0000-0000-000000000001", "content": "hi",
          "client_id": ""}, False),
        ({"chat_id": "00000000-0000-0000-0000-000000000001", "content": "hi",
          "client_id": 5}, False),
        ({"chat_id": "00000000-0000-0000-0000-000000000001", "content": "hi",
          "client_id": "x" * 65}, False),
        ({"chat_id": "0000000000000000000000000000000a", "content": "hi"}, False),
        ({"chat_id": "00000000-0000-0000-0000-000000000001", "content": "hi",
          "extra": 1}, False),
        ({"chat_id": "00000000-0000-0000-0000-000000000001", "content": "a\x00"}, False),
    ],
)  # fmt: skip
def test_only_plain_valid_sends_take_the_statement(data, plain):
    assert (plain_send(data) is not None) is plain
