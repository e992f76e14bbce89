"""Sign-ins as sessions: each is one refresh-token family whose id every token carries.

Ending a session (logout, revoke, deactivation) stops its access tokens at once, because
authentication looks the session up on every request (the same query that loads the user).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from user_agents import parse as parse_user_agent

from accounts.models import AuthSession, User
from accounts.signals import sessions_revoked
from core.errors import InvalidToken

SESSION_CLAIM = "sid"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def _describe_device(user_agent: str) -> str:
    if not user_agent:
        return "Unknown device"
    agent = parse_user_agent(user_agent)
    if agent.browser.family == "Other" and agent.os.family == "Other":
        return user_agent[:200]
    return f"{agent.browser.family} on {agent.os.family}"[:200]


def _mint(session: AuthSession) -> TokenPair:
    refresh = RefreshToken.for_user(session.user)
    refresh[SESSION_CLAIM] = str(session.id)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def session_start(*, user: User, user_agent: str = "", ip: str | None = None) -> AuthSession:
    """Record a new sign-in for ``user``."""
    return AuthSession.objects.create(
        user=user,
        user_agent=user_agent[:500],
        device=_describe_device(user_agent),
        ip=ip,
    )


def session_issue_tokens(*, session: AuthSession) -> TokenPair:
    return _mint(session)


def _parse_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)
    except TokenError as exc:
        raise InvalidToken() from exc


def _locked_live_session(token: RefreshToken) -> AuthSession:
    try:
        session = (
            AuthSession.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=token.get(SESSION_CLAIM), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        session = None
    if session is None:
        raise InvalidToken()
    # Checked again under the session's lock: two refreshes of one token at the same moment
    # both pass the check in RefreshToken(), but only the first gets here unblacklisted.
    try:
        token.check_blacklist()
    except TokenError as exc:
        raise InvalidToken() from exc
    return session


def session_refresh(*, raw_refresh: str) -> TokenPair:
    """Rotate a refresh token: the old one is blacklisted, the session goes on."""
    token = _parse_refresh(raw_refresh)
    with transaction.atomic():
        session = _locked_live_session(token)
        token.blacklist()
        session.last_used_at = timezone.now()
        session.save(update_fields=["last_used_at"])
        return _mint(session)


def session_end(*, raw_refresh: str) -> AuthSession:
    """Log out: the session of ``raw_refresh`` ends, its tokens stop working at once."""
    token = _parse_refresh(raw_refresh)
    with transaction.atomic():
        session = _locked_live_session(token)
        token.blacklist()
        session.revoked_at = timezone.now()
        session.save(update_fields=["revoked_at"])
        _announce(session.user_id, [session.id])
    return session


def session_revoke(*, session: AuthSession) -> None:
    """End one sign-in (web logout, "revoke" in the session list)."""
    with transaction.atomic():
        ended = AuthSession.objects.filter(pk=session.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if ended:
            _announce(session.user_id, [session.id])


def session_revoke_all(
    *, user: User, keep: AuthSession | None = None, announce: bool = True
) -> int:
    """End every live session of ``user`` but ``keep``; the number ended.

    ``announce=False`` when the caller closes all of the user's sockets itself.
    """
    with transaction.atomic():
        live = AuthSession.objects.filter(user=user, revoked_at__isnull=True)
        if keep is not None:
            live = live.exclude(pk=keep.pk)
        ids = list(live.values_list("id", flat=True))
        AuthSession.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
        if announce:
            _announce(user.pk, ids)
    return len(ids)


def _announce(user_id, session_ids) -> None:
    """Tell the rest of Tether (the sockets) after commit, through a signal."""
    if not session_ids:
        return
    transaction.on_commit(
        lambda: sessions_revoked.send(sender=AuthSession, user_id=user_id, session_ids=session_ids)
    )


# "Last used" is kept to the minute: one small UPDATE a minute per active sign-in at most.
_TOUCH_INTERVAL = timedelta(minutes=1)


def session_touch(*, session: AuthSession) -> None:
    now = timezone.now()
    if now - session.last_used_at >= _TOUCH_INTERVAL:
        AuthSession.objects.filter(pk=session.pk).update(last_used_at=now)
        session.last_used_at = now


def session_get_live(session_id) -> AuthSession | None:
    """The live session ``session_id`` with its active user, in one query; None otherwise."""
    try:
        return (
            AuthSession.objects.select_related("user")
            .filter(pk=session_id, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None
