"""Reporting and moderating. Every moderation action goes through the owning service (so
clients are told and sessions end) and is recorded here with who, what, when and why."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services.users import user_deactivate
from chats.models import ChatMember
from core.errors import NotFound, PermissionDenied, ValidationFailed
from messaging.models import Message
from messaging.selectors import message_for_member
from messaging.services import message_delete
from messaging.services.groups import group_remove_member
from moderation.models import ModerationAction, Report


def _report(*, reporter, target_user, target_message, reason: str, text: str):
    existing = Report.objects.filter(
        reporter=reporter,
        target_user=target_user,
        target_message=target_message,
        status=Report.Status.OPEN,
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                target_user=target_user,
                target_message=target_message,
                reason=reason,
                text=text,
            )
            return report, True
    except IntegrityError:  # the same report at the same moment
        return _report(reporter=reporter, target_user=target_user,
                       target_message=target_message, reason=reason, text=text)  # fmt: skip


def report_message(*, reporter: User, message_id, reason: str, text: str = "") -> tuple:
    """Report a message in one of the reporter's chats: ``(report, created)``."""
    message = message_for_member(viewer=reporter, message_id=message_id)
    if message is None:
        raise NotFound("No such message.")
    if message.kind == Message.Kind.SYSTEM:
        raise ValidationFailed.on("message_id", "System messages cannot be reported.")
    return _report(reporter=reporter, target_user=message.sender, target_message=message,
                   reason=reason, text=text)  # fmt: skip


def report_user(*, reporter: User, user_id, reason: str, text: str = "") -> tuple:
    """Report any user: ``(report, created)``."""
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise NotFound("No such user.")
    return _report(reporter=reporter, target_user=target, target_message=None,
                   reason=reason, text=text)  # fmt: skip


def _resolve(reports, *, moderator: User, status: str) -> None:
    reports.filter(status=Report.Status.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=moderator
    )


def moderation_delete_message(
    *, moderator: User, message: Message, reason: str, report: Report | None = None
) -> None:
    """Delete a message for everyone (members are told) and close its open reports."""
    with transaction.atomic():
        message_delete(actor=moderator, message_id=message.pk, as_moderator=True)
        ModerationAction.objects.create(
            moderator=moderator,
            kind=ModerationAction.Kind.DELETE_MESSAGE,
            target_user_id=message.sender_id,
            target_message=message,
            report=report,
            reason=reason,
        )
        _resolve(message.reports.all(), moderator=moderator, status=Report.Status.ACTIONED)


def moderation_deactivate_user(
    *, moderator: User, user: User, reason: str, report: Report | None = None
) -> None:
    """Cut a user off (tokens, sessions and sockets end on every process).

    Staff accounts are cut off by superusers only: a moderator cannot lock out the people
    who oversee moderation.
    """
    if (user.is_staff or user.is_superuser) and not moderator.is_superuser:
        raise PermissionDenied("Only a superuser can deactivate a staff account.")
    with transaction.atomic():
        user_deactivate(user=user)
        ModerationAction.objects.create(
            moderator=moderator,
            kind=ModerationAction.Kind.DEACTIVATE_USER,
            target_user=user,
            report=report,
            reason=reason,
        )
        _resolve(user.reports_received.all(), moderator=moderator, status=Report.Status.ACTIONED)


def moderation_dismiss(*, moderator: User, report: Report, reason: str) -> None:
    with transaction.atomic():
        ModerationAction.objects.create(
            moderator=moderator,
            kind=ModerationAction.Kind.DISMISS_REPORT,
            target_user_id=report.target_user_id,
            target_message_id=report.target_message_id,
            report=report,
            reason=reason,
        )
        _resolve(Report.objects.filter(pk=report.pk), moderator=moderator,
                 status=Report.Status.DISMISSED)  # fmt: skip


def moderation_remove_member(*, moderator: User, membership: ChatMember, reason: str) -> None:
    """Take someone out of a group (not its owner): the members are told, as for any
    removal, and the action is recorded."""
    with transaction.atomic():
        group_remove_member(
            actor=moderator,
            chat_id=membership.chat_id,
            user_id=membership.user_id,
            as_moderator=True,
        )
        ModerationAction.objects.create(
            moderator=moderator,
            kind=ModerationAction.Kind.REMOVE_MEMBER,
            target_user_id=membership.user_id,
            reason=reason,
        )
