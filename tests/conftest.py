"""Shared fixtures: settings isolated in a temporary folder, and one real engine per test run."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio

from appliance.audio.frames import SAMPLE_RATE, int16_to_float, resample
from appliance.engine import Engine
from appliance.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("appliance-data")


@pytest.fixture(scope="session")
def test_env(data_dir: Path) -> dict[str, str]:
    """Environment overrides that keep a test appliance off the real ports and records."""
    return {
        "CODEBLU_APPLIANCE__DATA_DIR": f'"{data_dir}"',
        "CODEBLU_MODELS__CACHE_DIR": f'"{REPO / "var" / "models"}"',
        "CODEBLU_LLM__PORT": str(free_port()),
        "CODEBLU_SERVER__PORT": str(free_port()),
        "CODEBLU_SERVER__LOCAL_PORT": str(free_port()),
        "CODEBLU_RECORDS__PATH": f'"{data_dir / "records.sqlite3"}"',
        "CODEBLU_SERVER__HOST": '"127.0.0.1"',
        "CODEBLU_APPLIANCE__ROOM": f'"Test Room {os.getpid()}"',  # unique on the LAN
        "CODEBLU_LLM__START": '"always"',  # the llm voice and its fallbacks are tested too
        "CODEBLU_PERSONA__PRESYNTHESIZE": "false",  # lines are synthesized as they are needed
    }


@pytest.fixture(scope="session")
def settings(test_env: dict[str, str]) -> Settings:
    return load_settings(environ=test_env)


@pytest_asyncio.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[Engine]:
    async with Engine(settings) as eng:
        yield eng


@pytest.fixture(scope="session")
def speak(engine: Engine) -> Iterator[object]:
    """Synthesize officer speech with the bundled Piper voice, as 16 kHz mono float32."""

    def _speak(text: str) -> np.ndarray:
        assert engine.tts is not None
        speech = engine.tts.synthesize_sync(text)
        return resample(int16_to_float(speech.pcm), speech.sample_rate, SAMPLE_RATE)

    yield _speak
