"""The real appliance process under faults: a dead device, kill -9, and restore while it runs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
import pytest_asyncio

from appliance.audio.frames import SAMPLE_RATE
from benchmarks.appliance_process import REPO, ApplianceProcess, isolated_env
from benchmarks.devices import pair_devices
from benchmarks.process_stats import children, cmdline
from headset_client import HeadsetClient

from .own_app import until

pytestmark = pytest.mark.slow
Speak = Callable[[str], np.ndarray]
DEVICE = """
import asyncio, sys
from headset_client import HeadsetClient
async def main():
    async with HeadsetClient(sys.argv[1], token=sys.argv[2], scenario_id="overpass_voices") as c:
        await c.wait_event("persona.state", 60)
        await asyncio.sleep(1.0)  # audio is flowing
        print("connected", flush=True)
        await asyncio.sleep(600)
asyncio.run(main())
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def appliance_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "appliance", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def session_row(db: Path, session_id: str) -> tuple[sqlite3.Row, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        turns = conn.execute("SELECT COUNT(*) FROM turns WHERE session_id = ?", (session_id,))
        return row, int(turns.fetchone()[0])


@dataclass(frozen=True)
class Running:
    """A serving appliance process, its environment, records and two device tokens."""

    proc: ApplianceProcess
    env: dict[str, str]
    db: Path
    log: Path
    tokens: list[str]


@contextlib.asynccontextmanager
async def running(folder: Path, tokens: list[str] | None = None) -> AsyncIterator[Running]:
    env = isolated_env(folder, profile="cpu-embedded", max_sessions=2)
    env["CODEBLU_LLM__START"] = '"always"'  # an LLM child too, to see it die with the appliance
    db = folder / "records.sqlite3"
    tokens = tokens or await asyncio.to_thread(pair_devices, db, 2)
    log = folder / "appliance.log"
    async with ApplianceProcess(env, log) as proc:
        yield Running(proc, env, db, log, tokens)


@pytest_asyncio.fixture(scope="module")
async def appliance(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    async with running(tmp_path_factory.mktemp("running")) as run:
        yield run


async def test_restore_refuses_while_the_appliance_runs(appliance: Running) -> None:
    backup = appliance.db.with_name("backup.sqlite3")
    assert appliance_cli(appliance.env, "backup", "--out", str(backup)).returncode == 0
    refused = appliance_cli(appliance.env, "restore", str(backup))
    assert refused.returncode == 1 and "the appliance is running" in refused.stderr
    assert not list(appliance.db.parent.glob("*.before-restore-*"))


async def test_a_dead_device_frees_its_slot_within_seconds(appliance: Running) -> None:
    url, token = appliance.proc.url, appliance.tokens[1]
    device = await asyncio.create_subprocess_exec(
        sys.executable, "-c", DEVICE, url, token, cwd=REPO, stdout=subprocess.PIPE
    )
    try:
        assert device.stdout is not None
        assert (await device.stdout.readline()).strip() == b"connected"
    finally:
        device.kill()  # no goodbye: as a headset whose battery died
        await device.wait()
    killed = time.monotonic()
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}
    ) as http:

        async def all_free() -> bool:
            return bool((await http.get("/api/sessions")).json()["free"] == 2)

        await until(all_free, 40, "the dead device's slot")
    assert time.monotonic() - killed < 10
    await asyncio.sleep(1.0)
    assert "Task exception was never retrieved" not in appliance.log.read_text()


async def test_kill_9_loses_no_finished_turn(tmp_path: Path, speak: Speak) -> None:
    async with running(tmp_path) as run:
        db, token = run.db, run.tokens[0]
        async with HeadsetClient(
            run.proc.url, scenario_id="overpass_voices", token=token
        ) as client:
            await client.say(speak("Hi, I'm Officer Reyes. What's your name?"), SAMPLE_RATE)
            await client.wait_reply(timeout_s=180)
            assert client.session is not None
            sid = client.session.session_id
            await until(lambda: session_row(db, sid)[1] >= 2, 10, "turns in the records")
            llm = [p for p in children(run.proc.pid) if "llama" in cmdline(p)]
            assert len(llm) == 1
            assert await run.proc.kill() == -signal.SIGKILL
            await until(lambda: not alive(llm[0]), 15, "the LLM child to end")
            await client.drop()
    row, turns = session_row(db, sid)
    assert row["status"] == "live" and turns >= 2  # as the crash left it

    async with running(tmp_path, run.tokens) as run:
        row, kept = session_row(db, sid)
        assert row["status"] == "finished" and row["outcome"] == "interrupted"
        assert row["ended_at"] is not None and row["active_seconds"] > 0 and kept == turns
        async with httpx.AsyncClient(
            base_url=run.proc.url, headers={"Authorization": f"Bearer {token}"}
        ) as http:
            transcript = (await http.get(f"/api/sessions/{sid}/transcript")).json()
        assert len(transcript["turns"]) == turns and transcript["outcome"] == "interrupted"
