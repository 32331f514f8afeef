"""Lines synthesized ahead wait while a call is live: the call keeps the voice and the CPU."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from appliance.engine import Engine
from appliance.inference.speech_cache import SpeechCache
from appliance.inference.tts import NeutralStyle
from appliance.settings import Settings

from ..live_app import pair_device
from .own_app import own_app


async def test_work_that_waits_for_quiet_starts_when_the_last_call_ends(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    assert engine.tts is not None
    cache = SpeechCache(engine.tts, tmp_path / "speech", "voice")
    async with own_app(settings, engine, tmp_path / "data") as app:
        manager = app.state.sessions
        await asyncio.wait_for(manager.quiet(), 5)  # no call: at once
        token = (await pair_device(app.state.records, "Officer Reyes", "D-1")).token
        auth = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=app.state.test_url, headers=auth, timeout=60) as http:
            made = await http.post("/api/sessions", json={"scenario_id": "overpass_voices"})
            assert made.status_code == 201
            line = [("Leave me alone.", NeutralStyle())]
            warm = asyncio.ensure_future(cache.warm(line, manager.quiet))
            await asyncio.sleep(1.0)
            assert not warm.done()
            assert not list((tmp_path / "speech").rglob("*.npy"))  # nothing made during the call
            ended = await http.delete(f"/api/sessions/{made.json()['session_id']}")
            assert ended.status_code == 200
            assert await asyncio.wait_for(warm, 30) == 1
        assert len(list((tmp_path / "speech").rglob("*.npy"))) == 1
