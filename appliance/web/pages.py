"""Browser pages the appliance serves: the officer client at /app/, the console at /console/."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse
from starlette.staticfiles import StaticFiles

import headset_client

OFFICER_PAGES = Path(headset_client.__file__).resolve().parent / "web"
CONSOLE_PAGES = Path(__file__).resolve().parent / "console"
router = APIRouter(include_in_schema=False)


@router.get("/")
async def home() -> RedirectResponse:
    """The appliance's address opens the officer's client (the console is at /console/)."""
    return RedirectResponse("/app/", status_code=307)


def mount_pages(app: FastAPI) -> None:
    """Serve both sets of static pages (no build step, nothing fetched from outside the LAN)."""
    app.include_router(router)
    app.mount("/app", StaticFiles(directory=OFFICER_PAGES, html=True), name="officer-app")
    app.mount("/console", StaticFiles(directory=CONSOLE_PAGES, html=True), name="console")
