"""Officers and their assignments."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field, field_validator

from appliance.errors import RecordInvalid
from appliance.persona.scenario import list_scenarios
from appliance.records.assignments import cancel_assignment, create_assignment, list_assignments
from appliance.records.officers import create_officer, get_officer, list_officers, update_officer
from appliance.web.auth import Anyone, Staff
from appliance.web.bodies import Body
from appliance.web.context import records
from appliance.web.http_errors import Forbidden

router = APIRouter(prefix="/api", tags=["officers"])


class NewOfficer(Body):
    """Body of ``POST /api/officers``; text is stored exactly as typed."""

    name: str = Field(min_length=1, max_length=120)
    post_id: str = Field("", max_length=40)
    agency: str = Field("", max_length=120)
    unit: str = Field("", max_length=80)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be blank")
        return value


class OfficerChange(Body):
    """Body of ``PATCH /api/officers/{id}``."""

    name: str | None = Field(None, min_length=1, max_length=120)
    post_id: str | None = Field(None, max_length=40)
    agency: str | None = Field(None, max_length=120)
    unit: str | None = Field(None, max_length=80)


class NewAssignment(Body):
    """Body of ``POST /api/assignments``."""

    officer_id: str = Field(min_length=1, max_length=64)
    scenario_id: str = Field(min_length=1, max_length=64)
    due_date: date | None = None
    note: str = Field("", max_length=500)


@router.get("/officers")
async def officers(who: Staff, request: Request) -> list[dict[str, Any]]:
    """Every officer."""
    return await records(request).run(list_officers)


@router.post("/officers", status_code=201)
async def new_officer(body: NewOfficer, who: Staff, request: Request) -> dict[str, Any]:
    """Register an officer."""
    return await records(request).run(
        create_officer, body.name, body.post_id, body.agency, body.unit
    )


@router.get("/officers/{officer_id}")
async def officer(officer_id: str, who: Anyone, request: Request) -> dict[str, Any]:
    """One officer (a paired device: only its own)."""
    if not who.may_see_officer(officer_id):
        raise Forbidden("a paired device sees only its own officer")
    return await records(request).run(get_officer, officer_id)


@router.patch("/officers/{officer_id}")
async def change_officer(
    officer_id: str, body: OfficerChange, who: Staff, request: Request
) -> dict[str, Any]:
    """Correct an officer's name, POST ID, agency or unit."""
    fields = {k: v for k, v in body.model_dump().items() if v is not None}
    return await records(request).run(update_officer, officer_id, fields)


@router.get("/assignments")
async def assignments(
    who: Anyone,
    request: Request,
    officer_id: str | None = None,
    status: Literal["assigned", "completed", "cancelled"] | None = None,
) -> list[dict[str, Any]]:
    """Assignments (a paired device: its officer's only)."""
    if who.officer_id is not None:
        if officer_id not in (None, who.officer_id):
            raise Forbidden("a paired device sees only its own officer's assignments")
        officer_id = who.officer_id
    return await records(request).run(list_assignments, officer_id, status)


@router.post("/assignments", status_code=201)
async def new_assignment(body: NewAssignment, who: Staff, request: Request) -> dict[str, Any]:
    """Give an officer a scenario to practise."""
    known = {s.id for s in list_scenarios()}
    if body.scenario_id not in known:
        raise RecordInvalid(
            f"unknown scenario {body.scenario_id!r} (valid: {', '.join(sorted(known))})"
        )
    return await records(request).run(
        create_assignment,
        body.officer_id,
        body.scenario_id,
        body.due_date.isoformat() if body.due_date else None,
        body.note,
        who.user_id,
    )


@router.post("/assignments/{assignment_id}/cancel")
async def cancel(assignment_id: int, who: Staff, request: Request) -> dict[str, Any]:
    """Withdraw an open assignment."""
    return await records(request).run(cancel_assignment, assignment_id)
