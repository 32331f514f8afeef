"""Plugging records and the console/device API into the FastAPI app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from appliance.errors import ApplianceError
from appliance.records.audio import audio_dir, sweep_audio
from appliance.records.db import Database
from appliance.records.errors import RecordsError
from appliance.settings import Settings
from appliance.web import console_live
from appliance.web.body_limit import BodyLimit
from appliance.web.context import WebContext
from appliance.web.errors import AccessError
from appliance.web.pages import mount_pages
from appliance.web.routes import (
    accounts,
    hours,
    login,
    officers,
    pairing,
    progress,
    records,
    scenarios,
)

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024
AUDIO_SWEEP_INTERVAL_S = 3600.0
ROUTERS = (
    login.router,
    accounts.router,
    officers.router,
    pairing.router,
    records.router,
    hours.router,
    progress.router,
    scenarios.router,
    console_live.router,
)
PREFIXES = (
    "/api/auth",
    "/api/users",
    "/api/audit",
    "/api/officers",
    "/api/assignments",
    "/api/pairing",
    "/api/records",
    "/api/reviews",
)


async def _error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RecordsError | AccessError)
    headers = exc.headers if isinstance(exc, AccessError) else None
    if exc.status >= 500:
        log.error("records error on %s %s: %s", request.method, request.url.path, exc.message)
    return JSONResponse(
        {"detail": exc.message, "code": exc.code}, status_code=exc.status, headers=headers
    )


def install(app: FastAPI, settings: Settings) -> None:
    """Add the API routers, the body-size limit and the error mapping (call in ``create_app``)."""
    app.state.web = WebContext(settings)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, prefixes=PREFIXES)
    app.add_exception_handler(RecordsError, _error)
    app.add_exception_handler(AccessError, _error)
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
