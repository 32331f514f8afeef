"""Pairing a headset or tablet: a single-use room code yields an officer-scoped bearer token."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from appliance.errors import RecordsError
from appliance.records.db import transaction
from appliance.records.officers import get_officer
from appliance.records.tokens import digest, new_code, new_token, normalise_code


class PairingRefused(RecordsError):
    """A room code that is unknown, expired or already used."""

    code = "pairing_refused"


class PairingCodeUsed(PairingRefused):
    """A room code that was already redeemed (codes are single use)."""

    code = "pairing_code_used"


class PairingCodeExpired(PairingRefused):
    """A room code past its expiry."""

    code = "pairing_code_expired"


@dataclass(frozen=True)
class DeviceGrant:
    """What redeeming a room code gives the device: its token, the officer and expiry."""

    token: str
    officer: dict[str, Any]
    expires_ts: float


def create_code(
    conn: sqlite3.Connection, officer_id: str, created_by: int, lifetime_s: float
) -> tuple[str, float]:
    """A fresh room code for an officer; the code and its expiry (Unix seconds)."""
    with transaction(conn):
        get_officer(conn, officer_id)
        now = time.time()
        conn.execute("DELETE FROM pairing_codes WHERE expires_ts < ?", (now - 86400,))
        for _ in range(8):  # a clash with a live code is unlikely; draw again if it happens
            code = new_code()
            cur = conn.execute(
                "INSERT OR IGNORE INTO pairing_codes (code_hash, officer_id, created_by,"
                " created_ts, expires_ts) VALUES (?, ?, ?, ?, ?)",
                (digest(code), officer_id, created_by, now, now + lifetime_s),
            )
            if cur.rowcount == 1:
                return code, now + lifetime_s
    raise RecordsError("could not draw a unique room code; try again")


def redeem_code(
    conn: sqlite3.Connection, code: str, label: str, token_lifetime_s: float
) -> DeviceGrant:
    """Spend a room code (once) for a device token scoped to its officer."""
    key, now = digest(normalise_code(code)), time.time()
    with transaction(conn):
        row = conn.execute(
            "SELECT officer_id, expires_ts, used_ts FROM pairing_codes WHERE code_hash = ?", (key,)
        ).fetchone()
        if row is None:
            raise PairingRefused("room code not recognised: check it on the console screen")
        if row["used_ts"] is not None:
            raise PairingCodeUsed(
                "this room code was already used: ask the instructor for a new one"
            )
        if float(row["expires_ts"]) <= now:
            raise PairingCodeExpired("this room code has expired: ask the instructor for a new one")
        conn.execute("UPDATE pairing_codes SET used_ts = ? WHERE code_hash = ?", (now, key))
        token = new_token()
        conn.execute(
            "INSERT INTO device_tokens (token_hash, officer_id, label, created_ts, expires_ts)"
            " VALUES (?, ?, ?, ?, ?)",
            (digest(token), row["officer_id"], label, now, now + token_lifetime_s),
        )
        return DeviceGrant(token, get_officer(conn, str(row["officer_id"])), now + token_lifetime_s)


def device_officer(conn: sqlite3.Connection, token: str) -> tuple[str | None, bool]:
    """The officer id a device token is scoped to, and whether the token has expired."""
    row = conn.execute(
        "SELECT officer_id, expires_ts FROM device_tokens WHERE token_hash = ?", (digest(token),)
    ).fetchone()
    if row is None:
        return None, False
    if float(row["expires_ts"]) <= time.time():
        return None, True
    return str(row["officer_id"]), False


def revoke_devices(conn: sqlite3.Connection, officer_id: str) -> int:
    """Unpair every device of an officer; how many tokens were revoked."""
    with transaction(conn):
        return conn.execute(
            "DELETE FROM device_tokens WHERE officer_id = ?", (officer_id,)
        ).rowcount
