"""Authored dialogue: topic accuracy per card and text reply time, over the scripted calls.

    .venv/bin/python -m benchmarks.dialogue [--out benchmarks/results/dialogue.json]

Each card's scripted call (``tests/persona/dialogue/<card>.script.jsonl``) and held-out
paraphrases (``….heldout.jsonl``) run through the text mode's ``Chat`` (the live persona and
line choice, in process); ``ms`` is from the officer's text to the reply's text.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from pathlib import Path
from typing import Any

from appliance.chat import Chat
from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.persona.scenario import list_scenarios
from appliance.settings import load_settings

DATA = Path(__file__).resolve().parent.parent / "tests" / "persona" / "dialogue"


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


async def run_set(
    card: str, kind: str, analyzer: UtteranceAnalyzer
) -> tuple[int, int, list[float]]:
    """Right, total and reply times (ms) of one card's script or held-out set."""
    settings = load_settings()
    chat = Chat(next(s for s in list_scenarios() if s.id == card), analyzer, settings)
    steps = [json.loads(x) for x in (DATA / f"{card}.{kind}.jsonl").read_text().splitlines() if x]
    right, times = 0, []
    for step in steps:
        result: dict[str, Any] = await (
            chat.say(step["officer"]) if "officer" in step else chat.pause(float(step["pause"]))
        )
        speaker = step.get("speaker", "subject")
        topic = next((r["topic"] for r in result["replies"] if r["speaker"] == speaker), None)
        right += topic == step["topic"]
        if "officer" in step:
            times += [float(r["ms"]) for r in result["replies"][:1]]
    return right, len(steps), times


async def main_async(out: Path | None) -> dict[str, Any]:
    """Every card, both sets; prints a table and returns the figures."""
    analyzer = await asyncio.to_thread(UtteranceAnalyzer.load)
    rows: dict[str, Any] = {}
    all_times: list[float] = []
    held_right = held_total = 0
    for scenario in list_scenarios():
        card = scenario.id
        s_right, s_total, s_times = await run_set(card, "script", analyzer)
        h_right, h_total, h_times = await run_set(card, "heldout", analyzer)
        all_times += s_times + h_times
        held_right, held_total = held_right + h_right, held_total + h_total
        rows[card] = {
            "script": f"{s_right}/{s_total}",
            "script_accuracy": round(s_right / s_total, 3),
            "heldout": f"{h_right}/{h_total}",
            "heldout_accuracy": round(h_right / h_total, 3),
        }
        print(f"{card:<24} script {s_right}/{s_total}   held-out {h_right}/{h_total}")
    doc = {
        "cards": rows,
        "heldout_overall": round(held_right / held_total, 3),
        "reply_ms": {
            "n": len(all_times),
            "p50": _p(all_times, 0.5),
            "p95": _p(all_times, 0.95),
            "mean": round(statistics.fmean(all_times), 1),
        },
    }
    print(f"held-out overall {held_right}/{held_total} = {doc['heldout_overall']:.1%}")
    print(f"text reply ms: p50 {doc['reply_ms']['p50']}  p95 {doc['reply_ms']['p95']}")
    if out is not None:
        await asyncio.to_thread(_write, out, doc)
    return doc


def _write(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1))


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    asyncio.run(main_async(parser.parse_args().out))


if __name__ == "__main__":
    main()
