"""Deleting one's account: confirmed by a fresh code, anonymised rather than removed.

Messages stay in peers' histories with their seqs, so the row stays too; what identified the
person goes, and the phone is freed to register anew.
"""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User, VerificationCode
from accounts.services.codes import IssuedCode, verification_code_issue, verification_code_verify
from accounts.services.users import user_deactivate

DELETED_NAME = "Deleted account"
Purpose = VerificationCode.Purpose


def account_delete_code_request(*, user: User, ip: str | None) -> IssuedCode:
    """Text a deletion code to the caller's phone (the per-phone code rules apply)."""
    return verification_code_issue(
        phone=user.phone, purpose=Purpose.DELETE_ACCOUNT, user=user, ip=ip
    )


def account_delete(*, user: User, code: str) -> None:
    """Spend a deletion code, anonymise the account and cut it off (sessions, sockets)."""
    verification_code_verify(phone=user.phone, code=code, purposes=[Purpose.DELETE_ACCOUNT])
    with transaction.atomic():
        user.phone = None
        user.username = f"deleted_{secrets.token_hex(8)}"
        user.display_name = DELETED_NAME
        user.bio = ""
        user.avatar_url = ""
        user.deleted_at = timezone.now()
        user.set_unusable_password()
        user.save(
            update_fields=["phone", "username", "display_name", "bio", "avatar_url",
                           "deleted_at", "password"]
        )  # fmt: skip
        user_deactivate(user=user)
