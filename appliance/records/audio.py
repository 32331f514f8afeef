"""Raw session audio: kept only when ``records.keep_audio`` is on, deleted after retention."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from appliance.records.db import transaction
from appliance.settings import RecordsSection

log = logging.getLogger(__name__)
DAY_S = 86400.0


def audio_dir(records_path: Path) -> Path:
    """Where session audio lives: next to the database."""
    return records_path.parent / "audio"


def register_audio(
    conn: sqlite3.Connection, section: RecordsSection, session_id: str, path: Path
) -> bool:
    """Record an audio file of a session; when keeping audio is off the file is deleted at once."""
    if not section.keep_audio:
        path.unlink(missing_ok=True)
        return False
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO audio_files (session_id, path, created_ts) VALUES (?, ?, ?)",
            (session_id, str(path), time.time()),
        )
    return True


def sweep_audio(
    conn: sqlite3.Connection, section: RecordsSection, folder: Path, now: float | None = None
) -> int:
    """Delete audio past retention (all of it when keeping audio is off); how many files went."""
    now = time.time() if now is None else now
    cutoff = now - section.audio_retention_days * DAY_S if section.keep_audio else float("inf")
    removed = 0
    with transaction(conn):
        rows = conn.execute(
            "SELECT path FROM audio_files WHERE created_ts < ?", (cutoff,)
        ).fetchall()
        for row in rows:
            Path(row["path"]).unlink(missing_ok=True)
            removed += 1
        conn.execute("DELETE FROM audio_files WHERE created_ts < ?", (cutoff,))
    if folder.is_dir():  # files nobody registered (a crash between write and register) age out too
        for path in folder.rglob("*"):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    if removed:
        log.info("audio retention sweep removed %d file(s)", removed)
    return removed
