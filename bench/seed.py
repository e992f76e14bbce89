"""Seeding the benchmark's database with the project's own services, not through the API.

Signing up thousands of people over HTTP (a code each, texted and typed) would take longer
than the benchmark, so the benchmark process sets Django up on the benchmark database and
writes what the API would have written: users and sessions as verify-code makes them
(``user_create``, ``session_start``; the same rows in bulk past the first), access tokens from
``session_issue_tokens`` as a sign-in or refresh gives them, direct chats through
``chat_get_or_create`` as POST /api/chats does. Groups and messages
go through the API itself (``bench.scenarios``), as clients make them.

Django is set up once per benchmark process (``setup_django``) and used only outside the
event loop.
"""

from __future__ import annotations

import os
import secrets
import string
from dataclasses import dataclass, field

USER_AGENT = "Tether benchmark"


@dataclass
class Person:
    """A seeded user and their sign-in; ``access`` is minted anew for each process count
    (access tokens live 15 minutes)."""

    user_id: str
    session_id: str
    phone: str
    access: str = ""


@dataclass
class World:
    """Who the scenarios use: each group of people is separate from the others."""

    direct: list[Person] = field(default_factory=list)
    # Direct chats of ``direct``: person 2k and 2k + 1 share ``direct_chats[k]``.
    direct_chats: list[str] = field(default_factory=list)
    group: list[Person] = field(default_factory=list)
    group_chat: str | None = None  # made through the API on first use
    readers: list[Person] = field(default_factory=list)
    # (chat id, reader index, reader index)
    reader_chats: list[tuple[str, int, int]] = field(default_factory=list)
    reader_chats_written: bool = False  # one message in each, through the API, on first use
    idle: list[Person] = field(default_factory=list)

    def everyone(self) -> list[Person]:
        return self.direct + self.group + self.readers + self.idle


def setup_django(env: dict[str, str]) -> None:
    """Django on the benchmark database with the servers' settings (same SECRET_KEY, so
    that the tokens minted here are the servers' own)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django

    django.setup()


def close_django() -> None:
    """Give back every database connection (so that the database can be dropped)."""
    from django.db import connections

    for conn in connections.all():
        conn.close()
        if getattr(conn, "pool", None) is not None:
            conn.close_pool()


def _people(count: int, first_phone: int, name: str) -> list[Person]:
    """``count`` people signed up and signed in once each.

    The first goes through ``user_create`` and ``session_start`` themselves; the rest are
    the same rows written in bulk (the sign-up's fields: a generated ``user_xxxxxxxx``
    username, no usable password; the sign-in's: this user agent, its device, the IP),
    because thousands one by one would take longer than the benchmark.
    """
    if count < 1:
        return []
    from django.db import transaction

    from accounts.models import AuthSession, User
    from accounts.services.sessions import session_start
    from accounts.services.users import user_create

    phones = [f"+7916{first_phone + n:07d}" for n in range(count)]
    with transaction.atomic():
        first = user_create(phone=phones[0], display_name=f"{name} 0")
        sessions = [session_start(user=first, user_agent=USER_AGENT, ip="127.0.0.1")]
        users = [first]
        names = _free_usernames(count - 1)
        for n, (phone, username) in enumerate(zip(phones[1:], names, strict=True), start=1):
            user = User(phone=phone, username=username, display_name=f"{name} {n}")
            user.set_unusable_password()
            users.append(user)
        User.objects.bulk_create(users[1:], batch_size=500)
        device = sessions[0].device
        sessions += AuthSession.objects.bulk_create(
            [
                AuthSession(user=user, user_agent=USER_AGENT, device=device, ip="127.0.0.1")
                for user in users[1:]
            ],
            batch_size=500,
        )
    return [
        Person(str(user.pk), str(session.pk), phone)
        for user, session, phone in zip(users, sessions, phones, strict=True)
    ]


def _free_usernames(count: int) -> list[str]:
    """``count`` distinct ``user_xxxxxxxx`` names as ``username_generate`` makes them, none
    of them taken (checked in one query rather than one each)."""
    from accounts.models import User

    alphabet = string.ascii_lowercase + string.digits
    names: set[str] = set()
    while len(names) < count:
        names.add("user_" + "".join(secrets.choice(alphabet) for _ in range(8)))
    taken = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    return sorted(names - taken) + _free_usernames(len(taken)) if taken else sorted(names)


def _direct_chat(a: Person, b: Person) -> str:
    from accounts.models import User
    from chats.services import chat_get_or_create

    users = {str(pk): user for pk, user in User.objects.in_bulk([a.user_id, b.user_id]).items()}
    chat, _ = chat_get_or_create(user=users[a.user_id], peer=users[b.user_id])
    return str(chat.pk)


def seed(*, direct_users: int, group_members: int, readers: int, reader_chats: int,
         idle_sockets: int) -> World:  # fmt: skip
    """Everyone the scenarios need, with their direct chats."""
    world = World()
    world.direct = _people(direct_users, 0, "Direct")
    world.direct_chats = [
        _direct_chat(world.direct[k], world.direct[k + 1]) for k in range(0, direct_users - 1, 2)
    ]
    world.group = _people(group_members, 1_000_000, "Member")
    world.readers = _people(readers, 2_000_000, "Reader")
    # A ring: reader i shares a direct chat with the ``reader_chats // 2`` readers after it
    # (and so with as many before it), ``reader_chats`` chats each.
    half = max(1, reader_chats // 2) if readers > 1 else 0
    pairs = {
        tuple(sorted((i, (i + step) % readers)))
        for i in range(readers)
        for step in range(1, half + 1)
        if (i + step) % readers != i
    }
    world.reader_chats = [
        (_direct_chat(world.readers[i], world.readers[j]), i, j) for i, j in sorted(pairs)
    ]
    world.idle = _people(idle_sockets, 3_000_000, "Idle")
    return world


def mint_tokens(people: list[Person]) -> None:
    """A fresh access token for each person's session, as a sign-in or refresh gives."""
    from accounts.models import AuthSession
    from accounts.services.sessions import session_issue_tokens

    found = AuthSession.objects.select_related("user").in_bulk(
        [person.session_id for person in people]
    )
    sessions = {str(pk): session for pk, session in found.items()}
    for person in people:
        person.access = session_issue_tokens(session=sessions[person.session_id]).access
