"""Officer progress for the console: competency scores over sessions and hours per month."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from appliance.records.progress import officer_progress
from appliance.web.auth import Staff
from appliance.web.context import records

router = APIRouter(prefix="/api/officers", tags=["progress"])


@router.get("/{officer_id}/progress")
async def progress(officer_id: str, who: Staff, request: Request) -> dict[str, Any]:
    """An officer's reviewed sessions with their scores, and training minutes per month."""
    return await records(request).run(officer_progress, officer_id)
