"""Messages: ordered by ``seq`` within their chat, idempotent by the sender's ``client_id``."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        SYSTEM = "system", "System"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chat = models.ForeignKey("chats.Chat", on_delete=models.CASCADE, related_name="messages")
    seq = models.BigIntegerField(editable=False)
    # Accounts are anonymised, never removed, so their messages stay in peers' histories.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_sent"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    content = models.TextField(blank=True)
    # System messages only: {"event", "actor_id", "user_ids", "title", "role"} (the contract's
    # ``system`` object); the sender is the actor.
    system = models.JSONField(null=True, blank=True, editable=False)
    # Null, not "", when absent: the uniqueness of (sender, client_id) skips nulls.
    client_id = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        # Not ["chat", ...]: that would join chats (and their ordering) into every lookup.
        ordering = ["seq"]
        constraints = [
            # Also the index for history pages (chat, seq ranges) and the last message.
            models.UniqueConstraint(fields=["chat", "seq"], name="message_unique_seq"),
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=Q(client_id__isnull=False),
                name="message_unique_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} in {self.chat_id}"

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None
