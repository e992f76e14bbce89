"""POST ``/api/messages`` without leaving the event loop, when the request allows it.

A plain text send from a client with a bearer token and a JSON body is answered here: the
token is checked in memory (its session in the send's own statement), the message stored in
one round trip (``messaging.send_statement``) and published from the loop. Anything else,
and any send that the statement did not store, goes to the DRF view, which answers it as
the contract says (errors, repeats, replies, forwards, attachments, the web's session);
tests compare the two answers.
"""

import functools
import json

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken

from accounts.services.sessions import SESSION_CLAIM
from core import async_db
from core.errors import DomainError
from messaging.inputs import plain_send
from messaging.services.sending import amessage_send_plain


def with_fast_send(drf_view):
    """``drf_view`` (``MessageSendView.as_view()``) as an async view that answers plain
    sends itself and hands everything else to it, in a worker thread."""
    run_drf = sync_to_async(drf_view)

    @functools.wraps(drf_view)
    async def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and async_db.available():
            response = await fast_send_response(request)
            if response is not None:
                return response
        return await run_drf(request, *args, **kwargs)

    return view


def _bearer_claims(request: HttpRequest) -> tuple[str, str] | None:
    """``(user_id, session_id)`` of a valid access token in ``Authorization``, else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme not in jwt_settings.AUTH_HEADER_TYPES or not raw or " " in raw:
        return None
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    user_id, session_id = token.get(jwt_settings.USER_ID_CLAIM), token.get(SESSION_CLAIM)
    if not isinstance(user_id, str) or not isinstance(session_id, str):
        return None
    return user_id, session_id


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def _json_body(request: HttpRequest):
    """The body as DRF's strict parser reads it, or None for anything it might not."""
    if request.content_type != "application/json" or request.content_params.get(
        "charset", "utf-8"
    ).lower() not in {"utf-8", "utf8"}:
        return None
    try:
        return json.loads(request.body.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, RecursionError, RequestDataTooBig):
        return None  # RequestDataTooBig: DRF answers 413


def _wants_json(request: HttpRequest) -> bool:
    """DRF would render JSON: no format override and no HTML asked for (the browsable API)."""
    return "format" not in request.GET and "text/html" not in request.headers.get("Accept", "")


async def fast_send_response(request: HttpRequest) -> HttpResponse | None:
    """201 and the message for a plain send stored in one round trip; None for the DRF
    view to answer."""
    if not _wants_json(request):
        return None
    claims = _bearer_claims(request)
    if claims is None:
        return None
    data = _json_body(request)
    plain = plain_send(data)
    if plain is None:
        return None
    chat_id, content, client_id = plain
    user_id, session_id = claims
    try:
        result = await amessage_send_plain(
            sender_id=user_id,
            session_id=session_id,
            chat_id=chat_id,
            content=content,
            client_id=client_id,
        )
    except DomainError:
        return None  # an ended session, the send limit, an outage: the DRF view words it
    if result is None:
        return None
    body = json.dumps(
        {"success": True, "data": result.data}, ensure_ascii=False, separators=(",", ":")
    )
    response = HttpResponse(body, status=201, content_type="application/json; charset=utf-8")
    response["Allow"] = "POST, OPTIONS"
    response["Vary"] = "Accept"
    return response
