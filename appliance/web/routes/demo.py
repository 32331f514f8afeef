"""Demo mode's routes: what the start page offers, a demo call without pairing, the admin switch."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request

from appliance.persona.scenario import load_scenario
from appliance.web.auth import Admin
from appliance.web.bodies import Body
from appliance.web.context import web
from appliance.web.demo import DEMO_OFFICER, DEMO_SCENARIO
from appliance.web.routes.scenarios import card_of
from appliance.web.routes.sessions import created, sessions_of

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api")


class DemoMode(Body):
    """Body of ``PUT /api/demo/mode``."""

    enabled: bool


def _state(request: Request) -> dict[str, Any]:
    """Demo mode as the start page needs it: on or off, the card, whether a demo runs now."""
    if not web(request).demo.enabled:
        return {"enabled": False}
    live = sessions_of(request).live.values()
    return {
        "enabled": True,
        "busy": any(s.conversation.demo for s in live),
        "scenario": card_of(load_scenario(DEMO_SCENARIO), staff=False),
    }


@router.get("/demo")
async def demo(request: Request) -> dict[str, Any]:
    """Whether "Try the demo" is offered (no log-in: the start page asks before pairing)."""
    return _state(request)


@router.post("/demo", status_code=201)
async def start_demo(request: Request) -> dict[str, Any]:
    """Start the demo call (one at a time; never training hours); ``token`` reaches it only."""
    desk = web(request).demo
    desk.check()
    session = await sessions_of(request).create(DEMO_OFFICER, DEMO_SCENARIO, demo=True)
    return {**created(session), "token": desk.grant(session.id)}


@router.put("/demo/mode")
async def set_demo_mode(body: DemoMode, who: Admin, request: Request) -> dict[str, Any]:
    """Turn demo mode on or off until the next restart (``[server] demo_mode`` sets it at start)."""
    web(request).demo.enabled = body.enabled
    log.info("demo mode %s by %s", "on" if body.enabled else "off", who.username)
    return _state(request)
