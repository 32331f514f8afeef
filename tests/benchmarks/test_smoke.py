"""The turn-latency benchmark still works end to end (structure only: timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.budgets import check_budgets, load_budgets
from benchmarks.cut_ins import Heard
from benchmarks.cut_ins import budget as cut_in_budget
from benchmarks.cut_ins import summarize as summarize_cut_ins
from benchmarks.live_load import reply_gaps, underrun_offsets
from benchmarks.summary import ROWS
from headset_client.latency import FrameLevel

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_smoke_run_writes_table_json_and_png(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.turn_latency", "--smoke", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "sessions stat" in run.stdout and "ours/naive at 1 session(s)" in run.stdout
    [json_path] = tmp_path.glob("turn-latency-*-smoke-*.json")
    [png_path] = tmp_path.glob("turn-latency-*-smoke-*.png")
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    doc = json.loads(json_path.read_text())
    assert doc["smoke"] is True and doc["plan"]["concurrency"] == [1] and doc["plan"]["turns"] == 2
    assert doc["machine"]["cores"] and doc["machine"]["python"] and "git_commit" in doc["machine"]
    assert doc["settings"]["appliance"]["profile"] == doc["profile"]
    level = doc["levels"]["1"]
    assert level["summary"]["failed"] == 0 and set(level["summary"]["rows"]) == set(ROWS)
    assert level["summary"]["rows"]["client"]["n"] == 2
    assert set(level["ratio_vs_naive"]) == {"server_total", "client"}
    turns = [r for r in doc["records"] if r["kind"] == "turn"]
    assert [r["turn"] for r in turns] == [0, 1]
    for r in turns:
        assert r["error"] is None and r["heard"] and r["reply"]
        assert {"endpoint", "asr", "tts_first_audio", "total"} <= set(r["stages_ms"])
    assert len(doc["barge_ins"]) == 1 and len(doc["naive_records"]) == 2
    assert all(r["stages_ms"]["endpoint"] == 700.0 for r in doc["naive_records"])


def test_gaps_between_reply_frames_count_as_underruns() -> None:
    at = [0.0, 0.02, 0.04, 0.11, 0.13, 0.15]
    frames = [FrameLevel(t, -20.0, i * 960, 960) for i, t in enumerate(at)]
    assert reply_gaps(frames, 0.0, 0.15) == (1, 70.0)
    assert reply_gaps(frames, 0.11, 0.15) == (0, 20.0)
    assert underrun_offsets(frames, 0.0, 0.15) == [110.0]  # it ended 110 ms into the reply


def test_budgets_are_read_per_profile_and_checked() -> None:
    [gpu] = load_budgets("gpu")
    assert (gpu.concurrency, gpu.p50_ms, gpu.p95_ms) == (8, 500, 800)
    assert load_budgets("cpu-embedded")
    level = {"failed": 0, "rows": {"client": {"p50": 450.0, "p95": 900.0, "max": 950.0}}}
    verdicts = check_budgets([gpu], {8: level}, {})
    assert verdicts == [
        "ok: 8 session(s) p50 450 (budget 500)",
        "OVER: 8 session(s) p95 900 (budget 800)",
    ]
    assert check_budgets([gpu], {}, {}) == ["not measured: 8 session(s) were not run"]


def test_cut_ins_are_counted_per_kind_against_the_budget() -> None:
    heard = [
        Heard(0, "paused", "I want to help you get home.", 600.0, cut_in=True, turns=2),
        Heard(0, "paused", "We can sit down.", 400.0, delay_ms=900.0, by_model=False, turns=1),
        Heard(0, "complete", "Okay.", 0.0, delay_ms=250.0, by_model=True, turns=1),
    ]
    paused = summarize_cut_ins(heard, "paused")
    assert (paused["utterances"], paused["cut_ins"], paused["cut_in_rate"]) == (2, 1, 0.5)
    assert paused["delay_ms"]["n"] == 1 and paused["ended_by_model"] == 0.0
    assert summarize_cut_ins(heard, "complete")["ended_by_model"] == 1.0
    assert cut_in_budget("cpu-embedded") == 0.05
