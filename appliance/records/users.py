"""Staff accounts (admin, instructor, training officer): creation, lookup and the first admin."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal, get_args

from appliance.errors import RecordConflict, RecordInvalid, RecordNotFound
from appliance.records.clock import iso
from appliance.records.db import transaction
from appliance.records.passwords import check_strength, hash_password

Role = Literal["admin", "instructor", "training_officer"]
ROLES: tuple[str, ...] = get_args(Role)


@dataclass(frozen=True)
class User:
    """A staff account as the API sees it (never the hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    created_at: str

    def public(self) -> dict[str, object]:
        """The account as JSON."""
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "active": self.active,
            "created_at": self.created_at,
        }


def _user(row: sqlite3.Row) -> User:
    return User(
        id=int(row["id"]),
        username=str(row["username"]),
        display_name=str(row["display_name"]),
        role=str(row["role"]),
        active=bool(row["active"]),
        created_at=str(row["created_at"]),
    )


def _valid_username(username: str) -> str:
    name = username.strip()
    if not 3 <= len(name) <= 64 or any(c.isspace() or not c.isprintable() for c in name):
        raise RecordInvalid("username must be 3–64 printable characters without spaces")
    return name


def prepare_password(username: str, password: str) -> str:
    """Check a new password's strength and hash it (slow by design: call off the event loop)."""
    check_strength(password, username.strip())
    return hash_password(password)


def insert_user(
    conn: sqlite3.Connection,
    username: str,
    password_hash: str,
    role: str,
    display_name: str = "",
    created_by: int | None = None,
) -> User:
    """Store a staff account whose password was checked and hashed by ``prepare_password``."""
    name = _valid_username(username)
    if role not in ROLES:
        raise RecordInvalid(f"unknown role {role!r} (valid: {', '.join(ROLES)})")
    with transaction(conn):
        try:
            cur = conn.execute(
                "INSERT INTO users (username, display_name, role, password_hash, created_at,"
                " created_by) VALUES (?, ?, ?, ?, ?, ?)",
                (name, display_name.strip() or name, role, password_hash, iso(), created_by),
            )
        except sqlite3.IntegrityError:
            raise RecordConflict(f"an account named {name!r} already exists") from None
        return get_user(conn, int(cur.lastrowid or 0))


def create_user(
    conn: sqlite3.Connection,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    created_by: int | None = None,
) -> User:
    """Create a staff account with a strong password (for command-line use)."""
    _valid_username(username)
    hashed = prepare_password(username, password)
    return insert_user(conn, username, hashed, role, display_name, created_by)


def create_admin(conn: sqlite3.Connection, username: str, password: str) -> User:
    """The provisioning step: create an admin account; weak passwords are refused."""
    return create_user(conn, username, password, "admin", display_name=username)


def has_admin(conn: sqlite3.Connection) -> bool:
    """Whether an active admin account exists (provisioning asks before creating one)."""
    row = conn.execute("SELECT 1 FROM users WHERE role = 'admin' AND active = 1 LIMIT 1").fetchone()
    return row is not None


def get_user(conn: sqlite3.Connection, user_id: int) -> User:
    """One account by id."""
    row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise RecordNotFound(f"no account with id {user_id}")
    return _user(row)


def credentials(conn: sqlite3.Connection, username: str) -> tuple[User, str] | None:
    """An account and its password hash by username (case-insensitive), or None."""
    row = conn.execute("SELECT * FROM users WHERE username = ?", (username.strip(),)).fetchone()
    return None if row is None else (_user(row), str(row["password_hash"]))


def list_users(conn: sqlite3.Connection) -> list[User]:
    """Every account, by username."""
    return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY username")]


def set_active(conn: sqlite3.Connection, user_id: int, active: bool) -> User:
    """Enable or disable an account; disabling also ends its console sessions."""
    with transaction(conn):
        user = get_user(conn, user_id)
        if user.role == "admin" and user.active and not active:
            others = conn.execute(
                "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> ?",
                (user_id,),
            ).fetchone()[0]
            if not others:
                raise RecordConflict("cannot disable the last active admin account")
        conn.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), user_id))
        if not active:
            conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (user_id,))
        return get_user(conn, user_id)
