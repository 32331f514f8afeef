"""Raw audio: not kept unless configured, and deleted after the retention period."""

from __future__ import annotations

import os
import time
from pathlib import Path

from appliance.records.audio import DAY_S, audio_dir, register_audio, sweep_audio
from appliance.records.db import open_db
from appliance.records.sessions import store_session
from appliance.settings import RecordsSection
from tests.records.helpers import transcript


def _wav(folder: Path, name: str, age_days: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"RIFF")
    old = time.time() - age_days * DAY_S
    os.utime(path, (old, old))
    return path


def test_audio_is_dropped_when_keeping_is_off(tmp_path: Path) -> None:
    folder = audio_dir(tmp_path / "records.sqlite3")
    off = RecordsSection()
    with open_db(tmp_path / "records.sqlite3") as conn:
        store_session(conn, transcript(), None)
        wav = _wav(folder, "s-1.wav", 0)
        assert register_audio(conn, off, "s-1", wav) is False and not wav.exists()
        stray = _wav(folder, "stray.wav", 0)
        assert sweep_audio(conn, off, folder) == 1 and not stray.exists()


def test_retention_is_enforced(tmp_path: Path) -> None:
    folder = audio_dir(tmp_path / "records.sqlite3")
    keep = RecordsSection(keep_audio=True, audio_retention_days=7)
    with open_db(tmp_path / "records.sqlite3") as conn:
        store_session(conn, transcript(), None)
        fresh = _wav(folder, "fresh.wav", 1)
        assert register_audio(conn, keep, "s-1", fresh)
        orphan_old = _wav(folder, "orphan.wav", 30)
        old = _wav(folder, "old.wav", 0)
        register_audio(conn, keep, "s-1", old)
        conn.execute(
            "UPDATE audio_files SET created_ts = ? WHERE path = ?",
            (time.time() - 8 * DAY_S, str(old)),
        )
        assert sweep_audio(conn, keep, folder) == 2
        assert fresh.exists() and not old.exists() and not orphan_old.exists()
        assert [r[0] for r in conn.execute("SELECT path FROM audio_files")] == [str(fresh)]
        assert (
            sweep_audio(conn, keep, folder, now=time.time() + 10 * DAY_S) == 1
            and not fresh.exists()
        )
