"""The FastAPI application: health plus the web layer's API; resources live in its lifespan."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from appliance import __version__
from appliance.discovery import Advertisement
from appliance.engine import HEALTHY, Engine
from appliance.records.audio import audio_policy
from appliance.records.disk import StorageHealth
from appliance.review.reviewer import SessionReviewer
from appliance.sessions.manager import SessionManager
from appliance.settings import Settings
from appliance.web.install import install, open_records

log = logging.getLogger(__name__)


async def _cancel(task: asyncio.Task[object]) -> None:
    """Stop a background task at shutdown and surface any failure in the log."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    except Exception:
        log.exception("background task %s failed", task.get_name())


def create_app(
    settings: Settings, engine: Engine, *, advertise: bool = True, tls_fingerprint: str = ""
) -> FastAPI:
    """Build the app around a started engine; app-level resources live in its lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            stack.callback(app.state.web.passwords.close)  # the password-check thread
            data = settings.resolve(settings.appliance.data_dir)
            records = await stack.enter_async_context(open_records(settings))
            app.state.records = records
            sessions = await stack.enter_async_context(
                SessionManager(
                    engine,
                    data / "sessions",
                    SessionReviewer(engine),
                    records,
                    audio=audio_policy(settings),
                    storage=app.state.storage,
                )
            )
            app.state.sessions = sessions
            if advertise:
                ad = await stack.enter_async_context(
                    Advertisement(settings, tls_fingerprint=tls_fingerprint, capacity=sessions.free)
                )
                sessions.on_capacity(ad.update_capacity)
                app.state.advertisement = ad
            if settings.persona.presynthesize:
                warm = asyncio.create_task(engine.warm_speech(sessions.quiet), name="warm-speech")
                stack.push_async_callback(_cancel, warm)
            yield

    app = FastAPI(  # no /docs, /redoc or /openapi.json: the API is documented in the repository
        title="CodeBlu appliance",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.storage = storage = StorageHealth(
        settings.resolve(settings.records.path).parent,
        settings.resolve(settings.appliance.data_dir),
    )
    install(app, settings)

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        """Each model stage's state and the storage's; 200 when all are usable, 503 otherwise.

        Details (which could help an attacker) only for requests from this machine.
        """
        local = _loopback(request.client.host if request.client else "")
        stages = {
            k: {"state": v.state, **({"detail": v.detail} if local else {})}
            for k, v in engine.health().items()
        }
        disk = storage.report()
        ok = all(v["state"] in HEALTHY for v in stages.values()) and disk.state != "failed"
        body = {
            "status": "ok" if ok else "degraded",
            "version": __version__,
            "room": settings.appliance.room,
            "profile": settings.appliance.profile,
            "voice": engine.voice,
            "stages": stages,
            "storage": {"state": disk.state, "detail": disk.detail, "free_bytes": disk.free_bytes},
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    return app


def _loopback(host: str) -> bool:
    """Whether a request comes from this machine (``doctor``, an admin's shell)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
