"""A flood of log-ins: limited per address across usernames, password checks bounded, audit kept."""

from __future__ import annotations

import asyncio
import sqlite3

from appliance.records.db import transaction
from appliance.records.logins import AUDIT_KEEP_ROWS, audit, recent_audit
from appliance.web.context import LOGIN_FAILURES_PER_ADDRESS
from appliance.web.password_checks import MAX_PENDING
from tests.web.conftest import PASSWORDS, Api


async def test_new_usernames_from_one_address_are_limited(api: Api) -> None:
    flooder = api.client("10.9.9.9")
    for i in range(LOGIN_FAILURES_PER_ADDRESS):
        r = await flooder.post(
            "/api/auth/login", json={"username": f"nobody{i}", "password": "whatever-it-is"}
        )
        assert r.status_code == 401, i
    r = await flooder.post(
        "/api/auth/login", json={"username": "admin", "password": PASSWORDS["admin"]}
    )
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts"
    assert "from this address" in r.json()["detail"] and int(r.headers["retry-after"]) >= 1
    assert "set-cookie" not in r.headers
    r = await api.client("10.9.9.10").post(
        "/api/auth/login", json={"username": "admin", "password": PASSWORDS["admin"]}
    )
    assert r.status_code == 200  # the admin at another address still logs in


async def test_password_checks_are_bounded_and_the_rest_are_told_to_wait(api: Api) -> None:
    clients = [api.client(f"10.8.0.{i}") for i in range(1, 31)]
    answers = await asyncio.gather(
        *(
            c.post("/api/auth/login", json={"username": f"ghost{i}", "password": "not-it-at-all"})
            for i, c in enumerate(clients)
        )
    )
    codes = sorted(r.status_code for r in answers)
    busy = [r for r in answers if r.status_code == 429]
    assert codes.count(401) <= MAX_PENDING + 1 and busy, codes
    assert all(r.json()["code"] == "logins_busy" for r in busy)
    assert all(1 <= int(r.headers["retry-after"]) <= 10 for r in busy)
    staff = await api.login("instructor", ip="10.8.1.1")  # the flood over, staff log in at once
    assert (await staff.get("/api/auth/me")).json()["username"] == "instructor"


async def test_the_login_audit_is_bounded(api: Api) -> None:
    def fill(conn: sqlite3.Connection) -> int:
        with transaction(conn):
            conn.executemany(
                "INSERT INTO login_audit (at, username, user_id, ip, outcome)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    ("2026-01-01T00:00:00Z", f"u{i}", None, "10.0.0.1", "unknown_user")
                    for i in range(AUDIT_KEEP_ROWS + 500)
                ],
            )
        audit(conn, "admin", "10.0.0.2", "bad_password", 1)
        return int(conn.execute("SELECT COUNT(*) FROM login_audit").fetchone()[0])

    assert await api.db.run(fill) <= AUDIT_KEEP_ROWS
    latest = (await api.db.run(recent_audit))[0]
    assert latest["username"] == "admin" and latest["outcome"] == "bad_password"
