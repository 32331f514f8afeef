"""Replay and listen-in for instructors and training officers, each one written to the access
audit the admin reads; and the live "watch" that makes a session's hours supervised."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from appliance.records.access_audit import access_log, record_access
from appliance.records.audio import session_audio
from appliance.records.sessions import get_session
from appliance.sessions.manager import SessionManager
from appliance.web.auth import Admin, Listening, Principal, Staff
from appliance.web.context import client_ip, records, web
from appliance.web.http_errors import Forbidden
from appliance.web.routes.sessions import Offer

router = APIRouter(prefix="/api", tags=["replay"])


def _sessions(request: Request) -> SessionManager:
    manager: SessionManager = request.app.state.sessions
    return manager


def _user(who: Principal) -> tuple[int | None, str, str]:
    return who.user_id, who.username, who.role


@router.post("/records/sessions/{session_id}/replay", status_code=201)
async def replay(session_id: str, who: Listening, request: Request) -> dict[str, Any]:
    """Open a finished session's recording (logged); the audio URL is good for this user only."""
    db = records(request)
    summary = await db.run(get_session, session_id)
    await db.run(session_audio, session_id)  # 404 before anything is written
    await db.run(record_access, "replay", session_id, _user(who), client_ip(request))
    ticket = web(request).replays.grant(who.user_id or 0, session_id)
    return {
        "session_id": session_id,
        "audio_url": f"/api/records/sessions/{session_id}/audio?ticket={ticket}",
        "active_seconds": summary["active_seconds"],
        "channels": {"left": "officer", "right": "subject"},
    }


@router.get("/records/sessions/{session_id}/audio")
async def audio(
    session_id: str,
    who: Listening,
    request: Request,
    ticket: str = Query(..., min_length=1, max_length=64),
) -> FileResponse:
    """The recording (Ogg/Opus, byte ranges for seeking) under a ticket from ``/replay``."""
    if not web(request).replays.allows(ticket, who.user_id, session_id):
        raise Forbidden(
            "this replay link is not yours or has expired: press Play in the console again"
            " (each replay is logged)"
        )
    path = await records(request).run(session_audio, session_id)
    return FileResponse(path, media_type="audio/ogg", headers={"Cache-Control": "no-store"})


@router.post("/sessions/{session_id}/listen")
async def listen(session_id: str, body: Offer, who: Listening, request: Request) -> dict[str, str]:
    """Listen in to a live session: answer the console's receive-only offer (logged)."""
    session = _sessions(request).live_session(session_id)
    answer = await session.listen(body.sdp)
    await records(request).run(record_access, "listen", session_id, _user(who), client_ip(request))
    return {"sdp": answer.sdp, "type": answer.type}


@router.post("/sessions/{session_id}/watch", status_code=201)
async def watch(session_id: str, who: Staff, request: Request) -> dict[str, Any]:
    """Note that a staff member opened a live session's view (its hours become supervised)."""
    _sessions(request).live_session(session_id)
    return await records(request).run(
        record_access, "watch", session_id, _user(who), client_ip(request)
    )


@router.get("/audit/access")
async def access_audit(
    who: Admin,
    request: Request,
    session_id: str | None = Query(None, max_length=64),
    limit: int = Query(500, ge=1, le=5000),
) -> list[dict[str, Any]]:
    """Replays, listen-ins and live watches, newest first (optionally one session's)."""
    return await records(request).run(access_log, session_id, limit)
