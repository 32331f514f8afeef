"""The records database: durability, migrations, sessions saved whole, surviving restarts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from appliance.errors import RecordConflict, RecordInvalid, RecordsError
from appliance.records.db import Database, connect, open_db
from appliance.records.migrate import MIGRATIONS_DIR, available, current_version, migrate
from appliance.records.reviews import get_review, sign_off
from appliance.records.sessions import (
    get_session,
    record_session_start,
    save_session,
    transcript_of,
)
from appliance.records.users import create_admin, has_admin
from tests.records.helpers import review, transcript


def test_connection_is_wal_with_foreign_keys_and_full_sync(tmp_path: Path) -> None:
    with open_db(tmp_path / "r.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO sessions (id, officer_id, scenario_id, started_at)"
                " VALUES ('s', 'ghost', 'x', 'y')"
            )


def test_migrations_are_versioned_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    connect(path).close()
    with open_db(path) as conn:
        assert migrate(conn) == len(available()) == current_version(conn)
        rows = conn.execute("SELECT version, name FROM schema_version").fetchall()
        assert [tuple(r) for r in rows] == [
            (1, "0001_initial.sql"),
            (2, "0002_access_audit_and_units.sql"),
            (3, "0003_demo_sessions.sql"),
        ]
        conn.execute("INSERT INTO schema_version VALUES (99, '0099_future.sql', 'now')")
    with pytest.raises(RecordsError, match="schema version 99, newer than this appliance"):
        connect(path)


def test_a_failing_migration_leaves_the_schema_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_initial.sql").write_text((MIGRATIONS_DIR / "0001_initial.sql").read_text())
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE extra (x INTEGER);\nALTER TABLE nope ADD COLUMN y;\n"
    )
    conn = connect(tmp_path / "r.sqlite3", migrate_schema=False)
    with pytest.raises(RecordsError, match="0002_broken.sql failed"):
        migrate(conn, folder)
    assert current_version(conn) == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchone() is None


def test_unwritable_records_folder_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(
        RecordsError, match=r"a-file/records.sqlite3: cannot open the records database"
    ):
        connect(blocker / "records.sqlite3")


async def test_records_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    t = transcript()
    async with Database(path) as db:
        await record_session_start(db, {**t, "turns": []})
        assert (await db.run(get_session, "s-1"))["status"] == "live"
        await save_session(db, t, review())
    async with Database(path) as db:
        again = await db.run(transcript_of, "s-1")
        assert again["turns"] == t["turns"] and again["events"] == t["events"]
        assert again["state_timeline"] == t["state_timeline"] and again["timings"] == t["timings"]
        assert again["outcome"] == "resolved" and again["officer"] == t["officer"]
        assert (await db.run(get_review, "s-1"))["review"] == review()
        s = await db.run(get_session, "s-1")
        assert (s["status"], s["ended_at"], s["active_minutes"]) == (
            "finished",
            "2026-11-22T10:09:00Z",
            9.0,
        )


async def test_save_session_is_all_or_nothing(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.sqlite3") as db:
        bad = transcript()
        bad["turns"].append({"speaker": "officer", "text": "no times"})
        with pytest.raises(
            RecordInvalid, match=r"transcript.turns\[2\]: needs speaker, start, end and text"
        ):
            await save_session(db, bad, review())
        broken_events = {**transcript(), "events": ["not an object"]}
        with pytest.raises(RecordInvalid, match="transcript.events"):
            await save_session(db, broken_events, review())  # fails after the turns were inserted

        def counts(conn: sqlite3.Connection) -> list[int]:
            return [
                conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("officers", "sessions", "turns", "session_events", "reviews")
            ]

        assert await db.run(counts) == [0, 0, 0, 0, 0]
        await save_session(db, transcript(), review())
        await save_session(db, transcript(), review(90))  # saving again replaces, not duplicates
        assert await db.run(counts) == [1, 1, 2, 3, 1]


async def test_signed_off_session_cannot_be_overwritten(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.sqlite3") as db:
        await save_session(db, transcript(), review())

        def admin_id(conn: sqlite3.Connection) -> int:
            conn.execute(
                "INSERT INTO users (username, display_name, role, password_hash, created_at)"
                " VALUES ('i', 'I', 'instructor', 'x', 'now')"
            )
            return int(conn.execute("SELECT id FROM users").fetchone()[0])

        await db.run(sign_off, "s-1", await db.run(admin_id))
        with pytest.raises(RecordConflict, match="signed off"):
            await save_session(db, transcript(outcome="changed"), review(1))
        assert (await db.run(get_session, "s-1"))["outcome"] == "resolved"


async def test_session_start_twice_is_a_conflict(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.sqlite3") as db:
        await record_session_start(db, transcript())
        with pytest.raises(RecordConflict, match="already started"):
            await record_session_start(db, transcript())
        with pytest.raises(RecordInvalid, match="transcript.started_at"):
            await record_session_start(db, {**transcript("s-2"), "started_at": "yesterday"})


def test_create_admin_refuses_weak_passwords(tmp_path: Path) -> None:
    with open_db(tmp_path / "r.sqlite3") as conn:
        assert not has_admin(conn)
        for weak, reason in (
            ("", "too short"),
            ("password1234", "too easy"),
            ("aaaaaaaaaaaaaaaaaaaa", "too easy"),
            ("chief-admin-99X", "must not contain the username"),
            ("abcdefghijkl", "too weak"),
        ):
            with pytest.raises(RecordInvalid, match=reason):
                create_admin(conn, "chief-admin", weak)
        assert not has_admin(conn)
        user = create_admin(conn, "chief", "Blue-Harbor-Lantern-42")
        assert user.role == "admin" and has_admin(conn)
        stored = conn.execute("SELECT password_hash FROM users").fetchone()[0]
        assert stored.startswith("$argon2id$") and "Lantern" not in stored
        with pytest.raises(RecordConflict, match="already exists"):
            create_admin(conn, "CHIEF", "Another-Strong-Pass-7")
