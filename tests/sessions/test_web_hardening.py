"""The real app on loopback: no public API docs, no internals in /healthz, bounded bodies."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI

from appliance.records.officers import create_officer

from ..live_app import staff_user

STAFF = ("sgt.hardening", "Hardening-Instructor-2026")


async def test_api_docs_are_not_served(app_url: str) -> None:
    async with httpx.AsyncClient(base_url=app_url) as c:
        for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
            r = await c.get(path)
            assert r.status_code == 404, path
            assert "cdn" not in r.text.lower()


async def test_healthz_shows_no_internals_to_the_lan(live_app: FastAPI, app_url: str) -> None:
    lan = httpx.ASGITransport(app=live_app, client=("10.1.2.3", 50000))
    async with httpx.AsyncClient(transport=lan, base_url="http://appliance.test") as c:
        r = await c.get("/healthz")
    body = r.json()
    assert r.status_code == 200 and body["status"] == "ok"
    assert set(body["stages"]["llm"]) == {"state"} and "pid" not in r.text
    async with httpx.AsyncClient(base_url=app_url) as c:  # on the box itself (doctor): details
        local = (await c.get("/healthz")).json()
    assert "pid" in local["stages"]["llm"]["detail"]


async def test_staff_start_sessions_only_for_registered_officers(
    live_app: FastAPI, app_url: str
) -> None:
    await staff_user(live_app.state.records, *STAFF, "instructor")
    async with httpx.AsyncClient(base_url=app_url, timeout=60) as staff:
        r = await staff.post("/api/auth/login", json={"username": STAFF[0], "password": STAFF[1]})
        assert r.status_code == 200, r.text
        staff.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        # The cookie is Secure (the appliance serves HTTPS); this test app is plain HTTP.
        staff.headers["Cookie"] = f"codeblu_session={r.cookies['codeblu_session']}"
        r = await staff.post(
            "/api/sessions",
            json={
                "officer": {"id": "ghost-99", "name": "Nobody"},
                "scenario_id": "overpass_voices",
            },
        )
        assert r.status_code == 404 and "ghost-99" in r.json()["detail"]
        officer = await live_app.state.records.run(create_officer, "Kim Registered", "H-1", "PD")
        r = await staff.post(
            "/api/sessions",
            json={
                "officer": {"id": officer["id"], "name": "Typed Differently"},
                "scenario_id": "overpass_voices",
            },
        )
        assert r.status_code == 201, r.text
        sid = r.json()["session_id"]
        assert live_app.state.sessions.transcript(sid)["officer"] == {
            "id": officer["id"],
            "name": "Kim Registered",
        }
        assert (await staff.delete(f"/api/sessions/{sid}")).status_code == 200


async def test_offer_bodies_are_bounded_and_never_echoed(
    api: httpx.AsyncClient, app_url: str, device_token: str
) -> None:
    r = await api.post("/api/sessions", json={"scenario_id": "overpass_voices"})
    assert r.status_code == 201, r.text
    sid = r.json()["session_id"]
    try:
        bearer = f"Authorization: Bearer {device_token}\r\n"
        status, body = await _raw_post(app_url, f"/api/sessions/{sid}/offer", 20_000_000, bearer)
        assert status == 413 and len(body) < 500  # answered at once, the 20 MB never sent
        r = await api.post(
            f"/api/sessions/{sid}/offer", json={"sdp": "v" * 100_001, "type": "offer"}
        )
        assert r.status_code == 422 and len(r.content) < 2000
        r = await api.post(
            f"/api/sessions/{sid}/offer", json={"sdp": "v=0\r\n" * 1000, "type": "x"}
        )
        assert r.status_code == 422 and "v=0" not in r.text
    finally:
        assert (await api.delete(f"/api/sessions/{sid}")).status_code == 200


async def _raw_post(url: str, path: str, length: int, headers: str = "") -> tuple[int, bytes]:
    """Send the head and only 1 KiB of a ``length``-byte body; the answer's status and body."""
    where = urlsplit(url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    try:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\n{headers}"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        )
        writer.write(head.encode() + b"{" + b" " * 1023)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)  # the rest of the body is never sent
        status_line, _, rest = answer.partition(b"\r\n")
        return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]
    finally:
        writer.close()


async def test_unauthenticated_bodies_are_refused_unread_on_the_wire(app_url: str) -> None:
    for path in ("/api/sessions", "/api/sessions/x/offer", "/api/sessions/x/nudge"):
        status, body = await _raw_post(app_url, path, 60_000)  # under the limit
        assert status == 401 and b"not_authenticated" in body, path
        status, _ = await _raw_post(app_url, path, 50 * 1024 * 1024)
        assert status in (401, 413), path
