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
from appliance.web.auth import admit_body
from appliance.web.body_limit import BodyLimit
from appliance.web.context import WebContext
from appliance.web.http_errors import CatchAll, install_error_handler
from appliance.web.pages import mount_pages
from appliance.web.routes import (
    accounts,
    demo,
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
from appliance.web.security_headers import SecurityHeaders

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024  # every route; JSON bodies here are small
OFFER_MAX_BYTES = 128 * 1024  # an SDP offer: up to 100,000 characters, JSON-escaped
LARGER_BODIES = ((r"/api/sessions/[^/]+/offer", OFFER_MAX_BYTES),)
PUBLIC_BODIES = frozenset({"/api/auth/login", "/api/pairing/redeem", "/api/demo"})  # no log-in
AUDIO_SWEEP_INTERVAL_S = 3600.0
ROUTERS = (
    sessions.router,
    demo.router,
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


def install(app: FastAPI, settings: Settings) -> None:
    """Add the API routers, body limits, security headers and error mapping (in ``create_app``)."""
    app.state.web = WebContext(settings)
    # Added innermost first: the headers go on every answer, the 500 and the 413 included.
    app.add_middleware(
        BodyLimit,
        max_bytes=MAX_BODY_BYTES,
        larger=LARGER_BODIES,
        admit=admit_body,
        public=PUBLIC_BODIES,
    )
    app.add_middleware(CatchAll)
    app.add_middleware(SecurityHeaders)
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
