"""A real appliance app served on loopback for a test run, and paired devices and staff on it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI

from appliance.records.db import Database
from appliance.records.officers import create_officer
from appliance.records.pairing import create_code, redeem_code
from appliance.records.passwords import hash_password
from appliance.records.users import credentials, insert_user

from .conftest import free_port

TOKEN_LIFETIME_S = 24 * 3600.0


@dataclass(frozen=True)
class Paired:
    """An officer registered in the records and a device token paired to them."""

    officer: dict[str, Any]
    token: str


@contextlib.asynccontextmanager
async def served(app: FastAPI, port: int = 0, **uvicorn_kwargs: Any) -> AsyncIterator[str]:
    """Serve ``app`` (lifespan included) on loopback at ``port`` (0: a free one); yield its URL."""
    port = port or free_port()
    scheme = "https" if "ssl_certfile" in uvicorn_kwargs else "http"
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_kwargs)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # startup failed: raise its error
        await asyncio.sleep(0.05)
    app.state.test_server = server
    try:
        yield f"{scheme}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def staff_user(db: Database, username: str, password: str, role: str) -> int:
    """The id of a staff account with this password (created on first use)."""
    found = await db.run(credentials, username)
    if found is not None:
        return found[0].id
    hashed = await asyncio.to_thread(hash_password, password)
    return (await db.run(insert_user, username, hashed, role, username.title())).id


async def pair_device(db: Database, name: str, post_id: str, agency: str = "Test PD") -> Paired:
    """Register an officer, make a room code as an instructor would and redeem it as a device."""
    instructor = await staff_user(db, "pairing-instructor", "Pairing-Instructor-2026", "instructor")
    officer = await db.run(create_officer, name, post_id, agency)
    code, _ = await db.run(create_code, officer["id"], instructor, 600.0)
    grant = await db.run(redeem_code, code, "test device", TOKEN_LIFETIME_S)
    return Paired(officer, grant.token)
