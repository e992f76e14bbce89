"""The sign-up and sign-in flows: ask for a code, prove the phone, get tokens."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import AuthSession, User, VerificationCode
from accounts.services.codes import IssuedCode, verification_code_issue, verification_code_verify
from accounts.services.sessions import TokenPair, session_issue_tokens, session_start
from accounts.services.users import user_create
from core.errors import InvalidCode, NotFound, PhoneTaken

Purpose = VerificationCode.Purpose


@dataclass(frozen=True)
class SignIn:
    user: User
    session: AuthSession
    tokens: TokenPair
    created: bool


def auth_request_sign_up(*, phone: str, display_name: str, ip: str | None) -> IssuedCode:
    """Send a sign-up code; an already registered phone is 409 before any code rule."""
    if User.objects.filter(phone=phone).exists():
        raise PhoneTaken()
    return verification_code_issue(
        phone=phone, purpose=Purpose.SIGN_UP, display_name=display_name, ip=ip
    )


def auth_request_sign_in(*, phone: str, ip: str | None) -> IssuedCode:
    """Send a sign-in code to the phone of an existing, active account."""
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        raise NotFound("No account with this phone number.")
    return verification_code_issue(phone=phone, purpose=Purpose.SIGN_IN, user=user, ip=ip)


def auth_verify(*, phone: str, code: str, user_agent: str, ip: str | None) -> SignIn:
    """Spend a sign-up or sign-in code and start a session, creating the user on sign-up."""
    spent = verification_code_verify(
        phone=phone, code=code, purposes=[Purpose.SIGN_UP, Purpose.SIGN_IN]
    )
    with transaction.atomic():
        if spent.purpose == Purpose.SIGN_UP:
            user, created = user_create(phone=phone, display_name=spent.display_name), True
        else:
            user = User.objects.filter(phone=phone, is_active=True).first()
            created = False
            if user is None:
                raise InvalidCode()
        session = session_start(user=user, user_agent=user_agent, ip=ip)
    return SignIn(
        user=user, session=session, tokens=session_issue_tokens(session=session), created=created
    )
