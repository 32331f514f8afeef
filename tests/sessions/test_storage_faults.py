"""A full disk loses no session and holds no slot; turns reach the records as they happen."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from appliance.audio.frames import SAMPLE_RATE
from appliance.engine import Engine
from appliance.settings import Settings
from headset_client import HeadsetClient

from ..live_app import pair_device
from .own_app import fill, own_app, small_disk, until

Speak = Callable[[str], np.ndarray]
LINE = "Hi, I'm Officer Reyes with the police department. What's your name?"


def api(url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url, timeout=120, headers={"Authorization": f"Bearer {token}"}
    )


def record(db: Path, session_id: str) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        turns = conn.execute("SELECT COUNT(*) FROM turns WHERE session_id = ?", (session_id,))
        return {**dict(row), "turns": turns.fetchone()[0]}


async def one_turn(url: str, token: str, speak: Speak) -> tuple[HeadsetClient, str]:
    client = HeadsetClient(url, scenario_id="overpass_voices", token=token)
    await client.__aenter__()
    await client.say(speak(LINE), SAMPLE_RATE)
    await client.wait_reply(timeout_s=180)
    assert client.session is not None
    return client, client.session.session_id


async def test_a_full_disk_at_the_json_copy_keeps_the_session(
    settings: Settings,
    engine: Engine,
    speak: Speak,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ENOSPC writing the JSON copy: the end answers, the record is saved, /healthz says so."""
    data = tmp_path / "data"
    db = data / "records.sqlite3"
    original = Path.write_text

    def disk_full(self: Path, *args: Any, **kwargs: Any) -> int:
        if self.parent == data / "sessions" and self.name.endswith(".tmp"):
            original(self, "")  # what a full disk leaves: an empty file, then the error
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return original(self, *args, **kwargs)

    async with own_app(settings, engine, data) as app:
        token = (await pair_device(app.state.records, "Officer Reyes", "D-1")).token
        url = app.state.test_url
        client, sid = await one_turn(url, token, speak)
        try:
            # the turns are in the records before the session ends
            await until(lambda: record(db, sid)["turns"] >= 2, 10, "turns in the records")
            async with api(url, token) as http:
                with monkeypatch.context() as m:
                    m.setattr(Path, "write_text", disk_full)
                    ended = await http.delete(f"/api/sessions/{sid}")
                client.ended = {"session_id": sid}
                health = await http.get("/healthz")
        finally:
            await client.__aexit__(None, None, None)
        assert ended.status_code == 200, ended.text
        assert not list((data / "sessions").glob("*.tmp")), "a half-written copy was left"
        saved = record(db, sid)
        assert saved["status"] == "finished" and saved["ended_at"] and saved["turns"] >= 2
        storage = health.json()["storage"]
        assert health.status_code == 503 and storage["state"] == "failed"
        assert "ENOSPC" in storage["detail"], storage
    async with own_app(settings, engine, data) as app:  # after a restart: from the records
        async with api(app.state.test_url, token) as http:
            transcript = (await http.get(f"/api/sessions/{sid}/transcript")).json()
    assert len(transcript["turns"]) == saved["turns"] and transcript["outcome"] == "ended"


async def test_a_full_disk_refuses_cleanly_and_loses_nothing(
    settings: Settings, engine: Engine, speak: Speak, tmp_path: Path
) -> None:
    """A really full disk (tmpfs): creates answer 507 and free their slot; an end keeps the
    session in memory, answers 507, and saves it once space returns."""
    with small_disk(tmp_path / "disk") as disk:
        if disk is None:
            pytest.skip("mounting a tmpfs needs root")
        db = disk / "records.sqlite3"
        async with own_app(settings, engine, disk) as app:
            storage = getattr(app.state, "storage", None)
            if storage is not None:  # a 16 MiB disk is fine here: only a failed write counts
                storage.min_free = storage.low_free = 0
            manager = app.state.sessions
            token = (await pair_device(app.state.records, "Officer Reyes", "D-1")).token
            url = app.state.test_url
            async with api(url, token) as http:
                filler = fill(disk)
                for _ in range(manager.capacity + 1):
                    refused = await http.post(
                        "/api/sessions", json={"scenario_id": "overpass_voices"}
                    )
                    assert refused.status_code == 507, refused.text
                    assert refused.json()["code"] == "storage_full"
                assert manager.free == manager.capacity
                assert (await http.get("/healthz")).json()["storage"]["state"] == "failed"
                filler.unlink()

                client, sid = await one_turn(url, token, speak)  # a slot is free again
                try:
                    await until(lambda: record(db, sid)["turns"] >= 2, 10, "turns in the records")
                    filler = fill(disk)
                    ended = await http.delete(f"/api/sessions/{sid}")
                    client.ended = {"session_id": sid}
                finally:
                    await client.__aexit__(None, None, None)
                assert ended.status_code == 507 and ended.json()["code"] == "storage_full"
                assert "kept in memory" in ended.json()["detail"]
                assert manager.free == manager.capacity
                held = (await http.get(f"/api/sessions/{sid}/transcript")).json()
                assert len(held["turns"]) >= 2 and held["outcome"] == "ended"
                health = await http.get("/healthz")
                assert health.status_code == 503 and health.json()["storage"]["state"] == "failed"

                filler.unlink()
                await manager.store.retry()
                saved = record(db, sid)
                assert saved["status"] == "finished" and saved["turns"] == len(held["turns"])
                assert (await http.get("/healthz")).json()["storage"]["state"] == "ok"
                assert (disk / "sessions" / f"{sid}.json").is_file()


async def test_a_session_that_never_connects_frees_its_slot(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    async with own_app(settings, engine, tmp_path / "data") as app:
        manager = app.state.sessions
        manager.connect_timeout_s = 2.0  # server.connect_timeout_s (60 s by default)
        token = (await pair_device(app.state.records, "Officer Reyes", "D-1")).token
        async with api(app.state.test_url, token) as http:
            made = await http.post("/api/sessions", json={"scenario_id": "overpass_voices"})
            assert made.status_code == 201 and manager.free == manager.capacity - 1
            sid = made.json()["session_id"]
            await until(lambda: manager.free == manager.capacity, 15, "the slot to be freed")
            transcript = (await http.get(f"/api/sessions/{sid}/transcript")).json()
        assert transcript["outcome"] == "not_connected"
        assert record(tmp_path / "data" / "records.sqlite3", sid)["status"] == "finished"
