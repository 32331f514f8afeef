"""Console log-in, log-out and "who am I"."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field

from appliance.records.clock import iso
from appliance.records.logins import audit, close_session, open_session
from appliance.records.users import credentials
from appliance.web.auth import SESSION_COOKIE, Anyone, Staff
from appliance.web.bodies import Body
from appliance.web.context import SESSION_LIFETIME_S, WebContext, client_ip, records, web
from appliance.web.http_errors import Forbidden, LoginFailed, TooManyAttempts

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _check_limits(ctx: WebContext, key: str, ip: str) -> None:
    """Refuse an address that failed too often, whatever the usernames, or this account there."""
    limits = (
        (ctx.login_addresses, ip, "from this address"),
        (ctx.logins, key, "for this account from this address"),
    )
    for limiter, subject, what in limits:
        wait = limiter.retry_after(subject)
        if wait:
            minutes = max(1, round(wait / 60))
            raise TooManyAttempts(
                f"too many failed log-ins {what}: try again in about {minutes} minute(s)", wait
            )


class LoginBody(Body):
    """Body of ``POST /api/auth/login``."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


@router.post("/login")
async def login(body: LoginBody, request: Request, response: Response) -> dict[str, Any]:
    """Check a password (rate-limited per address and per account); set the session cookie."""
    db, ctx, ip = records(request), web(request), client_ip(request)
    key = f"{body.username.strip().lower()}|{ip}"
    try:
        _check_limits(ctx, key, ip)
        found = await db.run(credentials, body.username)
        ok = await ctx.passwords.verify(found[1] if found else None, body.password)
    except TooManyAttempts:
        if not ctx.refusals_audited.retry_after(ip):  # a flood leaves one line a minute
            ctx.refusals_audited.fail(ip)
            await db.run(audit, body.username, ip, "rate_limited")
        raise
    if found is None or not ok:
        ctx.logins.fail(key)
        ctx.login_addresses.fail(ip)
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
