"""A crashing LLM server: restarts with back-off, a limit per window (not per uptime)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from appliance.inference.llm_server import LLMServer
from appliance.inference.models import bundled_llm
from appliance.settings import Settings

from ..conftest import free_port

pytestmark = pytest.mark.slow


async def wait_state(server: LLMServer, state: str, timeout_s: float) -> float:
    started = time.monotonic()
    while server.state != state:
        assert time.monotonic() - started < timeout_s, (server.state, server.detail)
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def test_restart_limit_is_a_window_not_the_uptime(settings: Settings, tmp_path: Path) -> None:
    cfg = settings.llm.model_copy(
        update={
            "port": free_port(),
            "max_restarts": 1,
            "restart_window_s": 20.0,
            "restart_backoff_s": 0.5,
        }
    )
    async with LLMServer(cfg, bundled_llm(), tmp_path / "llm.log") as server:
        assert server.pid is not None
        os.kill(server.pid, signal.SIGKILL)
        await wait_state(server, "restarting", 5)
        await wait_state(server, "ready", 60)
        assert server.restarts == 1 and server.pid is not None
        os.kill(server.pid, signal.SIGKILL)  # the second crash within the window: failed
        await wait_state(server, "failed", 5)
        assert "restarts in the last 20 s" in server.detail and "next try in" in server.detail
        # once the first restart leaves the window, it is tried again, by itself
        await wait_state(server, "ready", 60)
        assert server.restarts == 2
