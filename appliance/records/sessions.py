"""Training sessions: started when a live session opens, saved whole when it ends."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Any

from appliance.errors import RecordConflict, RecordInvalid, RecordNotFound
from appliance.records.assignments import complete_open_assignment
from appliance.records.clock import iso, parse_iso
from appliance.records.db import Database, transaction
from appliance.records.officers import ensure_officer
from appliance.records.reviews import store_review

# Outcomes of sessions cut short: they neither complete an assignment nor count as completed.
# "interrupted": the appliance died during it; "not_connected": the device never connected.
NOT_COMPLETED = frozenset({"shutdown", "error", "failed_to_start", "interrupted", "not_connected"})
EVENT_KINDS = (("state_timeline", "state"), ("events", "event"), ("timings", "timing"))


def _need(transcript: dict[str, Any], key: str, kind: type) -> Any:
    value = transcript.get(key)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise RecordInvalid(f"transcript.{key}: missing or not a {kind.__name__}")
    return value


def _identity(transcript: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """Session id, officer id and name, scenario id and start time (ISO UTC) of a transcript."""
    if not isinstance(transcript, dict):
        raise RecordInvalid("transcript: expected a JSON object")
    officer = _need(transcript, "officer", dict)
    officer_id, name = officer.get("id"), officer.get("name", "")
    if not isinstance(officer_id, str) or not officer_id or not isinstance(name, str):
        raise RecordInvalid("transcript.officer: needs a string id and name")
    try:
        started = iso(parse_iso(_need(transcript, "started_at", str)).timestamp())
    except ValueError:
        raise RecordInvalid("transcript.started_at: not an ISO-8601 timestamp") from None
    session_id = _need(transcript, "session_id", str)
    return session_id, officer_id, name, _need(transcript, "scenario_id", str), started


def _demo(transcript: dict[str, Any]) -> int:
    """1 for a demo call (``"demo": true``: never training hours), else 0."""
    return int(transcript.get("demo") is True)


def begin_session(conn: sqlite3.Connection, transcript: dict[str, Any]) -> None:
    """Record that a session started (officer, scenario, start time) — from its first transcript."""
    session_id, officer_id, name, scenario_id, started = _identity(transcript)
    with transaction(conn):
        ensure_officer(conn, officer_id, name)
        try:
            conn.execute(
                "INSERT INTO sessions (id, officer_id, scenario_id, started_at, demo)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, officer_id, scenario_id, started, _demo(transcript)),
            )
        except sqlite3.IntegrityError:
            raise RecordConflict(f"session {session_id!r} was already started") from None


def turn_row(session_id: str, seq: int, turn: Any) -> tuple[Any, ...]:
    """A transcript turn as a row of the ``turns`` table."""
    try:
        speaker, text = turn["speaker"], turn["text"]
        start, end = float(turn["start"]), float(turn["end"])
        if not isinstance(speaker, str) or not isinstance(text, str):
            raise TypeError
    except (KeyError, TypeError, ValueError):
        raise RecordInvalid(
            f"transcript.turns[{seq}]: needs speaker, start, end and text"
        ) from None
    # The features column keeps the turn's measures and, under "analysis", the live call's
    # dialogue analysis of it (the review reuses it).
    features = turn.get("features")
    if isinstance(turn.get("analysis"), dict):
        features = {**(features or {}), "analysis": turn["analysis"]}
    return (
        session_id,
        seq,
        speaker,
        start,
        end,
        text,
        int(bool(turn.get("interrupted"))),
        None if features is None else json.dumps(features),
    )


def _active_seconds(transcript: dict[str, Any]) -> float:
    ended = transcript.get("ended_at_s")
    if isinstance(ended, int | float) and ended >= 0:
        return float(ended)
    ends = [float(t.get("end", 0)) for t in transcript.get("turns", []) if isinstance(t, dict)]
    return max(ends, default=0.0)


def store_session(
    conn: sqlite3.Connection, transcript: dict[str, Any], review: dict[str, Any] | None
) -> None:
    """Save a finished session whole — row, turns, events, review, assignment — or nothing."""
    session_id, officer_id, name, scenario_id, started = _identity(transcript)
    turns = transcript.get("turns", [])
    if not isinstance(turns, list):
        raise RecordInvalid("transcript.turns: expected a list")
    rows = [turn_row(session_id, i, t) for i, t in enumerate(turns)]
    active = _active_seconds(transcript)
    ended = iso((parse_iso(started) + timedelta(seconds=active)).timestamp())
    outcome = str(transcript.get("outcome") or "ended")
    with transaction(conn):
        ensure_officer(conn, officer_id, name)
        signed = conn.execute(
            "SELECT signed_off_at FROM reviews WHERE session_id = ?", (session_id,)
        ).fetchone()
        if signed is not None and signed["signed_off_at"] is not None:
            raise RecordConflict(f"session {session_id!r} is signed off and cannot be overwritten")
        conn.execute(
            "INSERT INTO sessions (id, officer_id, scenario_id, started_at, demo)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            (session_id, officer_id, scenario_id, started, _demo(transcript)),
        )
        row = conn.execute(
            "SELECT officer_id, assignment_id FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row["officer_id"] != officer_id:
            raise RecordConflict(f"session {session_id!r} belongs to another officer")
        assignment = row["assignment_id"]
        if assignment is None and outcome not in NOT_COMPLETED:
            assignment = complete_open_assignment(conn, officer_id, scenario_id, session_id)
        conn.execute(
            "UPDATE sessions SET scenario_id = ?, started_at = ?, ended_at = ?, active_seconds = ?,"
            " outcome = ?, status = 'finished', assignment_id = ? WHERE id = ?",
            (scenario_id, started, ended, active, outcome, assignment, session_id),
        )
        conn.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
        conn.executemany("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("DELETE FROM session_events WHERE session_id = ?", (session_id,))
        for key, kind in EVENT_KINDS:
            items = transcript.get(key) or []
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise RecordInvalid(f"transcript.{key}: expected a list of objects")
            conn.executemany(
                "INSERT INTO session_events (session_id, kind, seq, t, body)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (session_id, kind, i, event_t(item), json.dumps(item))
                    for i, item in enumerate(items)
                ],
            )
        if review is not None:
            store_review(conn, session_id, review)


def event_t(item: dict[str, Any]) -> float | None:
    """An event's session time, if it has one."""
    t = item.get("t")
    return float(t) if isinstance(t, int | float) else None


async def record_session_start(db: Database, transcript: dict[str, Any]) -> None:
    """Called by the live session when it opens (its first transcript: ids and start time)."""
    await db.run(begin_session, transcript)


async def save_session(
    db: Database, transcript: dict[str, Any], review: dict[str, Any] | None
) -> None:
    """Called by the live session when it ends: durable, all or nothing, before this returns."""
    await db.run(store_session, transcript, review)


_SUMMARY = (
    "SELECT s.*, o.name AS officer_name, o.post_id, o.agency,"
    " r.session_id IS NOT NULL AS has_review, r.signed_off_at,"
    " EXISTS (SELECT 1 FROM audio_files a WHERE a.session_id = s.id) AS has_audio"
    " FROM sessions s JOIN officers o ON o.id = s.officer_id"
    " LEFT JOIN reviews r ON r.session_id = s.id"
)


def _summary(row: sqlite3.Row) -> dict[str, Any]:
    out = {k: row[k] for k in row.keys()}
    out["has_review"] = bool(out["has_review"])
    out["has_audio"] = bool(out["has_audio"])
    out["demo"] = bool(out["demo"])
    out["active_minutes"] = round(float(out["active_seconds"]) / 60.0, 1)
    return out


def list_sessions(
    conn: sqlite3.Connection, officer_id: str | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """Sessions newest first, optionally one officer's."""
    rows = conn.execute(
        _SUMMARY + " WHERE (?1 IS NULL OR s.officer_id = ?1) ORDER BY s.started_at DESC, s.id"
        " LIMIT ?2 OFFSET ?3",
        (officer_id, limit, offset),
    )
    return [_summary(r) for r in rows]


def get_session(conn: sqlite3.Connection, session_id: str) -> dict[str, Any]:
    """One session's summary row."""
    row = conn.execute(_SUMMARY + " WHERE s.id = ?", (session_id,)).fetchone()
    if row is None:
        raise RecordNotFound(f"no recorded session {session_id!r}")
    return _summary(row)


def transcript_of(conn: sqlite3.Connection, session_id: str) -> dict[str, Any]:
    """A recorded session rebuilt in the transcript-JSON shape of docs/ARCHITECTURE.md."""
    s = get_session(conn, session_id)
    turns = []
    for r in conn.execute("SELECT * FROM turns WHERE session_id = ? ORDER BY seq", (session_id,)):
        turn: dict[str, Any] = {
            "speaker": r["speaker"],
            "start": r["start_s"],
            "end": r["end_s"],
            "text": r["text"],
        }
        if r["features"] is not None:
            extras = json.loads(r["features"])
            if isinstance(extras.get("analysis"), dict):
                turn["analysis"] = extras.pop("analysis")
            if extras or "analysis" not in turn:
                turn["features"] = extras
        if r["interrupted"]:
            turn["interrupted"] = True
        turns.append(turn)
    out: dict[str, Any] = {
        "session_id": session_id,
        "scenario_id": s["scenario_id"],
        "officer": {"id": s["officer_id"], "name": s["officer_name"]},
        "started_at": s["started_at"],
        "turns": turns,
    }
    for key, kind in EVENT_KINDS:
        rows = conn.execute(
            "SELECT body FROM session_events WHERE session_id = ? AND kind = ? ORDER BY seq",
            (session_id, kind),
        )
        out[key] = [json.loads(r["body"]) for r in rows]
    out["outcome"], out["ended_at_s"] = s["outcome"], s["active_seconds"]
    if s["demo"]:
        out["demo"] = True
    return out
