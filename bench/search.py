"""Message search latency on a large history (PostgreSQL).

Makes a fresh database on the PostgreSQL server of DATABASE_URL, migrates it, writes
``--messages`` messages (default one million) in Russian and English with SQL (a few hundred
chats, each member in ``--chats-per-user`` of them), builds the search index as the migration
does, then times ``message_search`` for one person over typical queries: a rare word, a common
one, two words, a prefix as typed, Russian word forms. Prints p50, p95 and max per query and
overall, and the plan of one search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tether .venv/bin/python bench/search.py
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "сообщение",
    "сообщениями",
    "встреча завтра",
    "докум",
    "meeting",
    "meetings tomorrow",
    "deploy",
    "ёлка",
    "zebra",  # rare
]
RUSSIAN = [
    "сообщение",
    "сообщения",
    "сообщений",
    "встреча",
    "встречи",
    "завтра",
    "сегодня",
    "документ",
    "документы",
    "документация",
    "проект",
    "проекта",
    "елка",
    "ёлка",
    "дом",
    "работа",
    "привет",
    "пока",
    "вечером",
    "утром",
    "обед",
]
ENGLISH = [
    "message",
    "messages",
    "meeting",
    "meetings",
    "tomorrow",
    "today",
    "document",
    "documents",
    "deploy",
    "deployment",
    "project",
    "lunch",
    "hello",
    "later",
    "evening",
    "morning",
    "release",
    "review",
    "build",
    "test",
]


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def seed(cursor, messages: int, chats: int, people: int, chats_per_user: int) -> None:
    words = RUSSIAN + ENGLISH
    cursor.execute(
        """
        INSERT INTO accounts_user (id, password, is_superuser, phone, username, display_name,
            bio, avatar_url, is_active, is_staff, date_joined, last_seen_visibility,
            read_receipts, phone_discovery)
        SELECT gen_random_uuid(), '', false, '+7916' || lpad(n::text, 7, '0'),
            'user_' || n, 'Person ' || n, '', '', true, false, now(), 'everyone', true, 'everyone'
        FROM generate_series(1, %s) AS n
        """,
        [people],
    )
    cursor.execute(
        """
        INSERT INTO chats_chat (id, kind, title, last_seq, created_at, updated_at)
        SELECT gen_random_uuid(), 'group', 'Chat ' || n, 0, now(), now()
        FROM generate_series(1, %s) AS n
        """,
        [chats],
    )
    cursor.execute(
        """
        INSERT INTO chats_chatmember (chat_id, user_id, role, last_read_seq, muted, draft,
            joined_at)
        SELECT c.id, u.id, 'member', 0, false, '', now()
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM chats_chat) c
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS r FROM accounts_user) u
          ON (c.r + u.r) %% (%s / %s) = 0
        ON CONFLICT DO NOTHING
        """,
        [chats, chats_per_user],
    )
    cursor.execute(
        """
        WITH numbered AS (
            SELECT n, c.id AS chat_id,
                   row_number() OVER (PARTITION BY c.id ORDER BY n) AS seq
            FROM generate_series(1, %s) AS n
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS r FROM chats_chat) c
              ON c.r = n %% %s
        )
        INSERT INTO messaging_message (id, chat_id, seq, sender_id, kind, content, created_at,
            forwarded_from_name)
        SELECT gen_random_uuid(), numbered.chat_id, numbered.seq,
            (SELECT user_id FROM chats_chatmember m WHERE m.chat_id = numbered.chat_id LIMIT 1),
            'text',
            array_to_string(ARRAY(
                SELECT (%s::text[])[1 + ((n::bigint * 7919 + i * 104729) %% %s)]
                FROM generate_series(1, 4 + n %% 9) AS i), ' ')
              || CASE WHEN n %% 100000 = 0 THEN ' zebra' ELSE '' END,
            now() - (n || ' seconds')::interval, ''
        FROM numbered
        """,
        [messages, chats, words, len(words)],
    )
    cursor.execute(
        "UPDATE chats_chat c SET last_seq = m.top FROM (SELECT chat_id, max(seq) AS top "
        "FROM messaging_message GROUP BY chat_id) m WHERE m.chat_id = c.id"
    )


def run(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    django.setup()
    from django.db import connection

    from accounts.models import User
    from messaging.search import message_search

    with connection.cursor() as cursor:
        started = time.perf_counter()
        seed(cursor, args.messages, args.chats, args.people, args.chats_per_user)
        cursor.execute("ANALYZE")
        print(f"seeded {args.messages:,} messages in {time.perf_counter() - started:.0f} s")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('message_search'))")
        print(f"search index: {cursor.fetchone()[0]}")
    viewer = User.objects.order_by("username").first()
    chats = viewer.chat_memberships.count()
    print(f"searching as a member of {chats} chats ({args.repeat} runs per query)")
    everything = []
    print(f"{'query':<20} {'found':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for query in QUERIES:
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            page = message_search(viewer=viewer, q=query, limit=20)
            times.append(1000 * (time.perf_counter() - began))
        times.sort()
        everything += times
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{query:<20} {len(page.messages):>6} {statistics.median(times):>8.1f} "
              f"{p95:>8.1f} {times[-1]:>8.1f}")  # fmt: skip
    everything.sort()
    print(
        f"{'all':<20} {'':>6} {statistics.median(everything):>8.1f} "
        f"{everything[int(0.95 * (len(everything) - 1))]:>8.1f} {everything[-1]:>8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--chats", type=int, default=400)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--chats-per-user", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args)
        return
    import psycopg

    name = f"tether_bench_{uuid.uuid4().hex[:8]}"
    admin = database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": database_url(name), "DEBUG": "0",
           "SECRET_KEY": "bench-" + "x" * 50}  # fmt: skip
    try:
        python = sys.executable
        migrate = [python, "manage.py", "migrate", "-v", "0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own)
        child = [python, __file__, "--child", *sys.argv[1:]]
        subprocess.run(child, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
