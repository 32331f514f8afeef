"""Demo calls on the real appliance: an admin turns demo mode on, a browser with no pairing
starts the demo card, a second demo waits its turn, and the records mark the call as a demo."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from fastapi import FastAPI

from appliance.records.officers import get_officer
from appliance.records.sessions import get_session
from appliance.web.demo import DEMO_OFFICER, DEMO_SCENARIO

from ..live_app import staff_user

ADMIN = ("demo-admin", "Demo-Admin-Passphrase-2026")


@pytest_asyncio.fixture
async def admin(live_app: FastAPI, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An admin's client; demo mode is switched off again when the test ends."""
    await staff_user(live_app.state.records, *ADMIN, "admin")
    async with httpx.AsyncClient(base_url=app_url, timeout=60) as client:
        r = await client.post("/api/auth/login", json={"username": ADMIN[0], "password": ADMIN[1]})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        # the cookie is Secure (the appliance speaks HTTPS): send it by hand over loopback HTTP
        client.headers["Cookie"] = f"codeblu_session={r.cookies['codeblu_session']}"
        try:
            yield client
        finally:
            await client.put("/api/demo/mode", json={"enabled": False})


async def test_a_demo_call_without_pairing_one_at_a_time_marked_demo(
    live_app: FastAPI, app_url: str, admin: httpx.AsyncClient, api: httpx.AsyncClient
) -> None:
    db = live_app.state.records
    async with httpx.AsyncClient(base_url=app_url, timeout=60) as visitor:
        r = await visitor.post("/api/demo")
        assert r.status_code == 403 and r.json()["code"] == "demo_off"  # off by default

        r = await admin.put("/api/demo/mode", json={"enabled": True})
        assert r.status_code == 200, r.text
        offered = r.json()
        assert offered["enabled"] is True and offered["busy"] is False
        assert offered["scenario"]["id"] == DEMO_SCENARIO
        assert offered["scenario"]["time_limit_s"] == 180.0
        assert "hidden_truth" not in offered["scenario"]

        r = await visitor.post("/api/demo")
        assert r.status_code == 201, r.text
        demo = r.json()
        sid, token = demo["session_id"], demo["token"]
        assert demo["scenario"]["id"] == DEMO_SCENARIO and demo["offer_url"].endswith("/offer")
        assert (await visitor.get("/api/demo")).json()["busy"] is True

        second = await visitor.post("/api/demo")
        assert second.status_code == 409, second.text
        assert second.json()["code"] == "demo_busy"
        assert "a demo call is already running" in second.json()["detail"]

        row = await db.run(get_session, sid)
        assert row["demo"] is True and row["status"] == "live"
        assert row["officer_id"] == DEMO_OFFICER["id"]
        assert not (await db.run(get_officer, DEMO_OFFICER["id"]))["registered"]

        # the demo's pass reaches its own session and nothing else
        visitor.headers["Authorization"] = f"Bearer {token}"
        assert (await visitor.get(f"/api/sessions/{sid}/transcript")).json()["demo"] is True
        assert (await visitor.get("/api/sessions")).status_code == 403
        assert (await visitor.get("/api/scenarios")).status_code == 403
        other = await api.post(
            "/api/sessions", json={"scenario_id": "overpass_voices"}
        )  # a paired officer's call
        assert other.status_code == 201, other.text
        other_id = other.json()["session_id"]
        r = await visitor.get(f"/api/sessions/{other_id}/transcript")
        assert r.status_code == 403 and "only its own session" in r.json()["detail"]
        assert (await visitor.delete(f"/api/sessions/{other_id}")).status_code == 403
        assert (await api.delete(f"/api/sessions/{other_id}")).status_code == 200

        r = await visitor.delete(f"/api/sessions/{sid}")
        assert r.status_code == 200, r.text
        row = await db.run(get_session, sid)
        assert row["demo"] is True and row["status"] == "finished"
        assert (await db.run(get_session, other_id))["demo"] is False

        r = await admin.put("/api/demo/mode", json={"enabled": False})
        assert r.json() == {"enabled": False}
        visitor.headers.pop("Authorization")
        r = await visitor.post("/api/demo")
        assert r.status_code == 403 and "demo mode is off" in r.json()["detail"]
