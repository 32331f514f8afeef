"""One full voice turn from files: officer WAV → VAD → ASR → LLM → TTS → reply WAV."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from appliance.audio.endpointing import Endpointer
from appliance.audio.frames import SAMPLE_RATE, Audio, FloatPCM, read_wav, write_wav
from appliance.engine import Engine
from appliance.errors import ApplianceError, AudioInputError
from appliance.persona.lines import prepare as prepare_lines
from appliance.persona.scenario import load_scenario
from appliance.settings import Settings, load_settings
from appliance.turn.conversation import Conversation
from appliance.turn.events import Event, SpeechStart, TranscriptFinal
from appliance.turn.timeline import TurnTimeline
from appliance.turn.turn import BufferOutput, TurnRunner, Utterance

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
    events: list[dict[str, Any]] = field(default_factory=list)  # the turn's data-channel events


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
    assert engine.tts and engine.analyzer
    audio = audio or read_wav(input_path)
    scenario = load_scenario(scenario_id)
    await engine.analysis_thread.call(prepare_lines, scenario, engine.analyzer.encoder)
    conversation = Conversation(
        scenario,
        engine.analyzer,
        session_id="converse",
        officer={"id": "cli", "name": "Officer"},
        topic_threshold=engine.settings.persona.topic_threshold,
    )
    events: list[Event] = []
    timeline = TurnTimeline()
    timeline.mark("speech_end")
    timeline.mark("vad_start")
    speech, t0, t1 = await asyncio.to_thread(officer_speech, engine, audio.samples, input_path)
    timeline.mark("vad_done")
    timeline.mark("endpoint")
    turn = TurnRunner(engine, conversation, events.append, lambda: t1)
    if await turn.hear(Utterance(speech, t0, t1), timeline) is None:
        raise AudioInputError(f"{input_path}: no words could be recognised in the speech")
    out = BufferOutput()
    await turn.reply(timeline, out)
    if not out.lines:
        raise ApplianceError("the subject's reply was empty", code="reply_empty")
    reply = np.concatenate([s.pcm for s in out.lines])
    write_wav(out_path, reply, engine.tts.sample_rate)
    said = [e for e in events if isinstance(e, SpeechStart)]
    return ConverseResult(
        officer_text=next(e.text for e in events if isinstance(e, TranscriptFinal)),
        reply_text=" ".join(
            e.text if e.speaker == "subject" else f"[{e.speaker}] {e.text}" for e in said
        ),
        reply_path=str(out_path),
        reply_seconds=round(len(reply) / engine.tts.sample_rate, 2),
        speech_start_s=round(t0, 3),
        speech_end_s=round(t1, 3),
        timings_ms=timeline.stages_ms(),
        events=[e.to_json() for e in events],
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
