"""An officer's progress: competency scores per reviewed session and training minutes per month."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from appliance.records.officers import get_officer


def officer_progress(conn: sqlite3.Connection, officer_id: str) -> dict[str, Any]:
    """Scores of every reviewed session (oldest first) and active minutes per calendar month.

    Demo calls are not training: neither list counts them.
    """
    officer = get_officer(conn, officer_id)
    rows = conn.execute(
        "SELECT s.id, s.scenario_id, s.started_at, s.active_seconds, r.review FROM sessions s"
        " JOIN reviews r ON r.session_id = s.id WHERE s.officer_id = ? AND s.demo = 0"
        " ORDER BY s.started_at, s.id",
        (officer_id,),
    )
    sessions = []
    for row in rows:
        review = json.loads(row["review"])
        sessions.append(
            {
                "session_id": row["id"],
                "scenario_id": row["scenario_id"],
                "started_at": row["started_at"],
                "overall": (review.get("overall") or {}).get("score"),
                "scores": {c["id"]: c["score"] for c in review.get("competencies", [])},
            }
        )
    months = conn.execute(
        "SELECT substr(started_at, 1, 7) AS period, COUNT(*) AS sessions,"
        " ROUND(SUM(active_seconds) / 60.0, 1) AS minutes FROM sessions"
        " WHERE officer_id = ? AND status = 'finished' AND demo = 0"
        " GROUP BY period ORDER BY period",
        (officer_id,),
    )
    return {"officer": officer, "sessions": sessions, "hours": [dict(m) for m in months]}
