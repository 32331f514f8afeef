"""The Pipecat peer builds its pipeline from the bundled models, offline, in its own venv."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from appliance.inference.llm_server import OFFLINE_ENV
from appliance.inference.models import resolve_models
from appliance.settings import load_settings
from benchmarks.peers.authored import authored_matcher
from benchmarks.peers.pipecat_process import PEER_PYTHON, peer_config, persona_system_prompt

REPO = Path(__file__).resolve().parent.parent.parent


def test_persona_prompt_is_the_cards_head_and_initial_state() -> None:
    prompt = persona_system_prompt("overpass_voices")
    assert prompt.startswith("You are ") and "Rules: stay in character" in prompt
    assert "Right now: " in prompt  # the state note our llm voice adds after the officer's line


def test_authored_lines_are_recognised_and_other_text_is_not() -> None:
    is_authored = authored_matcher("overpass_voices")
    assert is_authored("It's all screaming!")
    assert not is_authored("Lemonade 2018. The voice that says echo.")


@pytest.mark.slow
@pytest.mark.skipif(not PEER_PYTHON.is_file(), reason="no var/peers-venv (see requirements.txt)")
def test_peer_builds_its_pipeline_from_bundled_files_without_network(tmp_path: Path) -> None:
    settings = load_settings()
    paths = resolve_models(settings)
    cfg = peer_config(settings, paths, "http://127.0.0.1:9/v1", "You are a test.")
    for key in ("vad_onnx", "smart_turn_onnx", "whisper_dir", "piper_onnx"):
        assert Path(cfg[key]).exists(), key
    (tmp_path / "peer.json").write_text(json.dumps(cfg))
    run = subprocess.run(
        [str(PEER_PYTHON), "-m", "benchmarks.peers.pipecat_bot"]
        + ["--config", str(tmp_path / "peer.json"), "--build-only"],
        cwd=REPO,
        env={**os.environ, **OFFLINE_ENV, "PYTHONPATH": str(REPO), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "built PipelineTask" in run.stdout
    assert "Downloading" not in run.stdout + run.stderr
