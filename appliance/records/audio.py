"""Session audio: kept only when ``records.keep_audio`` is on, deleted after retention."""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from appliance.errors import RecordNotFound
from appliance.records.db import transaction
from appliance.settings import RecordsSection, Settings

log = logging.getLogger(__name__)
DAY_S = 86400.0


def audio_dir(records_path: Path) -> Path:
    """Where session audio lives: next to the database."""
    return records_path.parent / "audio"


@dataclass(frozen=True)
class AudioPolicy:
    """Whether sessions are recorded, where, and for how long (``[records]``)."""

    folder: Path
    section: RecordsSection

    def path_for(self, session_id: str) -> Path | None:
        """Where a new session's recording goes; None when audio is not kept."""
        return self.folder / f"{session_id}.ogg" if self.section.keep_audio else None


def audio_policy(settings: Settings) -> AudioPolicy:
    """The policy the settings name."""
    return AudioPolicy(audio_dir(settings.resolve(settings.records.path)), settings.records)


def session_audio(conn: sqlite3.Connection, session_id: str) -> Path:
    """The recording of a session; RecordNotFound when none is kept (off, or past retention)."""
    row = conn.execute(
        "SELECT path FROM audio_files WHERE session_id = ? ORDER BY created_ts DESC LIMIT 1",
        (session_id,),
    ).fetchone()
    if row is None or not Path(row["path"]).is_file():
        raise RecordNotFound(
            f"session {session_id!r} has no recorded audio to replay: audio is kept only while"
            " [records] keep_audio is on, and only for audio_retention_days"
        )
    return Path(row["path"])


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
