"""A live session's turns kept as they happen; sessions a crash left ``live`` closed at start."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Any

from appliance.records.clock import iso, parse_iso
from appliance.records.db import transaction
from appliance.records.sessions import EVENT_KINDS, event_t, turn_row

INTERRUPTED = "interrupted"  # the outcome of a session the appliance died during


def checkpoint_session(
    conn: sqlite3.Connection, transcript: dict[str, Any], first_turn: int
) -> int:
    """Add the turns from ``first_turn`` on and new events of a live session; turns now kept."""
    session_id = str(transcript["session_id"])
    turns = transcript.get("turns") or []
    rows = [turn_row(session_id, i, t) for i, t in enumerate(turns) if i >= first_turn]
    with transaction(conn):
        live = conn.execute(
            "SELECT 1 FROM sessions WHERE id = ? AND status = 'live'", (session_id,)
        ).fetchone()
        if live is None:  # ended (or closed at a restart): the final save owns it now
            return len(turns)
        conn.executemany("INSERT OR REPLACE INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        for key, kind in EVENT_KINDS:
            items = [i for i in transcript.get(key) or [] if isinstance(i, dict)]
            conn.executemany(
                "INSERT OR IGNORE INTO session_events (session_id, kind, seq, t, body)"
                " VALUES (?, ?, ?, ?, ?)",
                [(session_id, kind, n, event_t(i), json.dumps(i)) for n, i in enumerate(items)],
            )
        ends = [float(r[4]) for r in rows]
        if ends:
            conn.execute(
                "UPDATE sessions SET active_seconds = MAX(active_seconds, ?) WHERE id = ?",
                (max(ends), session_id),
            )
    return len(turns)


def interrupt_orphans(conn: sqlite3.Connection) -> list[str]:
    """Close sessions left ``live`` by a crash: outcome ``interrupted``, ended at their last turn.

    Call at start-up, before any session of this run exists.
    """
    with transaction(conn):
        orphans = conn.execute(
            "SELECT s.id, s.started_at, MAX(s.active_seconds, COALESCE(MAX(t.end_s), 0)) AS active"
            " FROM sessions s LEFT JOIN turns t ON t.session_id = s.id"
            " WHERE s.status = 'live' GROUP BY s.id"
        ).fetchall()
        for row in orphans:
            active = float(row["active"])
            ended = iso((parse_iso(row["started_at"]) + timedelta(seconds=active)).timestamp())
            conn.execute(
                "UPDATE sessions SET status = 'finished', outcome = ?, ended_at = ?,"
                " active_seconds = ? WHERE id = ?",
                (INTERRUPTED, ended, active, row["id"]),
            )
    return [str(r["id"]) for r in orphans]
