"""Attachments: uploading, sending them with a message, who may fetch them, and the cleanup.

An upload is unsent (``Attachment.message`` null) until a send claims it, atomically: of two
sends racing for one upload, one wins. A forward shares the original's attachments (another
``MessageAttachment``); deleting a message unlinks its attachments, and ``attachments_cleanup``
removes the bytes once nothing links to them, and unsent uploads after a day.
"""

import logging
import math
import uuid
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.errors import NotFound, Throttled, TooLarge, ValidationFailed
from core.locks import lock_key
from messaging.media import prepare
from messaging.models import (
    Attachment,
    Message,
    MessageAttachment,
    attachment_path,
    attachments_storage,
)

logger = logging.getLogger("tether.attachments")

MAX_PER_MESSAGE = 10


def _unsent_wait(uploader) -> int | None:
    """Seconds until ``uploader`` may upload again, or None while under the unsent cap."""
    unsent = Attachment.objects.filter(uploader=uploader, message__isnull=True)
    if unsent.count() < settings.TETHER_UNSENT_UPLOADS_MAX:
        return None
    oldest = unsent.order_by("created_at").values_list("created_at", flat=True).first()
    expires = oldest + timedelta(hours=settings.TETHER_UNSENT_UPLOAD_HOURS)
    return max(1, math.ceil((expires - timezone.now()).total_seconds()))


def attachment_upload(
    *, uploader, source: IO[bytes] | None, name: str | None, size: int
) -> Attachment:
    """Store an upload of ``uploader`` (a seekable file of ``size`` bytes), unsent.

    Empty: 400; over TETHER_MAX_UPLOAD_MB: 413; at the unsent cap: 429. Images are stored
    re-encoded without metadata, with a thumbnail (messaging.media).
    """
    if source is None or size <= 0:
        raise ValidationFailed.on("file", "Send a file: the part named `file` is missing or empty.")
    if size > settings.TETHER_MAX_UPLOAD_BYTES:
        raise TooLarge(f"Files are at most {settings.TETHER_MAX_UPLOAD_BYTES // 2**20} MiB.")
    if (wait := _unsent_wait(uploader)) is not None:
        raise Throttled(wait, "Too many uploads not yet sent: send or wait for them to expire.")
    upload = prepare(source, name, size)
    attachment = Attachment(
        id=uuid.uuid4(),
        uploader=uploader,
        kind=upload.kind,
        name=upload.name,
        size=upload.size,
        content_type=upload.content_type,
        width=upload.width,
        height=upload.height,
    )
    # The bytes go first, outside any transaction; a refusal below takes them away again.
    storage = attachments_storage()
    attachment.file = storage.save(attachment_path(attachment.id), File(upload.body))
    try:
        if upload.thumbnail is not None:
            extension = "webp" if upload.thumbnail_type == "image/webp" else "jpg"
            attachment.thumbnail = storage.save(
                attachment_path(attachment.id, f"thumbnail.{extension}"),
                ContentFile(upload.thumbnail),
            )
        with transaction.atomic():
            lock_key("uploads", str(uploader.pk))  # the cap holds for uploads at once too
            if (wait := _unsent_wait(uploader)) is not None:
                raise Throttled(wait, "Too many uploads not yet sent.")
            attachment.save(force_insert=True)
    except BaseException:
        _remove_bytes([attachment.file, attachment.thumbnail])
        raise
    return attachment


def attachments_to_send(*, sender, ids: list) -> list[Attachment]:
    """The uploads a send names, checked before its transaction: each the sender's and not
    yet sent (400 on ``attachment_ids``); one the sender may not see at all is 404."""
    if len({str(i) for i in ids}) != len(ids) or not 1 <= len(ids) <= MAX_PER_MESSAGE:
        raise ValidationFailed.on("attachment_ids", "1 to 10 distinct attachments.")
    found = {str(a.pk): a for a in attachments_visible(viewer=sender).filter(pk__in=ids)}
    for attachment_id in map(str, ids):
        attachment = found.get(attachment_id)
        if attachment is None:
            raise NotFound("No such attachment.")
        if attachment.uploader_id != sender.pk or attachment.message_id is not None:
            raise ValidationFailed.on(
                "attachment_ids", "Only your own uploads not yet sent; forward the others."
            )
    return [found[str(i)] for i in ids]


def attachments_claim(*, message: Message, attachments: list[Attachment]) -> None:
    """Bind the uploads to ``message`` (inside its transaction). Another send that claimed
    one first wins: this one is refused and rolls back."""
    ids = [a.pk for a in attachments]
    claimed = Attachment.objects.filter(
        pk__in=ids, uploader_id=message.sender_id, message__isnull=True
    ).update(message=message)
    if claimed != len(ids):
        raise ValidationFailed.on("attachment_ids", "An attachment was sent meanwhile.")
    _link(message, ids)


def attachments_share(*, message: Message, original: Message) -> list[Attachment]:
    """A forward shows the original's attachments (inside its transaction; the rows are
    locked so that a cleanup cannot take them meanwhile)."""
    ids = list(
        MessageAttachment.objects.filter(message=original).values_list("attachment_id", flat=True)
    )
    if not ids:
        return []
    present = list(
        Attachment.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(present) != len(ids):
        raise ValidationFailed.on("forward_of_id", "This message's attachments are gone.")
    _link(message, ids)
    by_id = Attachment.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def _link(message: Message, ids: list) -> None:
    MessageAttachment.objects.bulk_create(
        MessageAttachment(message=message, attachment_id=attachment_id, position=n)
        for n, attachment_id in enumerate(ids)
    )


def attachments_visible(*, viewer):
    """Attachments ``viewer`` may fetch: their own uploads, and any in a message of one of
    their chats (the original or a forward)."""
    in_my_chats = MessageAttachment.objects.filter(
        attachment=OuterRef("pk"), message__chat__memberships__user=viewer
    )
    return Attachment.objects.filter(Q(uploader=viewer) | Exists(in_my_chats))


def attachment_for_viewer(*, viewer, attachment_id) -> Attachment:
    """The attachment if ``viewer`` may fetch it, else NotFound."""
    attachment = attachments_visible(viewer=viewer).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("No such attachment.")
    return attachment


def attachments_exist(message: Message) -> bool:
    return MessageAttachment.objects.filter(message=message).exists()


def attachments_unlink(message: Message) -> None:
    """A deleted message shows no attachments (their bytes go with the next cleanup, unless
    a forward still shows them)."""
    MessageAttachment.objects.filter(message=message).delete()


def attachments_cleanup(*, now=None, batch: int = 200) -> tuple[int, int]:
    """Remove unsent uploads older than TETHER_UNSENT_UPLOAD_HOURS and sent attachments that
    no message shows any more: ``(unsent removed, unlinked removed)``.

    Safe on several hosts at once: each takes rows the others have not locked (SKIP LOCKED)
    and removes the bytes only after the rows are gone.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.TETHER_UNSENT_UPLOAD_HOURS)
    unsent = Q(message__isnull=True, created_at__lt=cutoff)
    unlinked = Q(message__isnull=False) & ~Exists(
        MessageAttachment.objects.filter(attachment=OuterRef("pk"))
    )
    return _remove_where(unsent, batch), _remove_where(unlinked, batch)


def _remove_where(condition: Q, batch: int) -> int:
    removed = 0
    while True:
        with transaction.atomic():
            rows = list(
                Attachment.objects.select_for_update(skip_locked=True)
                .filter(condition)
                .order_by("created_at")[:batch]
            )
            if not rows:
                return removed
            # Checked again under the lock: a send or forward may have taken one meanwhile.
            gone = Attachment.objects.filter(condition, pk__in=[a.pk for a in rows])
            names = list(gone.values_list("file", "thumbnail"))
            gone.delete()
        _remove_bytes([name for pair in names for name in pair])
        removed += len(names)


def _remove_bytes(names: list[str]) -> None:
    storage = attachments_storage()
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:  # the row is gone already; stray bytes are only wasted space
            logger.warning("Could not remove stored bytes %s", name)
