"""Reviews of finished sessions, instructors' annotations on them, and sign-off."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from appliance.errors import RecordConflict, RecordInvalid, RecordNotFound
from appliance.records.clock import iso
from appliance.records.db import transaction


def store_review(conn: sqlite3.Connection, session_id: str, review: dict[str, Any]) -> None:
    """Keep (or replace, until signed off) a session's review JSON; annotations stay."""
    if not isinstance(review, dict):
        raise RecordInvalid("review: expected a JSON object")
    with transaction(conn):
        conn.execute(
            "INSERT INTO reviews (session_id, review, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT(session_id) DO UPDATE SET review = excluded.review,"
            " created_at = excluded.created_at WHERE reviews.signed_off_at IS NULL",
            (session_id, json.dumps(review), iso()),
        )


def _row(conn: sqlite3.Connection, session_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT r.*, s.officer_id, u.display_name AS signed_off_by_name FROM reviews r"
        " JOIN sessions s ON s.id = r.session_id LEFT JOIN users u ON u.id = r.signed_off_by"
        " WHERE r.session_id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        raise RecordNotFound(f"no review for session {session_id!r}")
    return row


def review_officer(conn: sqlite3.Connection, session_id: str) -> str:
    """The officer a review belongs to (for officer-scoped access checks)."""
    return str(_row(conn, session_id)["officer_id"])


def get_review(conn: sqlite3.Connection, session_id: str) -> dict[str, Any]:
    """A session's review JSON with its annotations and sign-off."""
    row = _row(conn, session_id)
    notes = conn.execute(
        "SELECT a.id, a.created_at, a.competency, a.t, a.text, u.display_name AS author"
        " FROM annotations a JOIN users u ON u.id = a.author_id"
        " WHERE a.session_id = ? ORDER BY a.id",
        (session_id,),
    )
    signed = None
    if row["signed_off_at"] is not None:
        signed = {
            "by": row["signed_off_by_name"],
            "at": row["signed_off_at"],
            "note": row["signoff_note"],
        }
    return {
        "session_id": session_id,
        "officer_id": row["officer_id"],
        "review": json.loads(row["review"]),
        "created_at": row["created_at"],
        "annotations": [dict(n) for n in notes],
        "signed_off": signed,
    }


def annotate(
    conn: sqlite3.Connection,
    session_id: str,
    author_id: int,
    text: str,
    competency: str | None = None,
    t: float | None = None,
) -> dict[str, Any]:
    """Add an instructor's note to a review (not once it is signed off)."""
    with transaction(conn):
        if _row(conn, session_id)["signed_off_at"] is not None:
            raise RecordConflict("this review is signed off; annotations are closed")
        conn.execute(
            "INSERT INTO annotations (session_id, author_id, created_at, competency, t, text)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, author_id, iso(), competency, t, text),
        )
        return get_review(conn, session_id)


def sign_off(
    conn: sqlite3.Connection, session_id: str, user_id: int, note: str = ""
) -> dict[str, Any]:
    """Sign a review off (once); afterwards it no longer changes."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE reviews SET signed_off_by = ?, signed_off_at = ?, signoff_note = ?"
            " WHERE session_id = ? AND signed_off_at IS NULL",
            (user_id, iso(), note, session_id),
        )
        if cur.rowcount == 0:
            _row(conn, session_id)  # raises RecordNotFound when there is no review
            raise RecordConflict("this review is already signed off")
        return get_review(conn, session_id)
