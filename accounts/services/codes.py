"""One-time codes: issuing and checking them under the contract's rules.

Every rule is decided while holding a per-phone lock inside a transaction, so two server
processes asked at the same moment never both pass a rule that one alone would fail.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts import sms
from accounts.models import User, VerificationCode
from core.errors import CodeExpired, CodeThrottled, InvalidCode, TooManyAttempts
from core.locks import lock_key

Purpose = VerificationCode.Purpose


@dataclass(frozen=True)
class IssuedCode:
    phone: str
    expires_in: int
    resend_in: int


def _code_hash(*, phone: str, purpose: str, code: str) -> str:
    # A keyed hash: fast to check, useless to anyone who reads the table without the key.
    key = hashlib.sha256(f"tether-verification-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{phone}|{purpose}|{code}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _resend_wait(phone: str, now) -> float:
    """Seconds until ``phone`` may receive another code (0 when it may now)."""
    hour_ago = now - timedelta(hours=1)
    recent = list(
        VerificationCode.objects.filter(phone=phone, created_at__gt=hour_ago)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.TETHER_CODE_HOURLY_LIMIT]
    )
    waits = [0.0]
    if recent:
        resend_at = recent[0] + timedelta(seconds=settings.TETHER_CODE_RESEND_SECONDS)
        waits.append((resend_at - now).total_seconds())
    if len(recent) >= settings.TETHER_CODE_HOURLY_LIMIT:
        waits.append((recent[-1] + timedelta(hours=1) - now).total_seconds())
    return max(waits)


def verification_code_issue(
    *,
    phone: str,
    purpose: str,
    display_name: str = "",
    user: User | None = None,
    ip: str | None = None,
) -> IssuedCode:
    """Send a fresh code to ``phone`` for ``purpose``; the previous one of that purpose dies.

    Raises CodeThrottled (429) within 60 s of the last code to this phone, or after five
    codes in an hour, whatever their purposes.
    """
    with transaction.atomic():
        lock_key("verification-code", phone)
        now = timezone.now()
        wait = _resend_wait(phone, now)
        if wait > 0:
            raise CodeThrottled(wait=wait)
        VerificationCode.objects.filter(
            phone=phone, purpose=purpose, used_at__isnull=True, replaced_at__isnull=True
        ).update(replaced_at=now)
        code = _new_code()
        VerificationCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_code_hash(phone=phone, purpose=purpose, code=code),
            display_name=display_name,
            user=user,
            ip=ip,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.TETHER_CODE_TTL_SECONDS),
        )
        transaction.on_commit(lambda: sms.send_code(phone=phone, code=code, sent_at=now))
    return IssuedCode(
        phone=phone,
        expires_in=settings.TETHER_CODE_TTL_SECONDS,
        resend_in=settings.TETHER_CODE_RESEND_SECONDS,
    )


def verification_code_verify(*, phone: str, code: str, purposes: list[str]) -> VerificationCode:
    """Spend the live code of one of ``purposes`` for ``phone`` if ``code`` matches it.

    Wrong guesses are counted and committed before the error is raised; the fifth and every
    later try of that code answer TooManyAttempts, even with the right digits.
    """
    with transaction.atomic():
        lock_key("verification-code", phone)
        now = timezone.now()
        candidate = (
            VerificationCode.objects.select_for_update()
            .filter(phone=phone, purpose__in=purposes, replaced_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        outcome = _check(candidate, phone=phone, code=code, now=now)
    if outcome is not None:
        raise outcome
    return candidate


def _check(candidate: VerificationCode | None, *, phone: str, code: str, now):
    """Decide one attempt, writing its effect; the exception to raise, or None on success."""
    if candidate is None or candidate.used_at is not None:
        return InvalidCode()
    if candidate.attempts >= settings.TETHER_CODE_MAX_ATTEMPTS:
        return TooManyAttempts()
    if candidate.expires_at <= now:
        return CodeExpired()
    expected = _code_hash(phone=phone, purpose=candidate.purpose, code=code)
    if not constant_time_compare(expected, candidate.code_hash):
        candidate.attempts += 1
        candidate.save(update_fields=["attempts"])
        if candidate.attempts >= settings.TETHER_CODE_MAX_ATTEMPTS:
            return TooManyAttempts()
        return InvalidCode()
    candidate.used_at = now
    candidate.save(update_fields=["used_at"])
    return None
