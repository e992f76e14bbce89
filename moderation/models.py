"""Reports from people, and the record of every moderation action."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse"
        ILLEGAL = "illegal", "Illegal"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Actioned"
        DISMISSED = "dismissed", "Dismissed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    # A message report also names the message's sender, so a moderator sees who it is about.
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received"
    )
    target_message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    text = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_resolved",
    )

    class Meta:
        ordering = ["created_at"]
        permissions = [("moderate", "Can take moderation actions")]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_message"],
                condition=Q(status="open", target_message__isnull=False),
                name="report_one_open_per_message",
            ),
            models.UniqueConstraint(
                fields=["reporter", "target_user"],
                condition=Q(status="open", target_message__isnull=True),
                name="report_one_open_per_user",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="report_queue")]

    def __str__(self) -> str:
        about = "message" if self.target_message_id else "user"
        return f"{self.get_reason_display()} report on a {about} ({self.get_status_display()})"


class ModerationAction(models.Model):
    """Who did what to whom, when and why. Written by the moderation services only."""

    class Kind(models.TextChoices):
        DELETE_MESSAGE = "delete_message", "Deleted a message"
        DEACTIVATE_USER = "deactivate_user", "Deactivated a user"
        DISMISS_REPORT = "dismiss_report", "Dismissed a report"
        REMOVE_MEMBER = "remove_member", "Removed a member from a group"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
