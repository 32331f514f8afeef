"""Pairing headsets and tablets: a room code made on the console, redeemed once by the device."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from appliance.records.clock import iso
from appliance.records.pairing import (
    PairingCodeExpired,
    PairingCodeUsed,
    PairingRefused,
    create_code,
    redeem_code,
)
from appliance.web.auth import Instructing
from appliance.web.bodies import Body
from appliance.web.context import (
    DEVICE_TOKEN_LIFETIME_S,
    PAIRING_CODE_LIFETIME_S,
    client_ip,
    records,
    web,
)

router = APIRouter(prefix="/api/pairing", tags=["pairing"])


class NewCode(Body):
    """Body of ``POST /api/pairing``."""

    officer_id: str = Field(min_length=1, max_length=64)


class Redeem(Body):
    """Body of ``POST /api/pairing/redeem``."""

    code: str = Field(min_length=1, max_length=16)
    label: str = Field("", max_length=80)


@router.post("", status_code=201)
async def new_code(body: NewCode, who: Instructing, request: Request) -> dict[str, Any]:
    """A single-use room code for an officer's device, shown on the console."""
    code, expires = await records(request).run(
        create_code, body.officer_id, who.user_id or 0, PAIRING_CODE_LIFETIME_S
    )
    return {
        "code": code,
        "officer_id": body.officer_id,
        "expires_at": iso(expires),
        "expires_in_s": int(PAIRING_CODE_LIFETIME_S),
    }


@router.post("/redeem")
async def redeem(body: Redeem, request: Request) -> dict[str, Any]:
    """Trade a room code for a bearer token scoped to its officer (guessing is rate-limited)."""
    ctx, ip = web(request), client_ip(request)
    ctx.pairing.check(ip)
    try:
        grant = await records(request).run(
            redeem_code, body.code, body.label, DEVICE_TOKEN_LIFETIME_S
        )
    except PairingRefused as exc:
        if not isinstance(exc, PairingCodeUsed | PairingCodeExpired):  # only guesses count
            ctx.pairing.fail(ip)
        raise
    return {
        "token": grant.token,
        "token_type": "bearer",
        "officer": grant.officer,
        "expires_at": iso(grant.expires_ts),
    }


@router.post("/limits/reset")
async def reset_limits(who: Instructing, request: Request) -> dict[str, int]:
    """Let every device try room codes again (an officer who mistyped, after a guessing spree)."""
    return {"addresses_cleared": web(request).pairing.reset()}
