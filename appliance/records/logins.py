"""Console log-ins: server-side sessions behind a cookie, and the audit of every attempt."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from appliance.records.clock import iso
from appliance.records.db import transaction
from appliance.records.tokens import digest, new_token
from appliance.records.users import User, get_user

AUDIT_KEEP_ROWS = 10_000  # the newest attempts kept; a flood cannot grow the table without bound


@dataclass(frozen=True)
class WebSession:
    """A logged-in console session: its cookie secret, CSRF token and expiry (Unix seconds)."""

    token: str
    csrf_token: str
    expires_ts: float


@dataclass(frozen=True)
class SessionLookup:
    """What a cookie stands for: the account and CSRF token, or why it no longer works."""

    user: User | None
    csrf_token: str = ""
    expired: bool = False


def audit(
    conn: sqlite3.Connection, username: str, ip: str, outcome: str, user_id: int | None = None
) -> None:
    """Record one login attempt (or logout), keeping only the newest ``AUDIT_KEEP_ROWS``."""
    with transaction(conn):
        newest = conn.execute(
            "INSERT INTO login_audit (at, username, user_id, ip, outcome) VALUES (?, ?, ?, ?, ?)",
            (iso(), username[:128], user_id, ip, outcome),
        ).lastrowid
        conn.execute("DELETE FROM login_audit WHERE id <= ?", (int(newest or 0) - AUDIT_KEEP_ROWS,))


def open_session(conn: sqlite3.Connection, user: User, ip: str, lifetime_s: float) -> WebSession:
    """Log an account in: a new session row and the audit line, together."""
    token, csrf, now = new_token(), new_token(), time.time()
    with transaction(conn):
        conn.execute("DELETE FROM web_sessions WHERE expires_ts < ?", (now,))
        conn.execute(
            "INSERT INTO web_sessions (token_hash, user_id, csrf_token, created_ts, expires_ts, ip)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (digest(token), user.id, csrf, now, now + lifetime_s, ip),
        )
        audit(conn, user.username, ip, "ok", user.id)
    return WebSession(token, csrf, now + lifetime_s)


def lookup_session(conn: sqlite3.Connection, token: str) -> SessionLookup:
    """The account behind a session cookie; an expired session is deleted and reported."""
    row = conn.execute(
        "SELECT user_id, csrf_token, expires_ts FROM web_sessions WHERE token_hash = ?",
        (digest(token),),
    ).fetchone()
    if row is None:
        return SessionLookup(None)
    if float(row["expires_ts"]) <= time.time():
        with transaction(conn):
            conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (digest(token),))
        return SessionLookup(None, expired=True)
    user = get_user(conn, int(row["user_id"]))
    return SessionLookup(user if user.active else None, str(row["csrf_token"]))


def close_session(conn: sqlite3.Connection, token: str, ip: str) -> None:
    """Log out: delete the session row and audit it."""
    with transaction(conn):
        row = conn.execute(
            "SELECT u.id, u.username FROM web_sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = ?",
            (digest(token),),
        ).fetchone()
        conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (digest(token),))
        if row is not None:
            audit(conn, str(row["username"]), ip, "logout", int(row["id"]))


def recent_audit(conn: sqlite3.Connection, limit: int = 200) -> list[dict[str, object]]:
    """The latest login attempts, newest first."""
    rows = conn.execute(
        "SELECT at, username, user_id, ip, outcome FROM login_audit ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]
