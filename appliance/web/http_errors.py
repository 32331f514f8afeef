"""Errors as HTTP answers: the access errors of the console and device API, and the one table
that gives every ``ApplianceError`` its HTTP status (used by the app's single error handler)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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


# The HTTP status of each error class; a subclass not listed answers as its nearest listed base.
STATUS: dict[type[ApplianceError], int] = {
    # who is asking
    AccessError: 403,
    NotAuthenticated: 401,
    TooManyAttempts: 429,
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
}
# Where one class's codes answer differently: (class, code) → status, checked before ``STATUS``.
STATUS_BY_CODE: dict[tuple[type[ApplianceError], str], int] = {
    (ScenarioError, "scenario_unknown"): 404,
}
DEFAULT_STATUS = 500  # any other ApplianceError: a failure of the appliance, not of the request


def http_status(exc: ApplianceError) -> int:
    """The HTTP status an API answers ``exc`` with."""
    for cls in type(exc).__mro__:
        if (cls, exc.code) in STATUS_BY_CODE:
            return STATUS_BY_CODE[(cls, exc.code)]
        if cls in STATUS:
            return STATUS[cls]
    return DEFAULT_STATUS


def error_response(exc: ApplianceError) -> JSONResponse:
    """The JSON answer for ``exc``: ``{"detail": message, "code": code}`` with its status."""
    headers = exc.headers if isinstance(exc, AccessError) else None
    return JSONResponse(
        {"detail": exc.message, "code": exc.code}, status_code=http_status(exc), headers=headers
    )


async def _answer(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApplianceError)
    response = error_response(exc)
    if response.status_code in (500, 507):  # the appliance failed (503 is a full house)
        log.error("%s on %s %s: %s", exc.code, request.method, request.url.path, exc.message)
    return response


def install_error_handler(app: FastAPI) -> None:
    """Answer every ``ApplianceError`` a route raises through ``error_response``."""
    app.add_exception_handler(ApplianceError, _answer)
