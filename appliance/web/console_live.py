"""The console's live feed: a WebSocket carrying every live session's events to logged-in staff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, cast
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, WebSocket
from starlette.websockets import WebSocketDisconnect

from appliance.errors import ApplianceError
from appliance.sessions.live import LiveSession
from appliance.sessions.manager import SessionManager
from appliance.turn.events import SessionEnded
from appliance.web.auth import STAFF, authenticate
from appliance.web.http_errors import AccessError, Forbidden

log = logging.getLogger(__name__)
router = APIRouter()
POLICY_VIOLATION = 1008  # WebSocket close code: the handshake was refused


def live_entry(session: LiveSession) -> dict[str, Any]:
    """One live session as the console first sees it: summary, scenario title and transcript."""
    transcript = session.conversation.transcript()
    return {
        **session.summary(),
        "scenario_title": session.scenario.title,
        "time_limit_s": session.scenario.time_limit_s,
        "turns": transcript.get("turns", []),
        "state_timeline": transcript.get("state_timeline", []),
        "timings": transcript.get("timings", []),
    }


def _same_origin(websocket: WebSocket) -> bool:
    """A browser's handshake must come from a page of this appliance (no cross-site socket)."""
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host", "")


async def _admit(websocket: WebSocket) -> str | None:
    """Why the handshake is refused (None: a staff member on a page of this appliance)."""
    try:
        # authenticate reads only headers, cookies and app state, which a WebSocket has too.
        who = await authenticate(cast(Request, websocket))
        if who.role not in STAFF:
            raise Forbidden("the live console is for staff: log in on the console")
    except AccessError as exc:
        return exc.message
    if not _same_origin(websocket):
        return "the live feed is only for this appliance's console pages"
    return None


async def _pump(websocket: WebSocket, manager: SessionManager) -> None:
    """Send a snapshot of the live sessions, then every event; a new session's summary first."""
    with manager.feed.subscribe() as queue:
        live = [live_entry(s) for s in list(manager.live.values())]
        known = {entry["session_id"] for entry in live}
        await websocket.send_json({"type": "snapshot", "free": manager.free, "live": live})
        while True:
            item = await queue.get()
            sid = item.session_id
            if sid not in known and sid in manager.live:
                known.add(sid)
                await websocket.send_json({"type": "session.live", **live_entry(manager.live[sid])})
            if isinstance(item.event, SessionEnded):
                known.discard(sid)
            await websocket.send_json(item.to_json())


async def _until_closed(websocket: WebSocket) -> None:
    """Read (and ignore) what the console sends until it goes away; commands use the REST API."""
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass


@router.websocket("/api/console/live")
async def console_live(websocket: WebSocket) -> None:
    """Stream live sessions to a logged-in staff member's console."""
    refused = await _admit(websocket)
    if refused is not None:
        await websocket.close(code=POLICY_VIOLATION, reason=refused[:120])
        return
    await websocket.accept()
    manager: SessionManager = websocket.app.state.sessions
    tasks = [
        asyncio.ensure_future(_pump(websocket, manager)),
        asyncio.ensure_future(_until_closed(websocket)),
    ]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            error = task.exception()
            if error is not None and not isinstance(error, WebSocketDisconnect | RuntimeError):
                if isinstance(error, ApplianceError):
                    log.warning("console feed stopped: %s", error.message)
                else:
                    raise error
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close()  # already closed when the console went away
