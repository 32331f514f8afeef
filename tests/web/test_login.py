"""Log-in, cookies, expiry, rate limiting and CSRF."""

from __future__ import annotations

import sqlite3

from appliance.records.logins import recent_audit
from tests.web.conftest import PASSWORDS, Api


async def test_login_sets_a_strict_http_only_secure_cookie(api: Api) -> None:
    async with api.client() as c:
        r = await c.post(
            "/api/auth/login", json={"username": "Instructor", "password": PASSWORDS["instructor"]}
        )
        assert r.status_code == 200
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
        assert "max-age=28800" in cookie
        body = r.json()
        assert body["user"]["role"] == "instructor" and "password_hash" not in body["user"]
        me = await c.get("/api/auth/me")
        assert me.status_code == 200 and me.json()["username"] == "instructor"
        assert me.json()["csrf_token"] == body["csrf_token"]


async def test_wrong_password_is_refused_then_rate_limited(api: Api) -> None:
    async with api.client() as c:
        for _ in range(5):
            r = await c.post(
                "/api/auth/login", json={"username": "admin", "password": "wrong-guess-123"}
            )
            assert r.status_code == 401
            assert r.json() == {"detail": "wrong username or password", "code": "login_failed"}
        r = await c.post(
            "/api/auth/login", json={"username": "admin", "password": PASSWORDS["admin"]}
        )
        assert r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 900
        assert "too many failed log-ins" in r.json()["detail"]
        assert "set-cookie" not in r.headers
    async with api.client(ip="10.0.0.9") as other:  # the limit is per account and address
        r = await other.post(
            "/api/auth/login", json={"username": "admin", "password": PASSWORDS["admin"]}
        )
        assert r.status_code == 200
    outcomes = [a["outcome"] for a in await api.db.run(recent_audit)]
    assert outcomes[:2] == ["ok", "rate_limited"] and outcomes.count("bad_password") == 5


async def test_unknown_user_gets_the_same_answer(api: Api) -> None:
    async with api.client() as c:
        r = await c.post(
            "/api/auth/login", json={"username": "nobody", "password": "whatever-it-is"}
        )
        assert r.status_code == 401 and r.json()["detail"] == "wrong username or password"


async def test_expired_cookie_is_refused(api: Api) -> None:
    c = await api.login("instructor")

    def expire(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE web_sessions SET expires_ts = 1")

    await api.db.run(expire)
    r = await c.get("/api/officers")
    assert r.status_code == 401
    assert r.json() == {
        "detail": "your session has expired: log in again",
        "code": "session_expired",
    }
    assert (await c.get("/api/officers")).json()["code"] == "not_authenticated"  # row removed


async def test_no_cookie_and_forged_cookie_are_refused(api: Api) -> None:
    async with api.client() as c:
        r = await c.get("/api/officers")
        assert r.status_code == 401 and "log in" in r.json()["detail"]
        c.cookies.set("codeblu_session", "forged-value", domain="appliance.test")
        assert (await c.get("/api/officers")).status_code == 401


async def test_logout_ends_the_session(api: Api) -> None:
    c = await api.login("admin")
    token = c.cookies["codeblu_session"]
    r = await c.post("/api/auth/logout")
    assert r.status_code == 204
    c.cookies.set("codeblu_session", token, domain="appliance.test")
    assert (await c.get("/api/auth/me")).status_code == 401


async def test_missing_or_wrong_csrf_token_is_refused_and_nothing_written(api: Api) -> None:
    c = await api.login("admin")
    good = c.headers.pop("X-CSRF-Token")
    r = await c.post("/api/officers", json={"name": "No Token"})
    assert r.status_code == 403 and r.json()["code"] == "csrf_rejected"
    assert "X-CSRF-Token" in r.json()["detail"]
    r = await c.post(
        "/api/officers", json={"name": "Bad Token"}, headers={"X-CSRF-Token": good[:-2] + "xx"}
    )
    assert r.status_code == 403
    assert (await c.post("/api/auth/logout")).status_code == 403
    assert (await c.get("/api/officers")).json() == []
    r = await c.post("/api/officers", json={"name": "With Token"}, headers={"X-CSRF-Token": good})
    assert r.status_code == 201


async def test_disabled_account_cannot_log_in_and_is_logged_out(api: Api) -> None:
    admin = await api.login("admin")
    trainer = await api.login("training_officer")
    users = {u["username"]: u["id"] for u in (await admin.get("/api/users")).json()}
    r = await admin.patch(f"/api/users/{users['training_officer']}", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert (await trainer.get("/api/officers")).status_code == 401
    r = await trainer.post(
        "/api/auth/login",
        json={"username": "training_officer", "password": PASSWORDS["training_officer"]},
    )
    assert r.status_code == 403 and "disabled" in r.json()["detail"]
    r = await admin.patch(f"/api/users/{users['admin']}", json={"active": False})
    assert r.status_code == 409 and "last active admin" in r.json()["detail"]


async def test_cross_site_form_post_cannot_log_in(api: Api) -> None:
    c = api.client()
    body = '{"username": "admin", "password": "Admin-Passphrase-2026"}'
    r = await c.post("/api/auth/login", content=body, headers={"content-type": "text/plain"})
    assert r.status_code == 422 and "set-cookie" not in r.headers
