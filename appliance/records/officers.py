"""Officers who train: name, badge/POST ID and agency."""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from appliance.errors import RecordConflict, RecordNotFound
from appliance.records.clock import iso
from appliance.records.db import transaction


def _officer(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "post_id": row["post_id"],
        "agency": row["agency"],
        "unit": row["unit"],
        "registered": bool(row["registered"]),
        "created_at": row["created_at"],
    }


def create_officer(
    conn: sqlite3.Connection, name: str, post_id: str = "", agency: str = "", unit: str = ""
) -> dict[str, Any]:
    """Register an officer; names are stored exactly as given."""
    officer_id = secrets.token_hex(8)
    with transaction(conn):
        try:
            conn.execute(
                "INSERT INTO officers (id, name, post_id, agency, unit, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (officer_id, name, post_id.strip(), agency, unit.strip(), iso()),
            )
        except sqlite3.IntegrityError:
            raise RecordConflict(
                f"an officer with POST ID {post_id.strip()!r} at {agency!r} is already registered"
            ) from None
        return get_officer(conn, officer_id)


def ensure_officer(conn: sqlite3.Connection, officer_id: str, name: str) -> None:
    """Make sure a session's officer exists; one not registered on the console is kept as such."""
    conn.execute(
        "INSERT OR IGNORE INTO officers (id, name, registered, created_at) VALUES (?, ?, 0, ?)",
        (officer_id, name, iso()),
    )


def get_officer(conn: sqlite3.Connection, officer_id: str) -> dict[str, Any]:
    """One officer by id."""
    row = conn.execute("SELECT * FROM officers WHERE id = ?", (officer_id,)).fetchone()
    if row is None:
        raise RecordNotFound(f"no officer with id {officer_id!r}")
    return _officer(row)


def list_officers(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every officer, by name."""
    return [_officer(r) for r in conn.execute("SELECT * FROM officers ORDER BY name, id")]


def units(conn: sqlite3.Connection) -> list[str]:
    """The units officers are in, by name."""
    rows = conn.execute("SELECT DISTINCT unit FROM officers WHERE unit <> '' ORDER BY unit")
    return [r["unit"] for r in rows]


def update_officer(
    conn: sqlite3.Connection, officer_id: str, fields: dict[str, str]
) -> dict[str, Any]:
    """Change an officer's name, POST ID, agency or unit."""
    allowed = {k: v for k, v in fields.items() if k in ("name", "post_id", "agency", "unit")}
    with transaction(conn):
        get_officer(conn, officer_id)
        for key, value in allowed.items():  # keys come from the fixed tuple above, never input
            try:
                conn.execute(
                    f"UPDATE officers SET {key} = ?, registered = 1 WHERE id = ?",
                    (value, officer_id),
                )
            except sqlite3.IntegrityError:
                raise RecordConflict(
                    f"another officer already has POST ID {value!r} at that agency"
                ) from None
        return get_officer(conn, officer_id)
