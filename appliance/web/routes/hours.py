"""Hours export: a roster (all officers, a unit or named officers) or one officer, over a date
range, as CSV and as a printable page with a blank attestation (never sent to POST)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from appliance.records.hours import Roster, parse_range, roster
from appliance.records.hours_export import to_csv, to_html
from appliance.records.officers import units
from appliance.web.auth import Recordkeeping, Staff
from appliance.web.context import records

router = APIRouter(prefix="/api", tags=["hours"])
From = Query(..., alias="from", description="first day, YYYY-MM-DD", max_length=10)
To = Query(..., alias="to", description="last day (inclusive), YYYY-MM-DD", max_length=10)
Unit = Query("", description="only officers of this unit", max_length=80)
Officers = Query([], alias="officer", description="officer ids (repeat); all when none")


async def _roster(
    request: Request, date_from: str, date_to: str, officer_ids: list[str], unit: str
) -> Roster:
    start, end = parse_range(date_from, date_to)
    ids = tuple(i for i in officer_ids if i)
    return await records(request).run(roster, start, end, ids, unit.strip())


def _filename(report: Roster, ext: str) -> str:
    if len(report.officers) == 1 and not report.unit:
        scope = str(report.officers[0].officer["name"])
    else:
        scope = report.unit or "roster"
    stem = re.sub(r"[^A-Za-z0-9]+", "-", scope).strip("-") or "roster"
    return f"codeblu-hours-{stem}-{report.date_from}-{report.date_to}.{ext}"


def _csv(report: Roster) -> Response:
    return Response(
        to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"'},
    )


@router.get("/hours/units")
async def hour_units(who: Staff, request: Request) -> list[str]:
    """The units officers are in (for the roster export's choice)."""
    return await records(request).run(units)


@router.get("/hours/roster.csv")
async def roster_csv(
    who: Recordkeeping,
    request: Request,
    date_from: str = From,
    date_to: str = To,
    unit: str = Unit,
    officer: list[str] = Officers,
) -> Response:
    """The roster's hours as CSV: session lines, per-scenario and per-officer totals, a total."""
    return _csv(await _roster(request, date_from, date_to, officer, unit))


@router.get("/hours/roster.html", response_class=HTMLResponse)
async def roster_html(
    who: Recordkeeping,
    request: Request,
    date_from: str = From,
    date_to: str = To,
    unit: str = Unit,
    officer: list[str] = Officers,
) -> HTMLResponse:
    """The roster's hours as a printable page with a blank attestation per officer."""
    return HTMLResponse(to_html(await _roster(request, date_from, date_to, officer, unit)))


@router.get("/officers/{officer_id}/hours.csv")
async def hours_csv(
    officer_id: str, who: Recordkeeping, request: Request, date_from: str = From, date_to: str = To
) -> Response:
    """One officer's hours as CSV (the roster of that officer)."""
    return _csv(await _roster(request, date_from, date_to, [officer_id], ""))


@router.get("/officers/{officer_id}/hours.html", response_class=HTMLResponse)
async def hours_html(
    officer_id: str, who: Recordkeeping, request: Request, date_from: str = From, date_to: str = To
) -> HTMLResponse:
    """One officer's hours as a printable page."""
    return HTMLResponse(to_html(await _roster(request, date_from, date_to, [officer_id], "")))
