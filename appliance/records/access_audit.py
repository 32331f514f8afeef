"""Who replayed a session's audio, listened in or watched it live: the audit the admin reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from appliance.errors import RecordInvalid
from appliance.records.clock import iso
from appliance.records.db import transaction

ACTIONS = ("replay", "listen", "watch")
# A session one of these happened to while it ran was supervised (docs: the hours export).
SUPERVISING = ("listen", "watch")


def record_access(
    conn: sqlite3.Connection,
    action: str,
    session_id: str,
    user: tuple[int | None, str, str],
    ip: str = "",
) -> dict[str, Any]:
    """Write one audit line: ``user`` is (id, username, role); returns the line."""
    if action not in ACTIONS:
        raise RecordInvalid(f"unknown audited action {action!r} (valid: {', '.join(ACTIONS)})")
    user_id, username, role = user
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO access_audit (at, user_id, username, role, action, session_id, ip)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (iso(), user_id, username[:128], role, action, session_id, ip),
        )
        row = conn.execute("SELECT * FROM access_audit WHERE id = ?", (cur.lastrowid,)).fetchone()
    return dict(row)


def access_log(
    conn: sqlite3.Connection, session_id: str | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """Audit lines newest first, optionally one session's, with the officer and scenario."""
    rows = conn.execute(
        "SELECT a.*, s.scenario_id, o.name AS officer_name FROM access_audit a"
        " LEFT JOIN sessions s ON s.id = a.session_id LEFT JOIN officers o ON o.id = s.officer_id"
        " WHERE (?1 IS NULL OR a.session_id = ?1) ORDER BY a.id DESC LIMIT ?2",
        (session_id, limit),
    )
    return [dict(r) for r in rows]


def supervisors(conn: sqlite3.Connection, session_ids: Iterable[str]) -> dict[str, list[str]]:
    """Per session, the staff who watched or listened in live (display names, first first)."""
    ids = list(session_ids)
    out: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT a.session_id, COALESCE(NULLIF(u.display_name, ''), a.username) AS who"
            " FROM access_audit a LEFT JOIN users u ON u.id = a.user_id"
            f" WHERE a.action IN ('listen', 'watch') AND a.session_id IN ({marks})"
            " ORDER BY a.id",
            chunk,
        )
        for r in rows:
            names = out.setdefault(r["session_id"], [])
            if r["who"] not in names:
                names.append(r["who"])
    return out
