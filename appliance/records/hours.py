"""Training hours over a date range, per officer and in total: a roster the agency can sign.

Minutes are counted in tenths (as shown), so every total is the exact sum of the lines above it;
hours are those minutes divided by 60, to two decimals. A session is "supervised" when a staff
member watched it or listened in while it ran (the access audit says so), else "self-paced". The
attestation is left blank: the agency's training officer of record fills it in and signs.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from appliance.errors import RecordInvalid, RecordNotFound
from appliance.persona.review_facts import scenario_info
from appliance.records.access_audit import supervisors
from appliance.records.clock import iso, parse_iso
from appliance.records.sessions import NOT_COMPLETED

SUPERVISED = "Scenario-based simulation, instructor-supervised (watched or heard live)"
SELF_PACED = "Scenario-based simulation, self-paced (no instructor watched or listened live)"
COURSE_PREFIX = "CodeBlu crisis communication practice"
MAX_YEARS = 5
NOT_SUBMITTED = (
    "CodeBlu does not submit training hours to Colorado POST. The agency's training officer"
    " reviews these records and enters them in the POST system."
)
ATTESTATION = (
    "I have reviewed this record and attest that the officer named completed the training"
    " listed, on the dates and for the times shown."
)


def minutes_text(tenths: int) -> str:
    """Tenths of a minute as minutes with one decimal (``90`` → ``"9.0"``)."""
    return f"{tenths // 10}.{tenths % 10}"


def hours_text(tenths: int) -> str:
    """Tenths of a minute as hours with two decimals, rounded half up (``90`` → ``"0.15"``)."""
    hours = (Decimal(tenths) / Decimal(600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{hours:.2f}"


@dataclass(frozen=True)
class HoursRow:
    """One finished training session as an hours line."""

    session_id: str
    date: str
    start_time: str
    end_time: str
    tenths: int  # active time in tenths of a minute
    scenario_id: str
    scenario_title: str
    course_title: str
    topic_category: str
    outcome: str
    completed: bool
    supervised_by: tuple[str, ...]

    @property
    def delivery_method(self) -> str:
        """Supervised when staff watched or listened in live; self-paced otherwise."""
        return SUPERVISED if self.supervised_by else SELF_PACED


@dataclass(frozen=True)
class ScenarioTally:
    """One officer's sessions of one scenario: how many, how many completed, how long."""

    scenario_id: str
    scenario_title: str
    course_title: str
    topic_category: str
    sessions: int
    completions: int
    tenths: int


@dataclass(frozen=True)
class OfficerHours:
    """An officer's sessions in the range, with totals."""

    officer: dict[str, Any]
    rows: tuple[HoursRow, ...]

    @property
    def tenths(self) -> int:
        """All active time."""
        return sum(r.tenths for r in self.rows)

    @property
    def supervised_tenths(self) -> int:
        """Active time of supervised sessions."""
        return sum(r.tenths for r in self.rows if r.supervised_by)

    @property
    def completions(self) -> int:
        """Sessions that ran to an outcome (not cut off by a shutdown or an error)."""
        return sum(1 for r in self.rows if r.completed)

    def by_scenario(self) -> tuple[ScenarioTally, ...]:
        """Sessions, completions and time per scenario, in the order first played."""
        order: dict[str, list[HoursRow]] = {}
        for r in self.rows:
            order.setdefault(r.scenario_id, []).append(r)
        return tuple(
            ScenarioTally(
                sid,
                rows[0].scenario_title,
                rows[0].course_title,
                rows[0].topic_category,
                len(rows),
                sum(1 for r in rows if r.completed),
                sum(r.tenths for r in rows),
            )
            for sid, rows in order.items()
        )


@dataclass(frozen=True)
class Roster:
    """Hours of a set of officers over a date range (local dates, inclusive)."""

    date_from: date
    date_to: date
    unit: str
    officers: tuple[OfficerHours, ...]
    generated_at: str
    timezone: str

    @property
    def tenths(self) -> int:
        """Everyone's active time."""
        return sum(o.tenths for o in self.officers)

    @property
    def sessions(self) -> int:
        """Everyone's sessions."""
        return sum(len(o.rows) for o in self.officers)

    @property
    def completions(self) -> int:
        """Everyone's completed sessions."""
        return sum(o.completions for o in self.officers)


def parse_range(date_from: str, date_to: str) -> tuple[date, date]:
    """A from/to pair of ``YYYY-MM-DD`` dates; inverted, malformed or over five years: refused."""
    try:
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    except ValueError:
        raise RecordInvalid("dates must be written YYYY-MM-DD (e.g. 2026-11-22)") from None
    if start > end:
        raise RecordInvalid(
            f"date range is inverted: 'from' ({start}) is after 'to' ({end}); swap them"
        )
    try:
        limit = start.replace(year=start.year + MAX_YEARS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + MAX_YEARS, day=28)
    if end >= limit:
        raise RecordInvalid(
            f"date range {start} to {end} is over {MAX_YEARS} years; export at most"
            f" {MAX_YEARS} years at a time (to {limit - timedelta(days=1)})"
        )
    return start, end


def _utc_bound(day: date) -> str:
    """Local midnight at the start of ``day`` as stored UTC text."""
    return iso(datetime.combine(day, time.min).astimezone(UTC).timestamp())


def _officers(
    conn: sqlite3.Connection, officer_ids: tuple[str, ...], unit: str
) -> list[dict[str, Any]]:
    """The officers asked for: by id (every one must exist), a unit, or all registered."""
    if officer_ids:
        found = {
            r["id"]: dict(r)
            for r in conn.execute(
                f"SELECT * FROM officers WHERE id IN ({', '.join('?' * len(officer_ids))})",
                officer_ids,
            )
        }
        unknown = [i for i in officer_ids if i not in found]
        if unknown:
            raise RecordNotFound(f"no officer with id {', '.join(map(repr, unknown))}")
        chosen = [found[i] for i in dict.fromkeys(officer_ids)]
        if unit:
            chosen = [o for o in chosen if o["unit"] == unit]
        return sorted(chosen, key=lambda o: (o["name"], o["id"]))
    if unit:
        rows = conn.execute("SELECT * FROM officers WHERE unit = ? ORDER BY name, id", (unit,))
        chosen = [dict(r) for r in rows]
        if not chosen:
            raise RecordNotFound(f"no officer is in unit {unit!r}")
        return chosen
    return [dict(r) for r in conn.execute("SELECT * FROM officers ORDER BY name, id")]


def _row(r: sqlite3.Row, watched: list[str]) -> HoursRow:
    start = parse_iso(r["started_at"]).astimezone()
    end = parse_iso(r["ended_at"] or r["started_at"]).astimezone()
    info = scenario_info(str(r["scenario_id"]))
    outcome = str(r["outcome"] or "")
    return HoursRow(
        session_id=str(r["id"]),
        date=start.date().isoformat(),
        start_time=start.strftime("%H:%M"),
        end_time=end.strftime("%H:%M"),
        tenths=round(float(r["active_seconds"]) / 6.0),
        scenario_id=info.id,
        scenario_title=info.title,
        course_title=f"{COURSE_PREFIX}: {info.title}",
        topic_category=info.hours_topic,
        outcome=outcome,
        completed=outcome not in NOT_COMPLETED,
        supervised_by=tuple(watched),
    )


def roster(
    conn: sqlite3.Connection,
    date_from: date,
    date_to: date,
    officer_ids: tuple[str, ...] = (),
    unit: str = "",
) -> Roster:
    """Finished sessions between two local dates (inclusive) of the officers asked for.

    All officers by default; ``unit`` narrows to one unit; ``officer_ids`` names officers (an
    unknown id is refused). Officers without a session in the range are listed only when named
    or when they are registered, so the roster shows who has not trained. Demo calls are not
    training: they are never counted.
    """
    people = _officers(conn, officer_ids, unit)
    ids = [o["id"] for o in people]
    sessions: dict[str, list[sqlite3.Row]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            "SELECT * FROM sessions WHERE status = 'finished' AND demo = 0 AND started_at >= ?"
            f" AND started_at < ? AND officer_id IN ({', '.join('?' * len(chunk))})"
            " ORDER BY started_at, id",
            (_utc_bound(date_from), _utc_bound(date_to + timedelta(days=1)), *chunk),
        )
        for r in rows:
            sessions[r["officer_id"]].append(r)
    watched = supervisors(conn, [r["id"] for rows in sessions.values() for r in rows])
    named = bool(officer_ids)
    officers = tuple(
        OfficerHours(
            {k: o[k] for k in ("id", "name", "post_id", "agency", "unit")},
            tuple(_row(r, watched.get(r["id"], [])) for r in sessions[o["id"]]),
        )
        for o in people
        if sessions[o["id"]] or named or o["registered"]
    )
    now = datetime.now().astimezone()
    return Roster(
        date_from,
        date_to,
        unit,
        officers,
        now.strftime("%Y-%m-%d %H:%M %Z"),
        now.strftime("%Z (UTC%z)"),
    )
