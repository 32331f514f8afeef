"""Training hours per officer and date range, classified for the agency's POST reporting."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from appliance.errors import RecordInvalid
from appliance.persona.review_facts import scenario_info
from appliance.records.clock import iso, parse_iso
from appliance.records.officers import get_officer
from appliance.records.sessions import NOT_COMPLETED

DELIVERY_METHOD = "Scenario-based simulation (live, instructor-supervised)"
DEESCALATION = "De-escalation (C.R.S. 24-31-315)"
CRISIS = "Crisis intervention / mental-health awareness (Colorado POST Rule 28, non-perishable)"
COURSE_PREFIX = "CodeBlu crisis communication practice"
NOT_SUBMITTED = (
    "CodeBlu does not submit training hours to Colorado POST. The agency's training officer"
    " reviews these records and enters them in the POST system."
)


@dataclass(frozen=True)
class HoursRow:
    """One training session as an hours line."""

    date: str
    start_time: str
    end_time: str
    active_minutes: float
    course_title: str
    topic_category: str
    scenario_id: str
    outcome: str
    completed: bool


@dataclass(frozen=True)
class HoursReport:
    """An officer's hours over a date range, with who keeps the record."""

    officer: dict[str, Any]
    date_from: date
    date_to: date
    rows: list[HoursRow]
    training_officer: str
    generated_at: str
    timezone: str

    @property
    def total_minutes(self) -> float:
        """All active minutes in the range."""
        return round(sum(r.active_minutes for r in self.rows), 1)

    @property
    def scenarios_completed(self) -> int:
        """Sessions that ran to an outcome (not cut off by a shutdown or error)."""
        return sum(1 for r in self.rows if r.completed)

    @property
    def attestation(self) -> str:
        """The line the training officer of record signs."""
        return (
            f"I, {self.training_officer}, training officer of record, attest that "
            f"{self.officer['name']} completed the training listed above on the dates shown."
            " Signature: ____________________  Date: __________"
        )


def post_category(scenario_id: str) -> str:
    """The POST topic a scenario's hours fall under."""
    topic = scenario_info(scenario_id).topic_category.lower()
    return (
        CRISIS
        if topic.startswith("mental health") or "crisis intervention" in topic
        else DEESCALATION
    )


def parse_range(date_from: str, date_to: str) -> tuple[date, date]:
    """A from/to pair of ``YYYY-MM-DD`` dates; an inverted or malformed range is refused."""
    try:
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    except ValueError:
        raise RecordInvalid("dates must be written YYYY-MM-DD (e.g. 2026-11-22)") from None
    if start > end:
        raise RecordInvalid(
            f"date range is inverted: 'from' ({start}) is after 'to' ({end}); swap them"
        )
    return start, end


def _utc_bound(day: date) -> str:
    """Local midnight at the start of ``day`` as stored UTC text."""
    return iso(datetime.combine(day, time.min).astimezone(UTC).timestamp())


def hours_report(
    conn: sqlite3.Connection, officer_id: str, date_from: date, date_to: date, training_officer: str
) -> HoursReport:
    """An officer's finished sessions between two local dates (inclusive)."""
    officer = get_officer(conn, officer_id)
    rows = conn.execute(
        "SELECT scenario_id, started_at, ended_at, active_seconds, outcome FROM sessions"
        " WHERE officer_id = ? AND status = 'finished' AND started_at >= ? AND started_at < ?"
        " ORDER BY started_at",
        (officer_id, _utc_bound(date_from), _utc_bound(date_to + timedelta(days=1))),
    )
    out = []
    for r in rows:
        start = parse_iso(r["started_at"]).astimezone()
        end = parse_iso(r["ended_at"] or r["started_at"]).astimezone()
        info = scenario_info(str(r["scenario_id"]))
        out.append(
            HoursRow(
                date=start.date().isoformat(),
                start_time=start.strftime("%H:%M"),
                end_time=end.strftime("%H:%M"),
                active_minutes=round(float(r["active_seconds"]) / 60.0, 1),
                course_title=f"{COURSE_PREFIX}: {info.title}",
                topic_category=post_category(info.id),
                scenario_id=info.id,
                outcome=str(r["outcome"] or ""),
                completed=str(r["outcome"] or "") not in NOT_COMPLETED,
            )
        )
    return HoursReport(
        officer=officer,
        date_from=date_from,
        date_to=date_to,
        rows=out,
        training_officer=training_officer,
        generated_at=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        timezone=datetime.now().astimezone().strftime("%Z (UTC%z)"),
    )
