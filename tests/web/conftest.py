"""An app with the records and console/device API only, on a fresh database per test."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from appliance.errors import ApplianceError
from appliance.records.db import Database
from appliance.records.passwords import hash_password
from appliance.records.users import insert_user
from appliance.settings import Settings
from appliance.web.install import install, open_records

PASSWORDS = {
    "admin": "Admin-Passphrase-2026",
    "instructor": "Instructor-Pass-77",
    "training_officer": "Training-Officer-88",
}


@pytest.fixture(scope="session")
def hashes() -> dict[str, str]:
    """Argon2 hashes are slow by design: compute the three staff hashes once per run."""
    return {role: hash_password(pw) for role, pw in PASSWORDS.items()}


def web_settings(tmp_path: Path) -> Settings:
    return Settings.model_validate(
        {
            "appliance": {"data_dir": str(tmp_path)},
            "records": {"path": str(tmp_path / "records.sqlite3")},
        }
    )


@dataclass
class Api:
    """The app under test, its database and a way to make logged-in clients."""

    app: FastAPI
    db: Database
    settings: Settings
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def client(self, ip: str = "127.0.0.1") -> httpx.AsyncClient:
        """A client from ``ip`` (closed when the test ends)."""
        transport = httpx.ASGITransport(app=self.app, client=(ip, 40000))
        client = httpx.AsyncClient(transport=transport, base_url="https://appliance.test")
        self.clients.append(client)
        return client

    async def login(self, role: str, ip: str = "127.0.0.1") -> httpx.AsyncClient:
        """A client logged in as the seeded account of a role, CSRF header set."""
        client = self.client(ip)
        r = await client.post(
            "/api/auth/login", json={"username": role, "password": PASSWORDS[role]}
        )
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client

    async def officer(self, name: str = "Dana Daniels", post_id: str = "C-1001") -> dict[str, Any]:
        admin = await self.login("admin")
        r = await admin.post(
            "/api/officers", json={"name": name, "post_id": post_id, "agency": "Mesa PD"}
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def pair(self, officer_id: str) -> httpx.AsyncClient:
        """A device client holding a bearer token for the officer."""
        staff = await self.login("instructor")
        code = (await staff.post("/api/pairing", json={"officer_id": officer_id})).json()["code"]
        device = self.client("10.0.0.50")
        r = await device.post("/api/pairing/redeem", json={"code": code, "label": "Quest 3"})
        assert r.status_code == 200, r.text
        device.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return device


def build_app(settings: Settings) -> FastAPI:
    """What create_app does for records: open them in the lifespan, install the API."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_records(settings) as db:
            app.state.records = db
            yield

    app = FastAPI(lifespan=lifespan)

    @app.exception_handler(ApplianceError)  # as app.py: the catch-all must not shadow install's
    async def appliance_error(request: Request, exc: ApplianceError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=500)

    install(app, settings)
    return app


@pytest_asyncio.fixture
async def api(tmp_path: Path, hashes: dict[str, str]) -> AsyncIterator[Api]:
    settings = web_settings(tmp_path)
    app = build_app(settings)
    async with app.router.lifespan_context(app):
        db: Database = app.state.records
        for role, hashed in hashes.items():
            await db.run(insert_user, role, hashed, role, role.replace("_", " ").title())
        api = Api(app, db, settings)
        yield api
        for client in api.clients:
            await client.aclose()
