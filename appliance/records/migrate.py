"""Versioned schema migrations: ``migrations/NNNN_name.sql`` applied once each, in order."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from appliance.errors import RecordsError
from appliance.records.clock import iso

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One schema step: its version number, file name and SQL."""

    version: int
    name: str
    sql: str


def available(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations shipped with this version of the appliance, by version."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise RecordsError(f"{path}: migration files are named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RecordsError(f"{directory}: migration versions must run 1, 2, 3 … without gaps")
    return found


def current_version(conn: sqlite3.Connection) -> int:
    """The highest schema version applied to this database (0 for a new one)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version"
        " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, directory: Path = MIGRATIONS_DIR) -> int:
    """Apply each migration newer than the database in its own transaction; the new version."""
    steps = available(directory)
    version = current_version(conn)
    if version > len(steps):
        raise RecordsError(
            f"the records database is at schema version {version}, newer than this appliance"
            f" ({len(steps)}); upgrade the appliance or restore an older backup"
        )
    for step in steps[version:]:
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in _statements(step.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (step.version, step.name, iso()),
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise RecordsError(f"migration {step.name} failed: {exc}") from exc
    return len(steps)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit mid-migration)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    if buf.strip() and not all(ln.strip().startswith("--") for ln in buf.strip().splitlines()):
        raise RecordsError("migration ends with an incomplete SQL statement")
    return out
