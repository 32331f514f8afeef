"""Assignments: a scenario given to an officer, with a due date, completed by a finished session."""

from __future__ import annotations

import sqlite3
from typing import Any

from appliance.errors import RecordConflict, RecordNotFound
from appliance.records.clock import iso
from appliance.records.db import transaction
from appliance.records.officers import get_officer


def _assignment(row: sqlite3.Row) -> dict[str, Any]:
    return {k: row[k] for k in row.keys()}


def create_assignment(
    conn: sqlite3.Connection,
    officer_id: str,
    scenario_id: str,
    due_date: str | None,
    note: str,
    assigned_by: int | None,
) -> dict[str, Any]:
    """Give an officer a scenario to practise."""
    with transaction(conn):
        get_officer(conn, officer_id)
        cur = conn.execute(
            "INSERT INTO assignments (officer_id, scenario_id, due_date, note, assigned_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (officer_id, scenario_id, due_date, note, assigned_by, iso()),
        )
        return get_assignment(conn, int(cur.lastrowid or 0))


def get_assignment(conn: sqlite3.Connection, assignment_id: int) -> dict[str, Any]:
    """One assignment by id."""
    row = conn.execute("SELECT * FROM assignments WHERE id = ?", (assignment_id,)).fetchone()
    if row is None:
        raise RecordNotFound(f"no assignment with id {assignment_id}")
    return _assignment(row)


def list_assignments(
    conn: sqlite3.Connection, officer_id: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Assignments, optionally for one officer and/or in one status, soonest due first."""
    rows = conn.execute(
        "SELECT * FROM assignments WHERE (?1 IS NULL OR officer_id = ?1)"
        " AND (?2 IS NULL OR status = ?2)"
        " ORDER BY due_date IS NULL, due_date, id",
        (officer_id, status),
    )
    return [_assignment(r) for r in rows]


def cancel_assignment(conn: sqlite3.Connection, assignment_id: int) -> dict[str, Any]:
    """Withdraw an open assignment."""
    with transaction(conn):
        if get_assignment(conn, assignment_id)["status"] != "assigned":
            raise RecordConflict(f"assignment {assignment_id} is no longer open")
        conn.execute("UPDATE assignments SET status = 'cancelled' WHERE id = ?", (assignment_id,))
        return get_assignment(conn, assignment_id)


def complete_open_assignment(
    conn: sqlite3.Connection, officer_id: str, scenario_id: str, session_id: str
) -> int | None:
    """Mark the officer's oldest open assignment of this scenario done; its id, if any."""
    row = conn.execute(
        "SELECT id FROM assignments"
        " WHERE officer_id = ? AND scenario_id = ? AND status = 'assigned'"
        " ORDER BY due_date IS NULL, due_date, id LIMIT 1",
        (officer_id, scenario_id),
    ).fetchone()
    if row is None:
        return None
    conn.execute(
        "UPDATE assignments SET status = 'completed', completed_session_id = ? WHERE id = ?",
        (session_id, row["id"]),
    )
    return int(row["id"])
