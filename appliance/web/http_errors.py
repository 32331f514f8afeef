"""Errors as HTTP answers: the access errors of the console and device API, and the one table
that gives every ``ApplianceError`` its HTTP status (used by the app's single error handler)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from appliance.errors import (
    ApplianceError,
    RecordConflict,
    RecordInvalid,
    RecordNotFound,
    RecordsError,
    ScenarioError,
    SessionConflict,
    SessionError,
    SessionNotFound,
    SessionsFull,
    SignallingError,
    StageUnavailable,
    StorageFull,
)
from appliance.records.pairing import PairingCodeExpired, PairingCodeUsed, PairingRefused
from appliance.web.routes.methodology import DocumentMissing

log = logging.getLogger(__name__)


class AccessError(ApplianceError):
    """A request refused for who sent it or how; ``headers`` go with the answer."""

    code = "access_denied"
    headers: dict[str, str] = {}


class NotAuthenticated(AccessError):
    """No valid session cookie or device token."""

    code = "not_authenticated"


class SessionExpired(NotAuthenticated):
    """The session cookie or device token is past its expiry."""

    code = "session_expired"


class LoginFailed(NotAuthenticated):
    """Wrong username or password."""

    code = "login_failed"


class Forbidden(AccessError):
    """Authenticated, but the role does not allow this."""

    code = "forbidden"


class CSRFRejected(AccessError):
    """A state-changing request without the session's CSRF token."""

    code = "csrf_rejected"


class TooManyAttempts(AccessError):
    """Too many failed attempts; ``Retry-After`` says when to try again."""

    code = "too_many_attempts"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(max(1, retry_after_s))}


class RequestInvalid(ApplianceError):
    """A request whose body, query or path fails its schema; ``errors`` say where and why."""

    code = "request_invalid"

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.errors = errors


class PayloadTooLarge(ApplianceError):
    """A request body over its route's size limit."""

    code = "payload_too_large"


class InternalError(ApplianceError):
    """A failure nobody expected; the log has the traceback, the answer never does."""

    code = "internal_error"


# The HTTP status of each error class; a subclass not listed answers as its nearest listed base.
STATUS: dict[type[ApplianceError], int] = {
    # who is asking
    AccessError: 403,
    NotAuthenticated: 401,
    TooManyAttempts: 429,
    # what was sent
    RequestInvalid: 422,
    PayloadTooLarge: 413,
    # the records store
    RecordsError: 500,
    RecordInvalid: 400,
    RecordNotFound: 404,
    RecordConflict: 409,
    StorageFull: 507,
    PairingRefused: 401,
    PairingCodeUsed: 409,
    PairingCodeExpired: 410,
    # live sessions and signalling
    SessionError: 400,
    SessionNotFound: 404,
    SessionsFull: 503,
    StageUnavailable: 503,
    SessionConflict: 409,
    SignallingError: 400,
    # scenario cards, injects and nudges
    ScenarioError: 422,
    # pages served from the installation's documents
    DocumentMissing: 404,
}
# Where one class's codes answer differently: (class, code) → status, checked before ``STATUS``.
STATUS_BY_CODE: dict[tuple[type[ApplianceError], str], int] = {
    (ScenarioError, "scenario_unknown"): 404,
}
DEFAULT_STATUS = 500  # any other ApplianceError: a failure of the appliance, not of the request
MAX_DETAIL_CHARS = 1000  # an answer names what was wrong; it never carries a large input back
MAX_ERRORS, MAX_MSG_CHARS = 10, 160
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")  # a field name may be the caller's


def http_status(exc: ApplianceError) -> int:
    """The HTTP status an API answers ``exc`` with."""
    for cls in type(exc).__mro__:
        if (cls, exc.code) in STATUS_BY_CODE:
            return STATUS_BY_CODE[(cls, exc.code)]
        if cls in STATUS:
            return STATUS[cls]
    return DEFAULT_STATUS


def printable(text: str, limit: int = MAX_DETAIL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with anything UTF-8 cannot carry escaped."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def error_response(exc: ApplianceError) -> JSONResponse:
    """The JSON answer for ``exc``: ``{"detail": message, "code": code}`` with its status."""
    headers = exc.headers if isinstance(exc, AccessError) else None
    body: dict[str, Any] = {"detail": printable(exc.message), "code": exc.code}
    if isinstance(exc, RequestInvalid):
        body["errors"] = exc.errors
    return JSONResponse(body, status_code=http_status(exc), headers=headers)


def _location(part: object) -> str:
    """One step of an error's location: an index or a field-like name, never arbitrary input."""
    text = str(part)
    return text if isinstance(part, int) or _FIELD_NAME.fullmatch(text) else "(unknown field)"


def request_invalid(errors: Sequence[Any]) -> RequestInvalid:
    """FastAPI's validation errors as one ``RequestInvalid``: where and why, never the input."""
    kept = []
    for error in list(errors)[:MAX_ERRORS]:
        where = ".".join(_location(part) for part in error.get("loc", ()))
        kept.append(
            {
                "loc": where,
                "msg": printable(str(error.get("msg", "invalid")), MAX_MSG_CHARS),
                "type": printable(str(error.get("type", "")), MAX_MSG_CHARS),
            }
        )
    more = f" (and {len(errors) - len(kept)} more)" if len(errors) > len(kept) else ""
    summary = "; ".join(f"{e['loc']}: {e['msg']}" for e in kept) or "request invalid"
    return RequestInvalid(summary + more, kept)


async def _answer(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApplianceError)
    response = error_response(exc)
    if response.status_code in (500, 507):  # the appliance failed (503 is a full house)
        log.error("%s on %s %s: %s", exc.code, request.method, request.url.path, exc.message)
    return response


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(request_invalid(exc.errors()))


class CatchAll:
    """ASGI middleware: an unexpected exception is logged and answered 500 ``internal_error``.

    It sits inside the security headers, so even this answer carries them; Starlette's own
    handler (outside every middleware) would answer bare text.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; answer 500 for an exception raised before the response started."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            failed = InternalError("internal error: the appliance logged the cause")
            await error_response(failed)(scope, receive, send)


def install_error_handler(app: FastAPI) -> None:
    """Answer every ``ApplianceError`` through ``error_response``; validation errors too."""
    app.add_exception_handler(ApplianceError, _answer)
    app.add_exception_handler(RequestValidationError, _invalid)
