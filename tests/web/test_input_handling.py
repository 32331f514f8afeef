"""Hostile input: bad text refused cleanly, never echoed; bodies bounded on every route."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator

from tests.web.conftest import Api

JSON = {"content-type": "application/json"}


def _count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM officers").fetchone()[0])


async def test_a_lone_surrogate_is_a_clean_422(api: Api) -> None:
    admin = await api.login("admin")
    for body in (
        b'{"name": "Dana \\ud800 Daniels"}',
        b'{"name": "Dana", "agency": "\\udfff"}',
    ):
        r = await admin.post("/api/officers", content=body, headers=JSON)
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "request_invalid"
        assert "valid" in r.json()["detail"] and "Traceback" not in r.text
    r = await api.client().post(
        "/api/auth/login", content=b'{"username": "\\ud83d", "password": "x-y-z-w"}', headers=JSON
    )
    assert r.status_code == 422 and r.json()["code"] == "request_invalid"
    assert await api.db.run(_count) == 0


async def test_nul_and_control_characters_are_refused(api: Api) -> None:
    admin = await api.login("admin")
    for body in (
        {"name": "Dana\x00Daniels"},
        {"name": "Dana", "post_id": "C-\x07"},
        {"name": "Dana", "agency": "PD\x1b[2J"},
    ):
        r = await admin.post("/api/officers", json=body)
        assert r.status_code == 422, body
        assert r.json()["code"] == "request_invalid"
        assert "control character" in r.json()["detail"]
    r = await admin.post("/api/officers", json={"name": "Dana Daniels", "agency": "Mesa\tPD"})
    assert r.status_code == 201  # tabs and line breaks are text
    assert await api.db.run(_count) == 1


async def test_refusals_never_echo_the_input(api: Api) -> None:
    admin = await api.login("admin")
    secret = "Q" * 50_000
    for body in (
        {"name": secret},  # over the field's length
        {"name": "ok", secret: 1},  # an unknown field named by the input
        {"name": 7, "post_id": ["Q" * 1000] * 40},
    ):
        r = await admin.post("/api/officers", json=body)
        assert r.status_code == 422
        assert len(r.content) < 2000 and "QQQQQQQQ" not in r.text, r.text[:300]
        assert "input" not in r.json() and all("input" not in e for e in r.json()["errors"])


async def test_every_route_has_the_body_limit(api: Api) -> None:
    staff = await api.login("instructor")
    device = await api.pair((await api.officer())["id"])
    big = {"officer": {"id": "x", "name": "y"}, "scenario_id": "z" * 1_000_000}
    for client, path in (
        (staff, "/api/sessions"),
        (device, "/api/sessions"),
        (device, "/api/sessions/abc/offer"),
        (staff, "/api/sessions/abc/inject"),
        (staff, "/console/"),
        (staff, "/healthz"),
    ):
        r = await client.post(path, json=big)
        assert r.status_code == 413, (path, r.status_code)
        assert r.json()["code"] == "payload_too_large" and len(r.content) < 500


async def test_unauthenticated_bodies_are_refused_before_they_are_read(api: Api) -> None:
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(16):
            pulled += 1
            yield b" " * 1024

    anyone = api.client()
    anyone.cookies.set("codeblu_session", "forged-value", domain="appliance.test")
    for path in ("/api/sessions", "/api/officers", "/api/sessions/abc/offer"):
        for headers in ({}, {"authorization": "Bearer not-a-real-token"}):
            pulled = 0
            r = await api.client().post(path, content=body(), headers={**JSON, **headers})
            assert r.status_code == 401 and r.json()["code"] == "not_authenticated", path
            assert pulled == 0, (path, headers, pulled)
        pulled = 0
        r = await anyone.post(path, content=body(), headers=JSON)
        assert r.status_code == 401 and pulled == 0, path
