"""Start the Pipecat peer: our llama.cpp server as the appliance starts it, then the Pipecat bot.

The models are resolved here, in the appliance's environment, exactly as the appliance resolves
them (``resolve_models``), and handed to the bot by path, so the peer can load nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from appliance.inference.llm_server import LLMServer, server_env
from appliance.inference.models import ModelPaths, bundled_turn_end, resolve_models
from appliance.persona.scenario import load_scenario
from appliance.persona.subject import PersonaEngine
from appliance.settings import Settings
from benchmarks.appliance_process import REPO, free_port

PEER_PYTHON = REPO / "var" / "peers-venv" / "bin" / "python"
SETUP_HINT = (
    "python3.11 -m venv var/peers-venv && "
    "var/peers-venv/bin/pip install -r benchmarks/peers/requirements.txt"
)


def persona_system_prompt(scenario_id: str) -> str:
    """The LLM voice's system prompt at the start of a call: the card, the rules, the stage."""
    messages = PersonaEngine(load_scenario(scenario_id)).messages_for_reply([])
    return "\n".join(m["content"] for m in messages if m["role"] == "system")


def peer_config(settings: Settings, paths: ModelPaths, llm_url: str, prompt: str) -> dict[str, Any]:
    """The bot's JSON config: the bundled files and the LLM request settings of ``llm`` voice."""
    return {
        "vad_onnx": str(paths.vad_onnx),
        "smart_turn_onnx": str(paths.turn_end_onnx or bundled_turn_end()),
        "whisper_dir": str(paths.asr_dir),
        "whisper_compute_type": settings.models.asr_compute_type,
        "piper_onnx": str(paths.tts_onnx),
        "llm_base_url": llm_url,
        "llm_model": settings.llm.served_name,
        "temperature": settings.llm.temperature,
        "max_tokens": settings.llm.max_tokens,
        "seed": settings.llm.seed,
        "system_prompt": prompt,
    }


@dataclass(frozen=True)
class RunningPeer:
    """A started peer: where to send offers, and what it was given."""

    url: str
    config: dict[str, Any]
    startup_s: float
    log: Path  # the bot's log (its stage times: ``pipecat_log``)


async def _wait_ready(
    url: str, proc: asyncio.subprocess.Process, log: Path, timeout_s: float
) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise RuntimeError(f"the Pipecat peer exited with {proc.returncode} (log: {log})")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"{url}/health")).status_code == 200:
                    return
            await asyncio.sleep(0.5)
    raise TimeoutError(f"the Pipecat peer was not up within {timeout_s:.0f} s (log: {log})")


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(proc.wait(), 15.0)
    except TimeoutError:
        proc.kill()
        await proc.wait()


@contextlib.asynccontextmanager
async def pipecat_peer(
    settings: Settings, scenario_id: str, work: Path, logs: Path, *, timeout_s: float = 300.0
) -> AsyncIterator[RunningPeer]:
    """The LLM server and the Pipecat bot, up and healthy; both stopped on exit.

    ``logs`` is a path prefix: the bot logs to ``<logs>.pipecat.log``, its LLM server to
    ``<logs>.pipecat-llm.log``.
    """
    if not PEER_PYTHON.is_file():
        raise SystemExit(f"the Pipecat peer's environment is missing; set it up with: {SETUP_HINT}")
    started = time.monotonic()
    paths = await asyncio.to_thread(resolve_models, settings)
    await asyncio.to_thread(work.mkdir, parents=True, exist_ok=True)
    async with LLMServer(settings.llm, paths.llm_gguf, Path(f"{logs}.pipecat-llm.log")) as llm:
        config = peer_config(settings, paths, llm.base_url, persona_system_prompt(scenario_id))
        cfg_path = work / "peer.json"
        cfg_path.write_text(json.dumps(config, indent=1))
        port = free_port()
        log = Path(f"{logs}.pipecat.log")
        out = await asyncio.to_thread(log.open, "ab")
        try:
            proc = await asyncio.create_subprocess_exec(
                str(PEER_PYTHON),
                "-m",
                "benchmarks.peers.pipecat_bot",
                "--config",
                str(cfg_path),
                "--port",
                str(port),
                cwd=REPO,
                env={**server_env(), "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        finally:
            out.close()  # the child holds its own descriptor
        url = f"http://127.0.0.1:{port}"
        try:
            await _wait_ready(url, proc, log, timeout_s)
            yield RunningPeer(url, config, round(time.monotonic() - started, 1), log)
        finally:
            await _stop(proc)


def peer_env_note() -> str:
    """Where the peer's interpreter is (for the result JSON)."""
    return os.fspath(PEER_PYTHON)
