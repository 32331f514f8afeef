"""A real appliance app on loopback, sharing the test run's engine (the models load once)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from appliance.app import create_app
from appliance.engine import Engine
from appliance.settings import Settings

from ..live_app import pair_device, served


@pytest_asyncio.fixture(scope="session")
async def live_app(settings: Settings, engine: Engine) -> AsyncIterator[FastAPI]:
    app: FastAPI = create_app(settings, engine)
    async with served(app, settings.server.port) as url:  # the port zeroconf advertises
        app.state.test_url = url
        yield app


@pytest.fixture(scope="session")
def app_url(live_app: FastAPI) -> str:
    return str(live_app.state.test_url)


@pytest_asyncio.fixture(scope="session")
async def device_token(live_app: FastAPI) -> str:
    """A bearer token of a device paired to a registered officer (sessions need one)."""
    paired = await pair_device(live_app.state.records, "Officer Daniels", "S-7")
    return paired.token


@pytest_asyncio.fixture
async def api(app_url: str, device_token: str) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {device_token}"}
    async with httpx.AsyncClient(base_url=app_url, timeout=60, headers=headers) as client:
        yield client
