"""Groups: create, rename, add, remove, leave, change roles, hand over.

Every action locks the chat row first (the lock sends take to allocate a seq), so membership
changes and sends never interleave: a removed member hears nothing sent after the removal,
two admins adding the 200th member at once never make 201, and the owner leaving while
promoting someone never leaves zero or two owners. Each action states its change as a system
message (a seq like any message) and publishes after commit.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import blocked_between
from accounts.services.blocks import blocks_hold_steady
from chats.models import Chat, ChatMember
from core.errors import Blocked, NotFound, PermissionDenied, ValidationFailed
from messaging import events
from messaging.models import Message
from messaging.payloads import message_data
from messaging.services.seqs import seq_allocate

Role = ChatMember.Role


def group_title_check(title: object) -> str:
    """1 to 128 characters, not only white space; stored as given."""
    if not isinstance(title, str):
        raise ValidationFailed.on("title", "Must be a string.")
    if "\x00" in title or not title.strip():
        raise ValidationFailed.on("title", "A title cannot be empty or only white space.")
    if len(title) > Chat.TITLE_MAX:
        raise ValidationFailed.on("title", f"At most {Chat.TITLE_MAX} characters.")
    return title


def _people(actor: User, user_ids: list, *, adding_to: int) -> list[User]:
    """The active accounts ``user_ids`` names (besides ``actor``), with no block between them
    and ``actor``, and room for them next to ``adding_to`` members."""
    ids = list(dict.fromkeys(str(uid) for uid in user_ids if str(uid) != str(actor.pk)))
    if not ids:
        raise ValidationFailed.on("user_ids", "Name at least one other person.")
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(ids):
        found = {str(user.pk) for user in users}
        missing = [uid for uid in ids if uid not in found]
        raise ValidationFailed.on("user_ids", f"No such people: {', '.join(missing)}.")
    if adding_to + len(users) > Chat.MAX_MEMBERS:
        raise ValidationFailed.on("user_ids", f"A group has at most {Chat.MAX_MEMBERS} members.")
    blocks_hold_steady(user_id=actor.pk)
    if blocked_between(actor.pk, [user.pk for user in users]):
        raise Blocked("A block stands between you and one of these people.")
    return users


def _member_ids(chat_id) -> list:
    return list(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", flat=True))


def _post(chat: Chat, actor: User, event: str, *, user_ids=(), title=None, role=None) -> Message:
    """The system message that tells the members what happened; ``message.new`` to them."""
    now = timezone.now()
    seq, _ = seq_allocate(chat.pk, now)
    message = Message.objects.create(
        chat=chat,
        seq=seq,
        sender=actor,
        kind=Message.Kind.SYSTEM,
        content="",
        created_at=now,
        system={
            "event": event,
            "actor_id": str(actor.pk),
            "user_ids": [str(uid) for uid in user_ids],
            "title": title,
            "role": role,
        },
    )
    reads = dict(ChatMember.objects.filter(chat=chat).values_list("user_id", "last_read_seq"))
    events.message_new(message_data(message, {chat.pk: reads}), list(reads))
    return message


def _locked_group(actor: User, chat_id) -> tuple[Chat, ChatMember]:
    """The group (its row locked) and the actor's membership; NotFound for a non-member,
    PermissionDenied for a direct chat (its title and members never change)."""
    chat = Chat.objects.select_for_update().filter(pk=chat_id).first()
    mine = chat and ChatMember.objects.filter(chat=chat, user=actor).first()
    if not mine:
        raise NotFound("No such chat.")
    if chat.kind != Chat.Kind.GROUP:
        raise PermissionDenied("A direct chat's title and members cannot change.")
    return chat, mine


def _require(mine: ChatMember, *roles: str) -> None:
    if mine.role not in roles:
        raise PermissionDenied("Your role in this group does not allow that.")


def group_create(*, owner: User, title: str, user_ids: list) -> Chat:
    """A group of ``owner`` (its owner) and ``user_ids``; ``group_created`` takes seq 1."""
    title = group_title_check(title)
    if len({str(uid) for uid in user_ids}) != len(user_ids) or str(owner.pk) in map(str, user_ids):
        raise ValidationFailed.on("user_ids", "Name other people, each once, not yourself.")
    with transaction.atomic():
        people = _people(owner, user_ids, adding_to=1)
        chat = Chat.objects.create(kind=Chat.Kind.GROUP, title=title)
        ChatMember.objects.bulk_create(
            [ChatMember(chat=chat, user=owner, role=Role.OWNER)]
            + [ChatMember(chat=chat, user=user, role=Role.MEMBER) for user in people]
        )
        _post(chat, owner, "group_created", user_ids=[u.pk for u in people], title=title)
    return chat


def group_rename(*, actor: User, chat_id, title: str) -> Chat:
    title = group_title_check(title)
    with transaction.atomic():
        chat, mine = _locked_group(actor, chat_id)
        _require(mine, Role.OWNER, Role.ADMIN)
        if title != chat.title:
            chat.title = title
            chat.save(update_fields=["title"])
            _post(chat, actor, "title_changed", title=title)
            events.chat_updated(chat_id=chat.pk, member_ids=_member_ids(chat.pk))
    return chat


def group_add_members(*, actor: User, chat_id, user_ids: list) -> list[User]:
    """Add the people not yet in the group; those already in it stay as they are. The ones
    actually added (none added: no message)."""
    with transaction.atomic():
        chat, mine = _locked_group(actor, chat_id)
        _require(mine, Role.OWNER, Role.ADMIN)
        present = {str(uid) for uid in _member_ids(chat.pk)}
        new_ids = [uid for uid in user_ids if str(uid) not in present]
        if not new_ids:
            if not user_ids:
                raise ValidationFailed.on("user_ids", "Name at least one person.")
            return []
        people = _people(actor, new_ids, adding_to=len(present))
        now = timezone.now()
        ChatMember.objects.bulk_create(
            [ChatMember(chat=chat, user=user, joined_at=now) for user in people]
        )
        _post(chat, actor, "members_added", user_ids=[user.pk for user in people])
        events.chat_updated(chat_id=chat.pk, member_ids=_member_ids(chat.pk))
    return people


def _successor(chat: Chat) -> ChatMember | None:
    """Who owns the group when its owner leaves: the admin who joined earliest, else the
    member who joined earliest."""
    rest = ChatMember.objects.filter(chat=chat).exclude(role=Role.OWNER)
    return (
        rest.filter(role=Role.ADMIN).order_by("joined_at", "id").first()
        or rest.order_by("joined_at", "id").first()
    )


def group_remove_member(*, actor: User, chat_id, user_id, as_moderator: bool = False) -> None:
    """``actor`` removes ``user_id`` (the owner anyone, an admin plain members), or leaves
    when it is themselves. The one who goes gets ``chat.removed`` and nothing more; when the
    owner leaves, the next owner follows (``owner_changed`` right after ``member_left``).

    Moderators (``as_moderator``) may remove anyone but the owner from any group.
    """
    with transaction.atomic():
        if as_moderator:
            chat = Chat.objects.select_for_update().filter(pk=chat_id, kind="group").first()
            mine = None
            if chat is None:
                raise NotFound("No such group.")
        else:
            chat, mine = _locked_group(actor, chat_id)
        target = ChatMember.objects.filter(chat=chat, user_id=user_id).first()
        if target is None:
            raise NotFound("No such member.")
        leaving = mine is not None and target.pk == mine.pk
        if not leaving:
            allowed = (
                (mine is None and target.role != Role.OWNER)
                or (mine is not None and mine.role == Role.OWNER)
                or (mine is not None and mine.role == Role.ADMIN and target.role == Role.MEMBER)
            )
            if not allowed:
                raise PermissionDenied("Your role in this group does not allow that.")
        target.delete()
        _post(chat, actor, "member_left" if leaving else "member_removed", user_ids=[user_id])
        if target.role == Role.OWNER:
            heir = _successor(chat)
            if heir is not None:
                heir.role = Role.OWNER
                heir.save(update_fields=["role"])
                _post(chat, actor, "owner_changed", user_ids=[heir.user_id])
        events.chat_removed(chat_id=chat.pk, user_id=user_id)
        events.chat_updated(chat_id=chat.pk, member_ids=_member_ids(chat.pk))


def group_change_role(*, actor: User, chat_id, user_id, role: str) -> ChatMember:
    """The owner makes a member an admin or a plain member, or hands the group over
    (``role="owner"``: the old owner becomes an admin)."""
    if role not in Role.values:
        raise ValidationFailed.on("role", "One of owner, admin, member.")
    with transaction.atomic():
        chat, mine = _locked_group(actor, chat_id)
        target = ChatMember.objects.filter(chat=chat, user_id=user_id).first()
        if target is None:
            raise NotFound("No such member.")
        _require(mine, Role.OWNER)
        if target.pk == mine.pk:
            if role == Role.OWNER:
                return target
            raise ValidationFailed.on("role", "Hand the group over to change your own role.")
        if target.role == role:
            return target
        if role == Role.OWNER:
            mine.role = Role.ADMIN
            mine.save(update_fields=["role"])  # first: one owner at most, at every moment
            target.role = Role.OWNER
            target.save(update_fields=["role"])
            _post(chat, actor, "owner_changed", user_ids=[target.user_id])
        else:
            target.role = role
            target.save(update_fields=["role"])
            _post(chat, actor, "role_changed", user_ids=[target.user_id], role=role)
        events.chat_updated(chat_id=chat.pk, member_ids=_member_ids(chat.pk))
    return target


def groups_hand_over_from(*, user_id) -> int:
    """A cut-off account (deactivated or deleted) can no longer run its groups: each one it
    owns passes to the next owner, as when an owner leaves (``owner_changed``, the old owner
    as actor). The number of groups handed over."""
    owned = ChatMember.objects.filter(user_id=user_id, role=Role.OWNER, chat__kind="group")
    handed = 0
    for chat_id in list(owned.values_list("chat_id", flat=True)):
        with transaction.atomic():
            chat = Chat.objects.select_for_update().get(pk=chat_id)
            mine = ChatMember.objects.filter(chat=chat, user_id=user_id, role=Role.OWNER).first()
            heir = mine and _successor(chat)
            if not heir:
                continue
            mine.role = Role.ADMIN
            mine.save(update_fields=["role"])
            heir.role = Role.OWNER
            heir.save(update_fields=["role"])
            _post(chat, mine.user, "owner_changed", user_ids=[heir.user_id])
            events.chat_updated(chat_id=chat.pk, member_ids=_member_ids(chat.pk))
            handed += 1
    return handed
