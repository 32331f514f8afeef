"""Cut-ins and endpoint delay: complete officer utterances and ones paused mid-sentence.

    .venv/bin/python -m benchmarks.cut_ins [--set dev|held-out] [--sessions 1] [--label L]
        [--out DIR] [--fresh]

Synthesizes the cut-in set (benchmarks/cut_in_set.py: ``dev``, or ``held-out``, lines the
turn-end rules never trained on; kept in ``<models.cache_dir>/cut-in-set`` so runs compare the
same audio; ``--fresh`` makes it anew) and streams it, utterance after
utterance with silence between, into the appliance's ``Call`` on the real engine in 20 ms frames at
real time (each of ``--sessions`` calls at once, each in its own order). A *cut-in* is a turn that
ended while its utterance was still going (inside a pause); the *endpoint delay* is from the
arrival of an utterance's last voiced audio to the end of its turn. Settings come from the config
and ``CODEBLU_*`` variables (e.g. ``CODEBLU_MODELS__TURN_END='"off"'``). Exits 1 when the cut-in
rate on the paused set exceeds ``[cut_ins.PROFILE] paused_rate`` of firmware_config/budgets.toml.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from appliance.audio.endpointing import VADEvent
from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.checks.model_stages import BUDGETS_FILE
from appliance.engine import Engine
from appliance.persona.scenario import load_scenario
from appliance.settings import Settings, load_settings
from appliance.turn.call import Call
from appliance.turn.conversation import Conversation
from appliance.turn.events import Event, TranscriptFinal
from appliance.turn.turn import BufferOutput
from benchmarks.appliance_process import isolated_env
from benchmarks.asr_window import word_errors, words
from benchmarks.cut_in_set import SETS, SetUtterance, synthesize_set
from benchmarks.machine import load_average, machine_info
from benchmarks.summary import spread

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
FRAME = SAMPLE_RATE // 50  # 20 ms, as the live path feeds the call
GAP_S = 1.2  # silence after the longest endpoint wait, before the next utterance


@dataclass
class Heard:
    """One utterance as the endpointer treated it."""

    session: int
    kind: str
    text: str
    pause_ms: float
    cut_in: bool = False  # a turn ended inside the utterance
    turns: int = 0  # turn ends inside the utterance or after its voice, before the next
    delay_ms: float | None = None  # last voiced audio arrived → the turn ended
    by_model: bool | None = None  # the turn-end model ended it (not the longest silence)
    ends: list[dict[str, Any]] = field(default_factory=list)
    heard: str = ""  # the officer's transcript(s) of it
    word_errors: int = 0
    words: int = 0


def set_folder(settings: Settings, name: str) -> Path:
    """Where the synthesized set is kept, named by its lines."""
    complete, paused = SETS[name]
    key = hashlib.sha256("\n".join(complete + paused).encode()).hexdigest()[:12]
    return settings.resolve(settings.models.cache_dir) / "cut-in-set" / key


def load_or_make(settings: Settings, name: str, fresh: bool) -> list[SetUtterance]:
    """The set from its folder, or synthesized now and saved there."""
    folder = set_folder(settings, name)
    manifest = folder / "set.json"
    if manifest.is_file() and not fresh:
        rows = json.loads(manifest.read_text())
        return [
            SetUtterance(**{**r, "samples": np.load(folder / f"{i:03d}.npy")})
            for i, r in enumerate(rows)
        ]
    made = synthesize_set(settings, *SETS[name])
    folder.mkdir(parents=True, exist_ok=True)
    for i, u in enumerate(made):
        np.save(folder / f"{i:03d}.npy", u.samples)
    rows = [{k: v for k, v in asdict(u).items() if k != "samples"} for u in made]
    manifest.write_text(json.dumps(rows, indent=1))
    return made


async def run_session(engine: Engine, index: int, utterances: list[SetUtterance]) -> list[Heard]:
    """Stream the utterances through one call at real time; judge each one's turn ends."""
    assert engine.analyzer is not None
    ends: list[tuple[VADEvent, float]] = []
    finals: list[TranscriptFinal] = []

    def emit(event: Event) -> None:
        if isinstance(event, TranscriptFinal) and event.speaker == "officer":
            finals.append(event)

    conversation = Conversation(
        load_scenario("overpass_voices"),
        engine.analyzer,
        session_id=f"cut-ins-{index}",
        officer={"id": f"bench-{index}", "name": "Officer Bench"},
    )
    call = Call(
        engine,
        conversation,
        BufferOutput(),
        emit,
        time.monotonic,
        lambda _o: None,
        on_endpoint=lambda e: ends.append((e, time.monotonic())),
    )
    gap = np.zeros(round((engine.settings.turn.min_silence_ms / 1000 + GAP_S) * SAMPLE_RATE))
    spans: list[tuple[SetUtterance, int, int]] = []  # utterance, first sample, voice end sample
    arrived: dict[int, float] = {}  # voice end sample → when it was fed
    position = 0
    started = time.monotonic()

    async def feed(x: FloatPCM, voice_end: int | None = None) -> None:
        nonlocal position
        for i in range(0, len(x), FRAME):
            await call.feed(x[i : i + FRAME].astype(np.float32))
            if voice_end is not None and i <= voice_end < i + FRAME:
                arrived[position + voice_end] = time.monotonic()
            due = started + (position + i + FRAME) / SAMPLE_RATE
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        position += len(x)

    try:
        for u in utterances:
            spans.append((u, position, position + u.voice_end))
            await feed(u.samples, u.voice_end)
            await feed(gap.astype(np.float32))
        await asyncio.sleep(1.0)  # the last transcript
    finally:
        await call.close()
    out = []
    for n, (u, first, voice_end) in enumerate(spans):
        until = spans[n + 1][1] if n + 1 < len(spans) else position
        mine = [(e, t) for e, t in ends if first <= e.decided_at < until]
        heard = Heard(index, u.kind, u.text, u.pause_ms, turns=len(mine))
        heard.cut_in = any(e.decided_at < voice_end for e, _ in mine)
        last = [(e, t) for e, t in mine if e.decided_at >= voice_end]
        if last and voice_end in arrived:
            e, t = last[0]
            heard.delay_ms = round((t - arrived[voice_end]) * 1000.0, 1)
            heard.by_model = e.by_model
        said = [f.text for f in finals if first <= (f.end - started) * SAMPLE_RATE < until]
        heard.heard = " ".join(said)
        heard.word_errors, heard.words = word_errors(u.text, heard.heard), len(words(u.text))
        heard.ends = [
            {"at_s": round((e.decided_at - first) / SAMPLE_RATE, 3), "by_model": e.by_model}
            for e, _ in mine
        ]
        out.append(heard)
    return out


def summarize(heard: list[Heard], kind: str) -> dict[str, Any]:
    """Cut-in rate and delay spread of one kind."""
    rows = [h for h in heard if h.kind == kind]
    cut = sum(h.cut_in for h in rows)
    judged = [h for h in rows if h.by_model is not None]
    return {
        "utterances": len(rows),
        "cut_ins": cut,
        "cut_in_rate": round(cut / len(rows), 3) if rows else None,
        "delay_ms": spread(h.delay_ms for h in rows if not h.cut_in),
        "ended_by_model": round(sum(bool(h.by_model) for h in judged) / len(judged), 3)
        if judged
        else None,
        "missed": sum(h.delay_ms is None for h in rows),
        "wer": round(sum(h.word_errors for h in rows) / max(1, sum(h.words for h in rows)), 4),
    }


def budget(profile: str) -> float | None:
    """The profile's highest cut-in rate on the paused set, if it has one."""
    with BUDGETS_FILE.open("rb") as fh:
        row = tomllib.load(fh).get("cut_ins", {}).get(profile, {})
    value = row.get("paused_rate")
    return float(value) if value is not None else None


async def run(args: argparse.Namespace) -> int:
    """The whole benchmark; returns the exit status."""
    started_at = datetime.now(UTC)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="codeblu-cut-ins-") as tmp:
        base = load_settings()
        env = isolated_env(Path(tmp), profile=base.appliance.profile, max_sessions=args.sessions)
        settings = load_settings(environ={**env, **os.environ})
        utterances = await asyncio.to_thread(load_or_make, settings, args.set, args.fresh)
        if args.limit:
            kinds_seen: dict[str, int] = {}
            utterances = [
                u
                for u in utterances
                if (kinds_seen := kinds_seen | {u.kind: kinds_seen.get(u.kind, 0) + 1})[u.kind]
                <= args.limit
            ]
        folder = set_folder(settings, args.set)
        print(f"cut-in set {args.set}: {len(utterances)} utterances in {folder}")
        async with Engine(settings) as engine:
            await engine.warm_speech()
            orders = [
                [utterances[i] for i in np.random.default_rng(s).permutation(len(utterances))]
                for s in range(args.sessions)
            ]
            t = time.monotonic()
            results = await asyncio.gather(
                *(run_session(engine, s, order) for s, order in enumerate(orders))
            )
            wall = round(time.monotonic() - t, 1)
    load_after = load_average()
    heard = [h for r in results for h in r]
    kinds = {kind: summarize(heard, kind) for kind in ("complete", "paused")}
    turn = settings.turn
    print(
        f"\ncut-ins, {args.sessions} session(s), turn end {settings.models.turn_end}"
        f" (short silence {turn.turn_end_silence_ms} ms, threshold {turn.turn_end_threshold},"
        f" words weight {turn.turn_end_words_weight},"
        f" longest silence {turn.min_silence_ms} ms), ASR segments {turn.asr_segments};"
        f" load average {load_before} → {load_after}"
    )
    for kind, s in kinds.items():
        d = s["delay_ms"] or {}
        print(
            f"{kind:>8}: {s['cut_ins']}/{s['utterances']} cut in ({s['cut_in_rate']:.1%});"
            f" endpoint delay p50 {d.get('p50', '-')} p95 {d.get('p95', '-')}"
            f" max {d.get('max', '-')} ms; ended by the model {s['ended_by_model']};"
            f" WER {s['wer']:.1%}"
        )
    for h in heard:
        if h.cut_in:
            print(f"  cut in: [{h.kind}, pause {h.pause_ms:.0f} ms] {h.text}")
    limit = budget(settings.appliance.profile)
    rate = kinds["paused"]["cut_in_rate"] or 0.0
    verdict = None if limit is None else ("OVER" if rate > limit else "ok")
    if verdict:
        print(f"budget {verdict}: paused cut-in rate {rate:.3f} (budget {limit:g})")
    stamp = started_at.strftime("%Y%m%d-%H%M%S")
    tag = ("-" + args.set if args.set != "dev" else "") + ("-" + args.label if args.label else "")
    name = f"cut-ins-{settings.appliance.profile}{tag}-{stamp}"
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{name}.json"
    result = {
        "benchmark": "cut_ins",
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join([Path(sys.executable).name, "-m", "benchmarks.cut_ins", *sys.argv[1:]]),
        "machine": {
            **machine_info(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "settings": settings.model_dump(mode="json"),
        "set": args.set,
        "sessions": args.sessions,
        "wall_s": wall,
        "kinds": kinds,
        "budget": {"paused_rate": limit, "verdict": verdict},
        "utterances": [asdict(h) for h in heard],
    }
    path.write_text(json.dumps(result, indent=1))
    print(f"wrote {path}")
    return 1 if verdict == "OVER" else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.cut_ins",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--set", choices=sorted(SETS), default="dev", help="which lines (default dev)")
    p.add_argument("--sessions", type=int, default=1, help="calls streaming the set at once")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON")
    p.add_argument("--label", default="", help="added to the result file name")
    p.add_argument("--fresh", action="store_true", help="synthesize the set anew")
    p.add_argument("--limit", type=int, default=0, help="only the first N lines of each kind")
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
