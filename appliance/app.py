"""The FastAPI application: health plus the web layer's API; resources live in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from appliance import __version__
from appliance.discovery import Advertisement
from appliance.engine import Engine
from appliance.records.disk import StorageHealth
from appliance.review.reviewer import SessionReviewer
from appliance.sessions.manager import SessionManager
from appliance.settings import Settings
from appliance.web.install import install, open_records


def create_app(
    settings: Settings, engine: Engine, *, advertise: bool = True, tls_fingerprint: str = ""
) -> FastAPI:
    """Build the app around a started engine; app-level resources live in its lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            data = settings.resolve(settings.appliance.data_dir)
            records = await stack.enter_async_context(open_records(settings))
            app.state.records = records
            sessions = await stack.enter_async_context(
                SessionManager(
                    engine, data / "sessions", SessionReviewer(engine), records, app.state.storage
                )
            )
            app.state.sessions = sessions
            if advertise:
                ad = await stack.enter_async_context(
                    Advertisement(settings, tls_fingerprint=tls_fingerprint, capacity=sessions.free)
                )
                sessions.on_capacity(ad.update_capacity)
                app.state.advertisement = ad
            yield

    app = FastAPI(title="CodeBlu appliance", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.storage = storage = StorageHealth(
        settings.resolve(settings.records.path).parent,
        settings.resolve(settings.appliance.data_dir),
    )
    install(app, settings)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """Each model stage's state and the storage's; 200 when all are usable, 503 otherwise."""
        stages = {k: {"state": v.state, "detail": v.detail} for k, v in engine.health().items()}
        disk = storage.report()
        ok = all(v["state"] == "ready" for v in stages.values()) and disk.state != "failed"
        body = {
            "status": "ok" if ok else "degraded",
            "version": __version__,
            "room": settings.appliance.room,
            "profile": settings.appliance.profile,
            "stages": stages,
            "storage": {"state": disk.state, "detail": disk.detail, "free_bytes": disk.free_bytes},
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    return app
