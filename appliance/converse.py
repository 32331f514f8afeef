"""One full voice turn from files: officer WAV → VAD → ASR → LLM → TTS → reply WAV."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from appliance.audio.endpointing import Endpointer
from appliance.audio.frames import SAMPLE_RATE, Audio, FloatPCM, read_wav, write_wav
from appliance.turn.conversation import Conversation
from appliance.engine import Engine
from appliance.errors import ApplianceError, AudioInputError
from appliance.persona.scenario import load_scenario
from appliance.turn.reply import speak_reply
from appliance.settings import Settings, load_settings
from appliance.turn.timeline import TurnTimeline

DEFAULT_SCENARIO = "overpass_voices"


@dataclass(frozen=True)
class ConverseResult:
    """What one offline turn produced."""

    officer_text: str
    reply_text: str
    reply_path: str
    reply_seconds: float
    speech_start_s: float
    speech_end_s: float
    timings_ms: dict[str, float] = field(default_factory=dict)


def officer_speech(engine: Engine, audio: FloatPCM, source: Path) -> tuple[FloatPCM, float, float]:
    """The officer's speech in a recording, from the first utterance start to the last end."""
    assert engine.vad is not None
    endpointer = Endpointer(engine.vad.stream(), engine.settings.turn)
    events = endpointer.feed(audio) + endpointer.flush()
    starts = [e.utterance_start for e in events if e.kind == "speech_start"]
    ends = [e.sample for e in events if e.kind == "speech_end"]
    if not starts or not ends:
        raise AudioInputError(f"{source}: no speech found (the recording is silent or too quiet)")
    pad = engine.settings.turn.speech_pad_ms * SAMPLE_RATE // 1000
    lo, hi = starts[0], min(len(audio), ends[-1] + pad)
    return audio[lo:hi], starts[0] / SAMPLE_RATE, ends[-1] / SAMPLE_RATE


async def converse(
    engine: Engine,
    input_path: Path,
    out_path: Path,
    *,
    scenario_id: str = DEFAULT_SCENARIO,
    audio: Audio | None = None,
) -> ConverseResult:
    """Run one turn on a started engine and write the reply audio."""
    assert engine.asr and engine.tts and engine.llm and engine.analyzer
    audio = audio or read_wav(input_path)
    conversation = Conversation(
        load_scenario(scenario_id),
        engine.analyzer,
        session_id="converse",
        officer={"id": "cli", "name": "Officer"},
    )
    timeline = TurnTimeline()
    timeline.mark("speech_end")
    speech, t0, t1 = await asyncio.to_thread(officer_speech, engine, audio.samples, input_path)
    timeline.mark("endpoint")
    timeline.mark("asr_start")
    heard = await engine.asr.transcribe(speech)
    timeline.mark("asr_done")
    if not heard.text:
        raise AudioInputError(f"{input_path}: no words could be recognised in the speech")
    await engine.analysis_thread.call(conversation.officer_turn, heard.text, start=t0, end=t1)
    lines: list[str] = []
    pcm: list[np.ndarray] = []
    for plan in conversation.reply_plans():
        said: list[str] = []
        async for spoken in speak_reply(
            engine.llm,
            engine.tts,
            plan.messages,
            plan.lines,
            style_for=lambda _speaker, v=plan.voice: v,
            timeline=timeline,
        ):
            said.append(spoken.text)
            lines.append(
                f"[{spoken.speaker}] {spoken.text}" if spoken.speaker != "subject" else spoken.text
            )
            pcm.append(spoken.speech.pcm)
        conversation.character_turn(plan.speaker, " ".join(said), start=t1, end=t1)
    if not pcm:
        raise ApplianceError("the subject's reply was empty", code="reply_empty")
    reply = np.concatenate(pcm)
    write_wav(out_path, reply, engine.tts.sample_rate)
    timings = timeline.stages_ms()
    timings["vad"] = timings.pop("endpoint", 0.0)
    timings.pop("asr_compute", None)
    first = timeline.first("tts_first_audio")
    start = timeline.first("speech_end")
    if first is not None and start is not None:
        timings["to_first_audio"] = round((first - start) * 1000.0, 1)
    return ConverseResult(
        officer_text=heard.text,
        reply_text=" ".join(lines),
        reply_path=str(out_path),
        reply_seconds=round(len(reply) / engine.tts.sample_rate, 2),
        speech_start_s=round(t0, 3),
        speech_end_s=round(t1, 3),
        timings_ms=timings,
    )


async def _run(settings: Settings, args: argparse.Namespace) -> ConverseResult:
    audio = read_wav(args.input)  # refuse bad input before loading any model
    load_scenario(args.scenario)
    async with Engine(settings) as engine:
        t = time.monotonic()
        result = await converse(
            engine, args.input, args.out, scenario_id=args.scenario, audio=audio
        )
        result.timings_ms["wall"] = round((time.monotonic() - t) * 1000.0, 1)
        return result


def main(argv: list[str]) -> int:
    """``python -m appliance converse``: one voice turn from a WAV file."""
    parser = argparse.ArgumentParser(prog="python -m appliance converse", description=__doc__)
    parser.add_argument("--input", type=Path, required=True, help="officer WAV (any rate/channels)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the reply WAV")
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO, help="scenario card id")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        result = asyncio.run(_run(load_settings(), args))
    except ApplianceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(asdict(result)))
        return 0
    print(f"officer: {result.officer_text}")
    print(f"subject: {result.reply_text}")
    print(f"reply:   {result.reply_path} ({result.reply_seconds:.2f} s)")
    print("timings (ms): " + "  ".join(f"{k}={v:.0f}" for k, v in result.timings_ms.items()))
    return 0
