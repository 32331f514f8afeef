"""Checks of the models: files in place, each stage loads, the LLM answers, one synthetic turn."""

from __future__ import annotations

import tempfile
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path

from appliance.audio.frames import write_wav
from appliance.checks.model_folders import check_models
from appliance.checks.rows import Row, fail, ok, skip, warn
from appliance.converse import converse
from appliance.engine import HEALTHY, Engine
from appliance.errors import ApplianceError
from appliance.settings import CONFIG_DIR, Settings

BUDGETS_FILE = CONFIG_DIR / "budgets.toml"
OFFICER_LINE = "Hi, I'm Officer Daniels with the city police. Can you tell me your name?"
STAGE_ORDER = (
    "vad",
    "asr",
    "reply_text",
    "llm_first_token",
    "first_sentence",
    "tts_first_audio",
    "to_first_audio",
)
_MODEL_FIX = (
    "copy the model where the key points, or change the key; `python -m appliance"
    " provision --asr-model DIR --llm-model DIR` checks a folder before using it"
)


def model_files_row(settings: Settings) -> Row:
    """Every stage's model file or folder is in place (the bundled Whisper prepared once)."""
    try:
        found = check_models(settings)
    except ApplianceError as exc:
        return fail("model files", exc.message, _MODEL_FIX)
    return ok("model files", found.describe())


def load_budget(profile: str, path: Path = BUDGETS_FILE) -> dict[str, float]:
    """Per-stage millisecond budgets of a profile's synthetic turn."""
    with path.open("rb") as fh:
        table = tomllib.load(fh).get(profile, {})
    return {k: float(v) for k, v in table.items()}


def stage_rows(engine: Engine | None, error: str = "") -> list[Row]:
    """One row per model stage from the engine's health; ``error``: why the engine did not start."""
    if engine is None:
        return [fail("models load", error, _MODEL_FIX)]
    rows = []
    for stage, health in engine.health().items():
        name = f"{stage} model"
        if health.state == "off":
            rows.append(ok(name, health.detail or "not used by this configuration"))
        elif health.state == "ready":
            rows.append(ok(name, "loaded" + (f" ({health.detail})" if health.detail else "")))
        else:
            rows.append(
                fail(
                    name,
                    f"{health.state}: {health.detail or error or 'did not load'}",
                    "see the message; for the LLM server read <data_dir>/logs/llm-server.log",
                )
            )
    return rows


def remote_stage_rows(health: Mapping[str, object]) -> list[Row]:
    """Stage rows from a running appliance's ``/healthz`` (its models are already loaded)."""
    stages = health.get("stages", {})
    assert isinstance(stages, dict)
    rows = []
    for stage, info in stages.items():
        state, detail = str(info.get("state")), str(info.get("detail") or "")
        text = f"{state} in the running appliance" + (f" ({detail})" if detail else "")
        rows.append(
            ok(f"{stage} model", text)
            if state in HEALTHY
            else fail(
                f"{stage} model",
                text,
                "journalctl -u codeblu for the cause; then systemctl restart codeblu",
            )
        )
    return rows


async def llm_answer_row(engine: Engine) -> Row:
    """The LLM server answers a short chat request (not run when the voice needs no LLM)."""
    if engine.llm is None:
        return ok("llm answers", "not started: the authored voice needs no LLM")
    started = time.monotonic()
    try:
        reply = await engine.llm.complete([{"role": "user", "content": "Say hello."}], max_tokens=8)
    except ApplianceError as exc:
        return fail("llm answers", exc.message, "check llm.url / llm.port and the server's log")
    ms = (time.monotonic() - started) * 1000
    if not reply.strip():
        return fail(
            "llm answers",
            f"{engine.llm.base_url} returned an empty reply",
            "check the model file (llm.model) and the server's log",
        )
    return ok(
        "llm answers", f"{engine.llm.base_url} answered {len(reply)} characters in {ms:.0f} ms"
    )


def budget_detail(
    timings: Mapping[str, float], budget: Mapping[str, float]
) -> tuple[str, list[str]]:
    """Each stage's milliseconds against its budget, and the stages over budget."""
    parts, over = [], []
    for stage in STAGE_ORDER:
        if stage not in timings:
            continue
        limit = budget.get(stage)
        parts.append(f"{stage} {timings[stage]:.0f}" + (f"/{limit:.0f}" if limit else ""))
        if limit is not None and timings[stage] > limit:
            over.append(stage)
    return "ms (measured/budget): " + ", ".join(parts), over


async def voice_turn_row(engine: Engine, settings: Settings) -> Row:
    """Synthesize an officer sentence, run one full turn on it, hold its stages to the budget."""
    assert engine.tts is not None
    budget = load_budget(settings.appliance.profile)
    with tempfile.TemporaryDirectory(prefix="codeblu-doctor-") as tmp:
        officer, reply = Path(tmp) / "officer.wav", Path(tmp) / "reply.wav"
        try:
            speech = await engine.tts.synthesize(OFFICER_LINE)
            write_wav(officer, speech.pcm, speech.sample_rate)
            result = await converse(engine, officer, reply)
        except ApplianceError as exc:
            return fail(
                "voice turn",
                f"{exc.code}: {exc.message}",
                "run `python -m appliance converse --input officer.wav --out reply.wav`"
                " to see the failing stage",
            )
    detail, over = budget_detail(result.timings_ms, budget)
    if "officer" not in result.officer_text.lower():
        return warn(
            "voice turn",
            f"ASR heard {result.officer_text!r}; {detail}",
            "the ASR model may be wrong for English speech (models.asr)",
        )
    if over:
        return warn(
            "voice turn",
            f"over budget: {', '.join(over)}; {detail}",
            f"see firmware_config/budgets.toml [{settings.appliance.profile}]; check GPU"
            " use (gpu row), other load on the machine, or pick a smaller model",
        )
    if not budget:
        return skip("voice turn", f"no budget for profile {settings.appliance.profile}; {detail}")
    return ok("voice turn", f"within budget; {detail}")
