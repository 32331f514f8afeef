"""The soak's verdicts from its samples and turns (the soak itself is a benchmark, not a test)."""

from __future__ import annotations

from benchmarks.soak_report import Sample, Turn, figures


def test_growth_budget_and_latency_drift() -> None:
    samples = [
        Sample(0, 500, 10, 16, 240, 3, 9),
        Sample(60, 600, 30, 20, 300, 4, 10),  # warm-up
        Sample(120, 610, 30, 20, 500, 4, 10),
        Sample(180, 640, 30, 20, 700, 4, 10),
    ]
    turns = [Turn(t, 0, lat, 0) for t, lat in ((10, 1000.0), (20, 1100.0), (170, 1500.0))]
    out = figures(samples, turns, warmup_s=100, window_s=30, cache_mib=512, model_mib=94)
    assert out["appliance"]["growth_after_warmup_mib"] == 30 and out["appliance"]["ok"]
    assert out["llm"]["growth_mib"] == 460 and out["llm"]["ok"]
    assert out["p95_first_n"] == 2 and out["p95_last_n"] == 1 and out["p95_ok"] is False
    no_llm = [Sample(0, 500, 10, 16), Sample(60, 500, 10, 16)]
    assert figures(no_llm, [], warmup_s=0, window_s=60, cache_mib=0, model_mib=0)["llm"] is None
