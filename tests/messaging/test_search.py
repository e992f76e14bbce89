"""Message search (API.md "Search and settings"): one's own current chats, newest first, cursor
pages; on PostgreSQL, Russian and English word forms, prefixes, ё = е, and the GIN index."""

import pytest
from django.db import connection

from chats.services import chat_get_or_create
from messaging.services import message_delete, message_send
from messaging.services.groups import group_create, group_remove_member
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def search(client, q, **params):
    return client.get("/api/search/messages", {"q": q, **params})


def found(client, q, **params) -> list[str]:
    return [m["content"] for m in envelope_data(search(client, q, **params))]


@pytest.fixture
def talk(alice, bob, chat):
    for text in ["Meeting at noon", "lunch after the meeting?", "no thanks"]:
        message_send(sender=alice, chat_id=chat.pk, content=text)
    return chat


def test_finds_every_word_newest_first_in_ones_chats(as_bob, talk):
    assert found(as_bob, "meeting") == ["lunch after the meeting?", "Meeting at noon"]
    assert found(as_bob, "MEETING lunch") == ["lunch after the meeting?"]


def test_never_finds_deleted_or_system_messages_or_other_peoples_chats(
    alice, bob, carol, as_bob, as_carol, talk
):
    gone = message_send(sender=alice, chat_id=talk.pk, content="secret meeting").message
    message_delete(actor=alice, message_id=gone.pk)
    group_create(owner=alice, title="meeting club", user_ids=[bob.pk])
    assert "secret meeting" not in found(as_bob, "meeting")
    assert "meeting club" not in " ".join(found(as_bob, "club"))
    assert found(as_carol, "meeting") == []


def test_only_the_chats_one_is_in_now(alice, bob, carol, as_carol):
    group = group_create(owner=alice, title="G", user_ids=[bob.pk, carol.pk])
    message_send(sender=alice, chat_id=group.pk, content="budget numbers")
    assert found(as_carol, "budget") == ["budget numbers"]
    group_remove_member(actor=alice, chat_id=group.pk, user_id=carol.pk)
    assert found(as_carol, "budget") == []


def test_chat_id_narrows_it_and_must_be_ones_own(alice, bob, carol, as_alice, as_carol, talk):
    other = chat_get_or_create(user=alice, peer=carol)[0]
    message_send(sender=alice, chat_id=other.pk, content="meeting moved")
    assert len(found(as_alice, "meeting")) == 3
    assert found(as_alice, "meeting", chat_id=str(other.pk)) == ["meeting moved"]
    envelope_error(search(as_carol, "meeting", chat_id=str(talk.pk)), 404, "not_found")


def test_cursor_pages_cover_everything_once(alice, as_bob, chat):
    for n in range(7):
        message_send(sender=alice, chat_id=chat.pk, content=f"note {n}")
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = search(as_bob, "note", **params)
        seen += [m["content"] for m in envelope_data(response)]
        meta = response.json()["meta"]
        if not meta["has_more"]:
            assert meta["next_cursor"] is None
            break
        cursor = meta["next_cursor"]
    assert seen == [f"note {n}" for n in reversed(range(7))]


@pytest.mark.parametrize(
    "params",
    [{"q": ""}, {"q": "   "}, {"q": "x" * 101}, {}, {"q": "a", "limit": 0},
     {"q": "a", "limit": 51}, {"q": "a", "cursor": "forged"}, {"q": "a", "chat_id": "nope"}],
)  # fmt: skip
def test_bad_searches_are_400(as_bob, params):
    envelope_error(as_bob.get("/api/search/messages", params), 400, "validation_error")


def test_search_needs_a_sign_in(api):
    envelope_error(api.get("/api/search/messages", {"q": "x"}), 401, "not_authenticated")


# --- PostgreSQL: word forms in Russian and English, prefixes, ё = е, the index ---------------

postgres_only = pytest.mark.usefixtures("postgres")
SEARCHED = "kind = 'text' AND deleted_at IS NULL"  # the index's condition


@postgres_only
@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Отправлю сообщение вечером", "сообщениями"),
        ("Много сообщений пришло", "сообщение"),
        ("We had three meetings today", "meeting"),
        ("The meeting is over", "meetings"),
        ("Ёлка стоит во дворе", "елка"),
        ("Елка стоит во дворе", "ёлку"),
        ("Поговорим про документацию", "докум"),  # the last word as a prefix
        ("Schedule the deployment", "deploy"),
        ("Привет! Meeting в пять", "meeting"),
    ],
)
def test_word_forms_and_prefixes_on_postgres(alice, as_bob, chat, text, query):
    message_send(sender=alice, chat_id=chat.pk, content=text)
    message_send(sender=alice, chat_id=chat.pk, content="совсем другое unrelated")
    assert found(as_bob, query) == [text]


@postgres_only
def test_every_word_must_match_on_postgres(alice, as_bob, chat):
    message_send(sender=alice, chat_id=chat.pk, content="красные яблоки")
    message_send(sender=alice, chat_id=chat.pk, content="зелёные яблоки")
    assert found(as_bob, "зеленое яблоко") == ["зелёные яблоки"]


@postgres_only
def test_the_search_expression_is_the_one_the_gin_index_covers(alice, bob, chat):
    """With millions of messages the planner must be able to answer the match from the
    index: the query's expression and conditions are the index's own."""
    from messaging.search import SEARCH_VECTOR

    message_send(sender=alice, chat_id=chat.pk, content="индекс")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the choice plain
        match = "(to_tsquery('russian', %s) || to_tsquery('english', %s))"
        query = f"EXPLAIN SELECT id FROM messaging_message WHERE {SEARCHED} AND {SEARCH_VECTOR} @@ {match}"  # noqa: S608, E501
        cursor.execute(query, ["индексы:*", "индексы:*"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on message_search" in plan, plan
