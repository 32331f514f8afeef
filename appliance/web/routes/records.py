"""Recorded sessions and their reviews: read, annotate, sign off."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from appliance.records.reviews import annotate, get_review, review_officer, sign_off
from appliance.records.sessions import get_session, list_sessions, transcript_of
from appliance.web.auth import Anyone, Instructing, Principal
from appliance.web.bodies import Body
from appliance.web.context import records
from appliance.web.http_errors import Forbidden

router = APIRouter(prefix="/api", tags=["records"])


class Annotation(Body):
    """Body of ``POST /api/reviews/{session_id}/annotations``."""

    text: str = Field(min_length=1, max_length=4000)
    competency: str | None = Field(None, max_length=64)
    t: float | None = Field(None, ge=0)


class SignOff(Body):
    """Body of ``POST /api/reviews/{session_id}/signoff``."""

    note: str = Field("", max_length=2000)


def _own(who: Principal, officer_id: str, what: str) -> None:
    if not who.may_see_officer(officer_id):
        raise Forbidden(f"an officer sees only their own {what}")


@router.get("/records/sessions")
async def sessions(
    who: Anyone,
    request: Request,
    officer_id: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    """Recorded sessions, newest first (a paired device: its officer's only)."""
    if who.officer_id is not None:
        _own(who, officer_id or who.officer_id, "sessions")
        officer_id = who.officer_id
    return await records(request).run(list_sessions, officer_id, limit, offset)


@router.get("/records/sessions/{session_id}")
async def session(session_id: str, who: Anyone, request: Request) -> dict[str, Any]:
    """One recorded session with its transcript."""
    db = records(request)
    summary = await db.run(get_session, session_id)
    _own(who, summary["officer_id"], "sessions")
    return {**summary, "transcript": await db.run(transcript_of, session_id)}


@router.get("/reviews/{session_id}")
async def review(session_id: str, who: Anyone, request: Request) -> dict[str, Any]:
    """A session's review with annotations and sign-off."""
    db = records(request)
    _own(who, await db.run(review_officer, session_id), "reviews")
    return await db.run(get_review, session_id)


@router.post("/reviews/{session_id}/annotations", status_code=201)
async def add_annotation(
    session_id: str, body: Annotation, who: Instructing, request: Request
) -> dict[str, Any]:
    """Add an instructor's note to a review."""
    return await records(request).run(
        annotate, session_id, who.user_id or 0, body.text, body.competency, body.t
    )


@router.post("/reviews/{session_id}/signoff")
async def signoff(
    session_id: str, body: SignOff, who: Instructing, request: Request
) -> dict[str, Any]:
    """Sign a review off (once)."""
    return await records(request).run(sign_off, session_id, who.user_id or 0, body.note)
