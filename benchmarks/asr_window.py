"""ASR with Whisper's full 30 s encoder window vs a window fitted to the utterance: time and WER.

    .venv/bin/python -m benchmarks.asr_window [--margins 0.5 1.0 2.0] [--repeats 3] [--out DIR]

Runs on the synthesized officer lines (their texts are the references), through WhisperASR with
the configured model, threads and beam size; ``models.asr_window_margin_s`` picks the margin.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from appliance.inference.asr import WhisperASR
from appliance.inference.models import resolve_models
from appliance.settings import Settings, load_settings
from benchmarks.appliance_process import isolated_env
from benchmarks.machine import load_average, machine_info
from benchmarks.utterances import UtteranceSet, synthesize_lines

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def words(text: str) -> list[str]:
    """Lower-case words without punctuation (apostrophes kept), for WER."""
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()


def word_errors(reference: str, hypothesis: str) -> int:
    """Substitutions + deletions + insertions (Levenshtein distance over words)."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


async def measure(asr: WhisperASR, lines: UtteranceSet, repeats: int) -> dict[str, Any]:
    """Median ms per line, and the word error rate over all lines."""
    await asr.transcribe(lines.turns[0].samples)  # warm-up
    rows, errors, total = [], 0, 0
    for u in lines.turns:
        times, text = [], ""
        for _ in range(repeats):
            t = time.perf_counter()
            text = (await asr.transcribe(u.samples)).text
            times.append((time.perf_counter() - t) * 1000.0)
        e = word_errors(u.text, text)
        errors, total = errors + e, total + len(words(u.text))
        rows.append(
            {
                "audio_s": round(u.duration_s, 2),
                "ms_median": round(float(np.median(times)), 1),
                "errors": e,
                "words": len(words(u.text)),
                "text": text,
            }
        )
    return {
        "lines": rows,
        "wer": round(errors / max(total, 1), 4),
        "ms_sum": round(sum(r["ms_median"] for r in rows), 1),
    }


async def run_window(
    settings: Settings, margin: float | None, lines: UtteranceSet, repeats: int
) -> dict[str, Any]:
    """One configuration of the window."""
    asr = WhisperASR.configured(
        settings.models, resolve_models(settings).asr_dir, fit_window_margin_s=margin
    )
    await asr.start()
    try:
        return {"margin_s": margin, **await measure(asr, lines, repeats)}
    finally:
        await asyncio.to_thread(asr.close)


async def run(args: argparse.Namespace) -> int:
    """Full window first, then each margin, on the same lines."""
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="codeblu-asr-") as tmp:
        env = isolated_env(Path(tmp), profile=load_settings().appliance.profile, max_sessions=1)
        settings = load_settings(environ={**os.environ, **env})
        lines = await synthesize_lines(settings)
        load_before = load_average()
        results = [
            await run_window(settings, margin, lines, args.repeats)
            for margin in [None, *args.margins]
        ]
    base = results[0]
    table = ["window            sum of medians   vs full    WER"]
    for r in results:
        name = "full 30 s" if r["margin_s"] is None else f"utterance + {r['margin_s']:g} s"
        table.append(
            f"{name:<17} {r['ms_sum']:>11.0f} ms   {r['ms_sum'] / base['ms_sum']:>6.2f}   "
            f"{100 * r['wer']:5.1f} %"
        )
    doc = {
        "benchmark": "asr_window",
        "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(["python", "-m", "benchmarks.asr_window", *sys.argv[1:]]),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "machine": machine_info(),
        "model": str(resolve_models(settings).asr_dir),
        "results": results,
        "table": "\n".join(table),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"asr-window-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(doc, indent=1))
    print(
        "ASR encoder window, load average "
        f"{doc['load_average_before']} → {doc['load_average_after']}"
    )
    print(doc["table"])
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.asr_window",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--margins", type=float, nargs="+", default=[1.0, 2.0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
