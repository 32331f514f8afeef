"""Hours export per officer and date range: CSV and a printable page (never sent to POST)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from appliance.records.hours import HoursReport, hours_report, parse_range
from appliance.records.hours_export import to_csv, to_html
from appliance.web.auth import Principal, Recordkeeping
from appliance.web.context import records

router = APIRouter(prefix="/api/officers", tags=["hours"])
From = Query(..., alias="from", description="first day, YYYY-MM-DD", max_length=10)
To = Query(..., alias="to", description="last day (inclusive), YYYY-MM-DD", max_length=10)


async def _report(
    request: Request, who: Principal, officer_id: str, date_from: str, date_to: str
) -> HoursReport:
    start, end = parse_range(date_from, date_to)
    name = who.display_name or who.username
    return await records(request).run(hours_report, officer_id, start, end, name)


def _filename(report: HoursReport, ext: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", str(report.officer["name"])).strip("-") or "officer"
    return f"codeblu-hours-{stem}-{report.date_from}-{report.date_to}.{ext}"


@router.get("/{officer_id}/hours.csv")
async def hours_csv(
    officer_id: str, who: Recordkeeping, request: Request, date_from: str = From, date_to: str = To
) -> Response:
    """The officer's hours as CSV, one line per session."""
    report = await _report(request, who, officer_id, date_from, date_to)
    return Response(
        to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"'},
    )


@router.get("/{officer_id}/hours.html", response_class=HTMLResponse)
async def hours_html(
    officer_id: str, who: Recordkeeping, request: Request, date_from: str = From, date_to: str = To
) -> HTMLResponse:
    """The officer's hours as a printable page with the attestation line."""
    report = await _report(request, who, officer_id, date_from, date_to)
    return HTMLResponse(to_html(report))
