"""Staff accounts (admin only) and the log-in audit."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from appliance.records.logins import recent_audit
from appliance.records.users import get_user, insert_user, list_users, prepare_password, set_active
from appliance.web.auth import Admin
from appliance.web.bodies import Body
from appliance.web.context import records

router = APIRouter(prefix="/api", tags=["accounts"])


class NewUser(Body):
    """Body of ``POST /api/users``."""

    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Literal["admin", "instructor", "training_officer"]
    display_name: str = Field("", max_length=120)


class UserChange(Body):
    """Body of ``PATCH /api/users/{id}``."""

    active: bool


@router.get("/users")
async def users(who: Admin, request: Request) -> list[dict[str, Any]]:
    """Every staff account."""
    return [u.public() for u in await records(request).run(list_users)]


@router.post("/users", status_code=201)
async def create_user(body: NewUser, who: Admin, request: Request) -> dict[str, Any]:
    """Create a staff account (strong password required)."""
    hashed = await asyncio.to_thread(prepare_password, body.username, body.password)
    user = await records(request).run(
        insert_user, body.username, hashed, body.role, body.display_name, who.user_id
    )
    return user.public()


@router.get("/users/{user_id}")
async def user(user_id: int, who: Admin, request: Request) -> dict[str, Any]:
    """One staff account."""
    return (await records(request).run(get_user, user_id)).public()


@router.patch("/users/{user_id}")
async def change_user(
    user_id: int, body: UserChange, who: Admin, request: Request
) -> dict[str, Any]:
    """Enable or disable an account (disabling logs it out everywhere)."""
    return (await records(request).run(set_active, user_id, body.active)).public()


@router.get("/audit/logins")
async def login_audit(who: Admin, request: Request) -> list[dict[str, Any]]:
    """The latest log-in attempts, newest first."""
    return await records(request).run(recent_audit)
