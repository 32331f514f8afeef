"""Console log-in, log-out and "who am I"."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field

from appliance.records.clock import iso
from appliance.records.logins import audit, close_session, open_session
from appliance.records.passwords import verify_password
from appliance.records.users import credentials
from appliance.web.auth import SESSION_COOKIE, Anyone, Staff
from appliance.web.bodies import Body
from appliance.web.context import SESSION_LIFETIME_S, client_ip, records, web
from appliance.web.http_errors import Forbidden, LoginFailed, TooManyAttempts

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginBody(Body):
    """Body of ``POST /api/auth/login``."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


@router.post("/login")
async def login(body: LoginBody, request: Request, response: Response) -> dict[str, Any]:
    """Check a password (rate-limited per account and address); set the session cookie."""
    db, ctx, ip = records(request), web(request), client_ip(request)
    key = f"{body.username.strip().lower()}|{ip}"
    wait = ctx.logins.retry_after(key)
    if wait:
        await db.run(audit, body.username, ip, "rate_limited")
        minutes = max(1, round(wait / 60))
        raise TooManyAttempts(
            f"too many failed log-ins for this account from this address: try again in about"
            f" {minutes} minute(s)",
            wait,
        )
    found = await db.run(credentials, body.username)
    stored = found[1] if found else None
    ok = await asyncio.to_thread(verify_password, stored, body.password)
    if found is None or not ok:
        ctx.logins.fail(key)
        await db.run(
            audit,
            body.username,
            ip,
            "unknown_user" if found is None else "bad_password",
            found[0].id if found else None,
        )
        raise LoginFailed("wrong username or password")
    user = found[0]
    if not user.active:
        await db.run(audit, body.username, ip, "disabled", user.id)
        raise Forbidden("this account is disabled: ask an admin to enable it")
    ctx.logins.reset(key)
    session = await db.run(open_session, user, ip, SESSION_LIFETIME_S)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(SESSION_LIFETIME_S),
        httponly=True,
        secure=ctx.secure_cookies,
        samesite="strict",
        path="/",
    )
    return {
        "user": user.public(),
        "csrf_token": session.csrf_token,
        "expires_at": iso(session.expires_ts),
    }


@router.post("/logout", status_code=204)
async def logout(who: Staff, request: Request, response: Response) -> None:
    """End the console session and clear its cookie."""
    await records(request).run(
        close_session, request.cookies.get(SESSION_COOKIE, ""), client_ip(request)
    )
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        secure=web(request).secure_cookies,
        samesite="strict",
    )


@router.get("/me")
async def me(who: Anyone) -> dict[str, Any]:
    """The caller: account and CSRF token, or the paired device's officer."""
    return who.describe()
