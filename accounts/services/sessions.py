"""Sign-ins as sessions: each is one refresh-token family whose id every token carries.

Ending a session (logout, revoke, deactivation, a stolen refresh token coming back) stops
its access tokens at once, because authentication looks the session up on every request
(the same query that loads the user). No session outlives TETHER_SESSION_MAX_DAYS from its
sign-in, however often it is refreshed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
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


def session_expires_at(session: AuthSession) -> datetime:
    """When the session ends by age, whatever happens to it before."""
    return session.created_at + timedelta(days=settings.TETHER_SESSION_MAX_DAYS)


def _mint(session: AuthSession) -> TokenPair:
    """A token pair for ``session`` that lives no longer than the session may."""
    now = timezone.now()
    left = session_expires_at(session) - now
    refresh = RefreshToken.for_user(session.user)
    refresh[SESSION_CLAIM] = str(session.id)
    refresh.set_exp(
        from_time=now, lifetime=min(settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"], left)
    )
    access = refresh.access_token
    access.set_exp(from_time=now, lifetime=min(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"], left))
    return TokenPair(access=str(access), refresh=str(refresh))


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


def _rotated_session_id(raw: str) -> str | None:
    """The session of ``raw`` if it is a genuine refresh token that was already rotated
    (blacklisted), else None."""
    try:
        payload = token_backend.decode(raw, verify=True)
    except (TokenBackendError, TokenError):
        return None
    if payload.get("token_type") != "refresh" or not payload.get("jti"):
        return None
    if not BlacklistedToken.objects.filter(token__jti=payload["jti"]).exists():
        return None
    return payload.get(SESSION_CLAIM)


def _parse_refresh(raw: str) -> RefreshToken:
    """The refresh token ``raw``; a rotated one coming back ends its whole session first:
    either its owner or a thief holds a stale copy, and the session can no longer be trusted."""
    try:
        return RefreshToken(raw)
    except TokenError as exc:
        stolen_from = _rotated_session_id(raw)
        if stolen_from is not None:
            _revoke_ids(AuthSession.objects.filter(pk=stolen_from))
        raise InvalidToken() from exc


def _live(sessions):
    """Sessions that have not ended, of active users, younger than the maximum age."""
    oldest = timezone.now() - timedelta(days=settings.TETHER_SESSION_MAX_DAYS)
    return sessions.filter(revoked_at__isnull=True, user__is_active=True, created_at__gt=oldest)


def _locked_live_session(token: RefreshToken) -> AuthSession:
    try:
        session = (
            _live(AuthSession.objects.select_for_update(of=("self",)).select_related("user"))
            .filter(pk=token.get(SESSION_CLAIM))
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        session = None
    if session is None:
        raise InvalidToken()
    return session


def _rotated_meanwhile(token: RefreshToken) -> bool:
    """Checked again under the session's lock: of two uses of one token at the same moment,
    both pass the check in RefreshToken(), but only the first finds it unrotated here."""
    try:
        token.check_blacklist()
    except TokenError:
        return True
    return False


def session_refresh(*, raw_refresh: str) -> TokenPair:
    """Rotate a refresh token: the old one is blacklisted, the session goes on.

    A token that was already rotated ends its session instead (reuse detection).
    """
    token = _parse_refresh(raw_refresh)
    with transaction.atomic():
        session = _locked_live_session(token)
        reused = _rotated_meanwhile(token)
        if reused:
            _end(session)
        else:
            token.blacklist()
            session.last_used_at = timezone.now()
            session.save(update_fields=["last_used_at"])
            pair = _mint(session)
    if reused:
        raise InvalidToken()
    return pair


def session_end(*, raw_refresh: str) -> AuthSession:
    """Log out: the session of ``raw_refresh`` ends, its tokens stop working at once."""
    token = _parse_refresh(raw_refresh)
    with transaction.atomic():
        session = _locked_live_session(token)
        reused = _rotated_meanwhile(token)
        if not reused:
            token.blacklist()
        _end(session)
    if reused:
        raise InvalidToken()
    return session


def _end(session: AuthSession) -> None:
    session.revoked_at = timezone.now()
    session.save(update_fields=["revoked_at"])
    _announce(session.user_id, [session.id])


def _revoke_ids(sessions) -> list:
    """End the live ones of ``sessions`` (a queryset of one user's); their ids."""
    with transaction.atomic():
        rows = list(sessions.filter(revoked_at__isnull=True).values_list("id", "user_id"))
        AuthSession.objects.filter(pk__in=[sid for sid, _ in rows]).update(
            revoked_at=timezone.now()
        )
        for session_id, user_id in rows:
            _announce(user_id, [session_id])
    return [sid for sid, _ in rows]


def session_revoke(*, session: AuthSession) -> None:
    """End one sign-in (web logout, "revoke" in the session list)."""
    _revoke_ids(AuthSession.objects.filter(pk=session.pk))


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
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


def session_touch(*, session: AuthSession) -> None:
    now = timezone.now()
    if now - session.last_used_at >= SESSION_TOUCH_INTERVAL:
        AuthSession.objects.filter(pk=session.pk).update(last_used_at=now)
        session.last_used_at = now


def session_get_live(session_id) -> AuthSession | None:
    """The live session ``session_id`` with its active user, in one query; None otherwise."""
    try:
        return _live(AuthSession.objects.select_related("user")).filter(pk=session_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def session_is_live(session_id) -> bool:
    """Whether ``session_id`` may still act (a socket asks before each frame)."""
    try:
        return _live(AuthSession.objects.filter(pk=session_id)).exists()
    except (ValueError, TypeError, ValidationError):
        return False
