"""Backup while sessions are written (SQLite online backup), and restore that refuses a bad file."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from appliance.errors import RecordsError
from appliance.records import backup, restore
from appliance.records.backup import copy_database, integrity_problem
from appliance.records.db import connect, open_db
from appliance.records.sessions import store_session
from tests.records.helpers import review, transcript


def _write_sessions(path: Path, stop: threading.Event, written: list[int]) -> None:
    conn = connect(path)
    try:
        n = 0
        while not stop.is_set():
            store_session(conn, transcript(f"s-{n}", officer_id=f"o-{n % 7}"), review(n % 100))
            n += 1
            written.append(n)
    finally:
        conn.close()


def test_backup_while_writing_is_consistent(tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite3"
    connect(db).close()
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_write_sessions, args=(db, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        copies = []
        for i in range(3):
            out = tmp_path / f"backup-{i}.sqlite3"
            copy_database(db, out)
            copies.append(out)
    finally:
        stop.set()
        writer.join()
    sizes = []
    for out in copies:
        assert integrity_problem(out) is None
        with sqlite3.connect(out) as conn:
            n = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
            # every session in the copy is whole: its turns, events and review came with it
            partial = conn.execute(
                "SELECT COUNT(*) FROM sessions s"
                " WHERE (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) <> 2"
                " OR NOT EXISTS (SELECT 1 FROM reviews r WHERE r.session_id = s.id)"
            ).fetchone()[0]
            assert partial == 0 and 20 <= n <= len(written)
            assert (
                conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            )  # one self-contained file
            sizes.append(n)
    assert sizes == sorted(sizes)


def test_backup_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.sqlite3"
    with open_db(db) as conn:
        store_session(conn, transcript(), review())
    monkeypatch.setenv("CODEBLU_RECORDS__PATH", f'"{db}"')
    out = tmp_path / "nightly" / "codeblu.sqlite3"
    assert backup.main(["--out", str(out)]) == 0
    assert "integrity ok" in capsys.readouterr().out and integrity_problem(out) is None
    assert backup.main(["--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert backup.main(["--out", str(out), "--force"]) == 0
    assert (
        backup.main(["--out", str(tmp_path / "x.sqlite3"), "--db", str(tmp_path / "none.sqlite3")])
        == 1
    )
    assert "no records database to copy" in capsys.readouterr().err


def test_restore_refuses_a_corrupt_file_and_keeps_the_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.sqlite3"
    with open_db(db) as conn:
        store_session(conn, transcript(), review())
    good = tmp_path / "good.sqlite3"
    copy_database(db, good)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(good.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):  # scribble over every page after the schema
        data[offset + 8 : offset + 200] = b"\xff" * 192
    damaged.write_bytes(bytes(data))
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    for bad, reason in (
        (garbage, "refusing to restore"),
        (damaged, "integrity check failed"),
        (other, "not a CodeBlu records database"),
        (tmp_path / "missing", "no such file"),
    ):
        with pytest.raises(RecordsError, match=reason):
            restore.restore(bad, db)
        assert restore.main([str(bad), "--db", str(db)]) == 1
        assert "refusing to restore" in capsys.readouterr().err
    with open_db(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 2


def test_restore_replaces_records_and_keeps_the_previous_copy(tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite3"
    with open_db(db) as conn:
        store_session(conn, transcript("old"), review())
    snapshot = tmp_path / "snapshot.sqlite3"
    copy_database(db, snapshot)
    with open_db(db) as conn:
        store_session(conn, transcript("newer"), review())
    saved = restore.restore(snapshot, db)
    assert saved is not None and saved.is_file()
    with open_db(db) as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM sessions")] == ["old"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with sqlite3.connect(saved) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT id FROM sessions")) == ["newer", "old"]
