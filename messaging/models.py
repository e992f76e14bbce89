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
    # The message this one answers (same chat); it may be deleted later and then reads so.
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies",
        editable=False,
    )  # fmt: skip
    # A forward names the first author as they were named when first forwarded (a forward
    # of a forward copies these), so a later rename or deletion does not rewrite history.
    forwarded_from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False,
    )  # fmt: skip
    forwarded_from_name = models.CharField(max_length=100, blank=True, editable=False)
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


class Reaction(models.Model):
    """One person's emoji on one message: at most one each, a new one replaces the old."""

    id = models.BigAutoField(primary_key=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Also the index that loads a page's reactions (message_id IN ...).
            models.UniqueConstraint(fields=["message", "user"], name="reaction_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.user_id} on {self.message_id}"


class ChatPin(models.Model):
    """The one pinned message of a chat (kept here, beside messages, so that chats need not
    know about them)."""

    chat = models.OneToOneField(
        "chats.Chat", primary_key=True, on_delete=models.CASCADE, related_name="pin"
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="pins")
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pinned_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.message_id} pinned in {self.chat_id}"


def attachments_storage():
    """Where attachments' bytes live (STORAGES["attachments"]: files or an S3 bucket), looked
    up on each use so that a changed setting takes effect."""
    from django.core.files.storage import storages

    return storages["attachments"]


def attachment_path(attachment_id: uuid.UUID, part: str = "") -> str:
    """Where the bytes go: by id only (``part``: "" for the upload, ``thumbnail.jpg`` or
    ``thumbnail.webp``), so no name a client chose reaches the storage."""
    suffix = f"-{part}" if part else ""
    return f"attachments/{attachment_id.hex[:2]}/{attachment_id.hex}{suffix}"


class Attachment(models.Model):
    """An uploaded image or file. Unsent (``message`` null) until a send claims it; then it
    belongs to that message, and forwards share it through ``MessageAttachment``."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        FILE = "file", "File"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # The message it was sent with; null while unsent (and the unsent cap counts those).
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False,
    )  # fmt: skip
    kind = models.CharField(max_length=8, choices=Kind.choices, editable=False)
    name = models.CharField(max_length=255, editable=False)
    size = models.BigIntegerField(editable=False)
    content_type = models.CharField(max_length=255, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Names in attachments_storage(): the bytes as stored, and an image's thumbnail.
    file = models.CharField(max_length=200, editable=False)
    thumbnail = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            # The unsent cap and the cleanup of old unsent uploads.
            models.Index(
                fields=["uploader", "created_at"],
                condition=Q(message__isnull=True),
                name="attachment_unsent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MessageAttachment(models.Model):
    """An attachment as it shows in one message (the one it was sent with, or a forward)."""

    id = models.BigAutoField(primary_key=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachment_links")
    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "attachment"], name="attachment_once_per_message"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attachment_id} in {self.message_id}"
