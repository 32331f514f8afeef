"""Who is asking: console session cookie or device bearer token, CSRF check, and role checks."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.types import Scope

from appliance.errors import ApplianceError, RecordsError
from appliance.records.logins import lookup_session
from appliance.records.pairing import device_officer
from appliance.web.context import records, web
from appliance.web.http_errors import (
    AccessError,
    CSRFRejected,
    Forbidden,
    NotAuthenticated,
    SessionExpired,
)

SESSION_COOKIE = "codeblu_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ADMIN, INSTRUCTOR, TRAINING_OFFICER, OFFICER = "admin", "instructor", "training_officer", "officer"
DEMO = "demo"  # the browser of one demo call, by its pass (``web/demo.py``)
STAFF = (ADMIN, INSTRUCTOR, TRAINING_OFFICER)
_ROLE_NAMES = {
    ADMIN: "an admin",
    INSTRUCTOR: "an instructor",
    TRAINING_OFFICER: "a training officer",
    OFFICER: "a paired officer device",
    DEMO: "a demo call",
}


@dataclass(frozen=True)
class Principal:
    """The caller: a staff account (by cookie) or an officer's paired device (by bearer token)."""

    role: str
    via: str  # "cookie" | "bearer"
    user_id: int | None = None
    username: str = ""
    display_name: str = ""
    officer_id: str | None = None
    csrf_token: str = ""
    session_id: str | None = None  # a demo call's pass reaches this session only

    def may_see_officer(self, officer_id: str) -> bool:
        """Staff see every officer; a device sees only its own officer; a demo call none."""
        if self.role == DEMO:
            return False
        return self.role != OFFICER or self.officer_id == officer_id

    def describe(self) -> dict[str, Any]:
        """The caller as JSON (``/api/auth/me``)."""
        if self.role == OFFICER:
            return {"kind": "device", "role": OFFICER, "officer_id": self.officer_id}
        return {
            "kind": "user",
            "id": self.user_id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "csrf_token": self.csrf_token,
        }


async def authenticate(request: Request) -> Principal:
    """The caller behind the request's bearer token or session cookie, or 401 saying why not."""
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):  # already checked by ``admit_body`` for this request
        return known
    db = records(request)
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        demo_session = web(request).demo.session_of(credential.strip())
        if demo_session is not None:
            return Principal(role=DEMO, via="bearer", session_id=demo_session)
        officer_id, expired = await db.run(device_officer, credential.strip())
        if officer_id is None:
            if expired:
                raise SessionExpired(
                    "this device's pairing has expired: pair again with a new room code"
                )
            raise NotAuthenticated("device token not recognised: pair this device with a room code")
        return Principal(role=OFFICER, via="bearer", officer_id=officer_id)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticated("not logged in: log in on the console first")
    found = await db.run(lookup_session, cookie)
    if found.user is None:
        if found.expired:
            raise SessionExpired("your session has expired: log in again")
        raise NotAuthenticated(
            "session not recognised (logged out or account disabled): log in again"
        )
    u = found.user
    return Principal(
        role=u.role,
        via="cookie",
        user_id=u.id,
        username=u.username,
        display_name=u.display_name,
        csrf_token=found.csrf_token,
    )


async def admit_body(scope: Scope) -> ApplianceError | None:
    """Why a request's body must not be read (None: the caller is known; kept for the route)."""
    request = Request(scope)
    try:
        request.state.principal = await authenticate(request)
    except (AccessError, RecordsError) as exc:
        return exc
    return None


def check_csrf(request: Request, who: Principal) -> None:
    """A cookie-authenticated state-changing request must echo the session's CSRF token."""
    if request.method in SAFE_METHODS or who.via != "cookie":
        return  # bearer tokens are not sent by browsers on their own, so no CSRF risk
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent or not hmac.compare_digest(sent.encode(), who.csrf_token.encode()):
        raise CSRFRejected(
            f"missing or wrong CSRF token: send the {CSRF_HEADER} header with the token from"
            " /api/auth/login or /api/auth/me"
        )


def require(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that admits only the given roles (and checks CSRF on writes)."""

    async def dependency(request: Request) -> Principal:
        who = await authenticate(request)
        check_csrf(request, who)
        if who.role not in roles:
            allowed = " or ".join(_ROLE_NAMES[r] for r in roles)
            raise Forbidden(f"this needs {allowed}; you are {_ROLE_NAMES[who.role]}")
        return who

    return dependency


Admin = Annotated[Principal, Depends(require(ADMIN))]
Staff = Annotated[Principal, Depends(require(*STAFF))]
Instructing = Annotated[Principal, Depends(require(ADMIN, INSTRUCTOR))]
Recordkeeping = Annotated[Principal, Depends(require(ADMIN, TRAINING_OFFICER))]
# Session audio, recorded or live: instructors and training officers only.
Listening = Annotated[Principal, Depends(require(INSTRUCTOR, TRAINING_OFFICER))]
Anyone = Annotated[Principal, Depends(require(*STAFF, OFFICER))]
# A session's own routes (offer, end, transcript, review): also a demo call's browser.
Calling = Annotated[Principal, Depends(require(*STAFF, OFFICER, DEMO))]
