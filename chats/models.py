"""Chats and who is in them: direct chats of two people, and groups of up to 200."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Chat(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct"
        GROUP = "group", "Group"

    MAX_MEMBERS = 200
    TITLE_MAX = 128

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DIRECT)
    # Groups only ("" for direct chats, whose name is the peer's).
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    # "<smaller user id>:<larger user id>" for direct chats: one chat per pair, by the database.
    direct_key = models.CharField(max_length=80, unique=True, null=True, blank=True, editable=False)
    # The seq of the newest message. Raised under the row's lock, so seqs never gap or clash.
    last_seq = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Time of the last message (creation time until the first one).
    updated_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        if self.kind == self.Kind.GROUP:
            return f"Group “{self.title}”"
        return f"{self.get_kind_display()} chat {self.id}"

    @staticmethod
    def direct_key_for(user_id_a, user_id_b) -> str:
        first, second = sorted([str(user_id_a), str(user_id_b)])
        return f"{first}:{second}"


class ChatMember(models.Model):
    """Membership with per-member read state; ``last_read_seq`` is written only by
    ``messaging.services.chat_mark_read``. A member who leaves or is removed loses the row
    (added again, they see the whole history); a group has exactly one owner."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    last_read_seq = models.BigIntegerField(default=0)
    # The member's own: a muted chat still counts unread but the pages do not notify; the
    # draft is the composer's unsent text, on every device (empty: none).
    muted = models.BooleanField(default=False)
    draft = models.TextField(blank=True)
    draft_updated_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chat", "user"], name="chatmember_unique_per_chat"),
            # At most one owner per chat, by the database; the services keep it exactly one.
            models.UniqueConstraint(
                fields=["chat"], condition=models.Q(role="owner"), name="chatmember_one_owner"
            ),
        ]
        indexes = [models.Index(fields=["user", "chat"], name="chatmember_user_chat")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.chat_id}"
