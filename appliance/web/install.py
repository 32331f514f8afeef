"""Plugging records, the session and console/device API and the error mapping into the app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from appliance.errors import ApplianceError
from appliance.records.audio import audio_dir, sweep_audio
from appliance.records.db import Database
from appliance.settings import Settings
from appliance.web import console_live
from appliance.web.body_limit import BodyLimit
from appliance.web.context import WebContext
from appliance.web.http_errors import install_error_handler
from appliance.web.pages import mount_pages
from appliance.web.routes import (
    accounts,
    hours,
    login,
    methodology,
    officers,
    pairing,
    progress,
    records,
    replay,
    scenarios,
    sessions,
)

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024
AUDIO_SWEEP_INTERVAL_S = 3600.0
ROUTERS = (
    sessions.router,
    login.router,
    accounts.router,
    officers.router,
    pairing.router,
    records.router,
    replay.router,
    hours.router,
    progress.router,
    scenarios.router,
    methodology.router,
    console_live.router,
)
PREFIXES = (
    "/api/auth",
    "/api/users",
    "/api/audit",
    "/api/officers",
    "/api/hours",
    "/api/assignments",
    "/api/pairing",
    "/api/records",
    "/api/reviews",
)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the API routers, the body-size limit and the error mapping (call in ``create_app``)."""
    app.state.web = WebContext(settings)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, prefixes=PREFIXES)
    install_error_handler(app)
    for router in ROUTERS:
        app.include_router(router)
    mount_pages(app)


async def _sweep_forever(db: Database, settings: Settings) -> None:
    folder = audio_dir(settings.resolve(settings.records.path))
    while True:
        try:
            await db.run(sweep_audio, settings.records, folder)
        except ApplianceError as exc:  # a failed sweep is retried next hour, the appliance goes on
            log.error("audio retention sweep failed: %s", exc.message)
        await asyncio.sleep(AUDIO_SWEEP_INTERVAL_S)


@contextlib.asynccontextmanager
async def open_records(settings: Settings) -> AsyncIterator[Database]:
    """The records database for the app's lifespan, with the audio retention sweep running."""
    async with Database(settings.resolve(settings.records.path)) as db:
        sweeper = asyncio.create_task(_sweep_forever(db, settings), name="audio-retention")
        try:
            yield db
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
