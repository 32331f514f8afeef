"""Signalling and session API: create a session, exchange SDP, end it, read its transcript."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import Field

from appliance.errors import RecordInvalid
from appliance.records.officers import get_officer
from appliance.sessions.live import LiveSession
from appliance.sessions.manager import SessionManager
from appliance.web.auth import (
    ADMIN,
    DEMO,
    INSTRUCTOR,
    OFFICER,
    Anyone,
    Calling,
    Instructing,
    Principal,
)
from appliance.web.bodies import Body
from appliance.web.context import records
from appliance.web.http_errors import Forbidden


class Officer(Body):
    """Who is training: a registered officer's id (the name is taken from the records)."""

    id: str = Field(min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=120)


class NewSession(Body):
    """Body of ``POST /api/sessions``; a paired device's officer comes from its token instead."""

    officer: Officer | None = None
    scenario_id: str = Field(min_length=1, max_length=64)


class Offer(Body):
    """Body of ``POST /api/sessions/{id}/offer``."""

    sdp: str = Field(min_length=1, max_length=100_000)
    type: Literal["offer"]


class Inject(Body):
    """Body of ``POST /api/sessions/{id}/inject``."""

    name: str = Field(min_length=1, max_length=64)


class Nudge(Body):
    """Body of ``POST /api/sessions/{id}/nudge``."""

    delta: float
    reason: str = Field("instructor", max_length=200)


router = APIRouter(prefix="/api")


def sessions_of(request: Request) -> SessionManager:
    """The appliance's session manager."""
    manager: SessionManager = request.app.state.sessions
    return manager


async def _own(request: Request, who: Principal, session_id: str) -> None:
    """A paired device reaches only its own officer's sessions, a demo call only itself."""
    if who.role == DEMO and who.session_id != session_id:
        raise Forbidden("a demo call reaches only its own session")
    if who.role == OFFICER:
        officer = (await sessions_of(request).stored_transcript(session_id))["officer"]
        if not who.may_see_officer(str(officer.get("id", ""))):
            raise Forbidden("a paired device reaches only its own officer's sessions")


async def _officer(request: Request, who: Principal, body: NewSession) -> dict[str, str]:
    """The training officer, as registered: a device's from its token; staff name one by id."""
    if who.officer_id is not None:
        officer_id = who.officer_id
    elif body.officer is not None:
        officer_id = body.officer.id  # an unregistered id is 404, like any other unknown officer
    else:
        raise RecordInvalid("officer: staff starting a session must name the officer (id)")
    found = await records(request).run(get_officer, officer_id)
    return {"id": str(found["id"]), "name": str(found["name"])}


@router.post("/sessions", status_code=201)
async def create_session(body: NewSession, who: Anyone, request: Request) -> dict[str, Any]:
    """Create a session for an officer and scenario; the client then posts its offer."""
    officer = await _officer(request, who, body)
    return created(await sessions_of(request).create(officer, body.scenario_id))


def created(session: LiveSession) -> dict[str, Any]:
    """The answer to a session's creation: its id, where to post the offer, the card."""
    sc = session.scenario
    return {
        "session_id": session.id,
        "offer_url": f"/api/sessions/{session.id}/offer",
        "scenario": {"id": sc.id, "title": sc.title, "dispatch": sc.dispatch},
        "time_limit_s": sc.time_limit_s,
    }


@router.post("/sessions/{session_id}/offer")
async def offer(session_id: str, body: Offer, who: Calling, request: Request) -> dict[str, str]:
    """Non-trickle SDP exchange: the answer is sent after ICE gathering."""
    session = sessions_of(request).get(session_id)
    await _own(request, who, session_id)
    answer = await session.accept_offer(body.sdp, body.type)
    return {"sdp": answer.sdp, "type": answer.type}


@router.get("/sessions")
async def list_sessions(who: Anyone, request: Request) -> dict[str, Any]:
    """Live sessions and free slots (a paired device: its own sessions only)."""
    manager = sessions_of(request)
    live = [s.summary() for s in manager.live.values()]
    mine = [s for s in live if who.may_see_officer(str(s["officer"]["id"]))]
    return {"free": manager.free, "live": mine}


@router.delete("/sessions/{session_id}")
async def end_session(session_id: str, who: Calling, request: Request) -> dict[str, Any]:
    """End a live session (its own officer's device, an instructor or an admin)."""
    sessions_of(request).get(session_id)  # 404 for an unknown session before the access checks
    await _own(request, who, session_id)
    if who.role not in (OFFICER, DEMO, INSTRUCTOR, ADMIN):
        raise Forbidden("ending a session needs an instructor, an admin or the officer's device")
    outcome = await sessions_of(request).end(session_id, "ended")
    return {"session_id": session_id, "outcome": outcome}


@router.get("/sessions/{session_id}/transcript")
async def transcript(session_id: str, who: Calling, request: Request) -> dict[str, Any]:
    """The transcript JSON of a live or finished session."""
    await _own(request, who, session_id)
    return await sessions_of(request).stored_transcript(session_id)


@router.get("/sessions/{session_id}/review")
async def review(session_id: str, who: Calling, request: Request, format: str = "json") -> Any:
    """The after-action review of a finished session (``?format=html`` for the page)."""
    await _own(request, who, session_id)
    if format == "html":
        return HTMLResponse(await sessions_of(request).review_html(session_id))
    return await sessions_of(request).stored_review(session_id)


@router.post("/sessions/{session_id}/inject")
async def inject(
    session_id: str, body: Inject, who: Instructing, request: Request
) -> dict[str, Any]:
    """Apply one of the scenario card's instructor injects."""
    return sessions_of(request).get(session_id).inject(body.name)


@router.post("/sessions/{session_id}/nudge")
async def nudge(session_id: str, body: Nudge, who: Instructing, request: Request) -> dict[str, Any]:
    """Move the subject's agitation by an instructor's override."""
    return sessions_of(request).get(session_id).nudge(body.delta, body.reason)
