"""The appliance over HTTPS on loopback for a real browser, sharing the test run's engine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio
from fastapi import FastAPI

from appliance.app import create_app
from appliance.audio.frames import SAMPLE_RATE, resample, write_wav
from appliance.certificates import uvicorn_ssl_kwargs
from appliance.engine import Engine
from appliance.settings import Settings

from ..live_app import served

WAV_RATE = 48_000


@pytest_asyncio.fixture(scope="module")
async def tls_app(
    settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    """The app served with the appliance's own (generated) certificate; ``state.test_url``.

    It keeps session audio (for the console's replay), on records of its own: an appliance with
    keep_audio off sweeps every recording in its records folder away.
    """
    records = tmp_path_factory.mktemp("browser-records") / "records.sqlite3"
    keep = settings.records.model_copy(update={"path": records, "keep_audio": True})
    kept = settings.model_copy(update={"records": keep})
    app = create_app(kept, engine, advertise=False)
    async with served(app, **uvicorn_ssl_kwargs(settings)) as url:
        app.state.test_url = url
        yield app


@pytest.fixture(scope="module")
def officer_wav(
    tmp_path_factory: pytest.TempPathFactory, speak: Callable[[str], np.ndarray]
) -> Callable[[list[str], float, float], Path]:
    """Write officer lines, spoken by the bundled voice, as the browser's fake microphone."""

    def build(lines: list[str], lead_s: float, gap_s: float) -> Path:
        parts = [np.zeros(int(lead_s * SAMPLE_RATE), np.float32)]
        for line in lines:
            parts += [speak(line), np.zeros(int(gap_s * SAMPLE_RATE), np.float32)]
        path = tmp_path_factory.mktemp("mic") / "officer.wav"
        write_wav(path, resample(np.concatenate(parts), SAMPLE_RATE, WAV_RATE), WAV_RATE)
        return path

    return build
