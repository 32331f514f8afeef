"""The soak's figures and chart: growth after warm-up, the LLM child's budget, latency drift."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

APPLIANCE_GROWTH_MB = 50.0
P95_DRIFT = 0.20


@dataclass(frozen=True)
class Sample:
    """The appliance and (when one runs) its LLM child at one moment of the soak."""

    t_s: float
    rss_mib: float
    threads: int
    fds: int
    llm_rss_mib: float | None = None
    llm_threads: int | None = None
    llm_fds: int | None = None


@dataclass(frozen=True)
class Turn:
    """One officer turn of the soak: when it ended, its latency, and the reply's underruns (gaps
    over 40 ms as received; ``late_frames``: frames the appliance's pacer sent late)."""

    t_s: float
    session: int
    latency_ms: float | None
    underruns: int
    error: str | None = None
    max_gap_ms: float = 0.0
    late_frames: int | None = None
    underrun_at_ms: list[float] = field(default_factory=list)  # after the reply's first frame
    # The measuring process's longest garbage collection in the 100 ms before each underrun ended.
    client_gc_ms: list[float] = field(default_factory=list)


def _p95(values: list[float]) -> float | None:
    return round(float(np.percentile(values, 95)), 1) if values else None


def figures(
    samples: list[Sample],
    turns: list[Turn],
    *,
    warmup_s: float,
    window_s: float,
    cache_mib: float,
    model_mib: float,
) -> dict[str, Any]:
    """The soak's verdicts, with the numbers behind each."""
    warm = [s for s in samples if s.t_s >= warmup_s] or samples[-1:]
    grown = max(s.rss_mib for s in warm) - warm[0].rss_mib
    llm = [s for s in samples if s.llm_rss_mib is not None]
    end = max((t.t_s for t in turns), default=0.0)
    ok = [t for t in turns if t.latency_ms is not None]
    first = [t.latency_ms for t in ok if t.t_s <= window_s and t.latency_ms is not None]
    last = [t.latency_ms for t in ok if t.t_s >= end - window_s and t.latency_ms is not None]
    p95_first, p95_last = _p95(first), _p95(last)
    out: dict[str, Any] = {
        "turns": len(turns),
        "failed_turns": sum(t.error is not None for t in turns),
        "underruns": sum(t.underruns for t in turns),
        "server_late_frames": sum(t.late_frames or 0 for t in turns),
        "max_gap_ms": max((t.max_gap_ms for t in turns), default=0.0),
        "underruns_in_client_gc": sum(ms >= 10.0 for t in turns for ms in t.client_gc_ms),
        "appliance": {
            "rss_after_warmup_mib": warm[0].rss_mib,
            "rss_max_mib": max(s.rss_mib for s in samples),
            "growth_after_warmup_mib": round(grown, 1),
            "threads": [samples[0].threads, samples[-1].threads, max(s.threads for s in samples)],
            "fds": [samples[0].fds, samples[-1].fds, max(s.fds for s in samples)],
            "ok": grown * 1.048576 < APPLIANCE_GROWTH_MB,  # MiB → MB
        },
        "p95_first_ms": p95_first,
        "p95_last_ms": p95_last,
        "p95_first_n": len(first),
        "p95_last_n": len(last),
        "p95_drift": None,
        "p95_ok": None,
    }
    if p95_first and p95_last is not None:
        out["p95_drift"] = round(p95_last / p95_first - 1.0, 3)
        out["p95_ok"] = abs(out["p95_drift"]) <= P95_DRIFT
    if llm:
        base = llm[0].llm_rss_mib or 0.0
        peak = max(s.llm_rss_mib or 0.0 for s in llm)
        out["llm"] = {
            "rss_first_mib": base,
            "rss_max_mib": peak,
            "growth_mib": round(peak - base, 1),
            "cache_mib": cache_mib,
            "model_mib": round(model_mib, 1),
            "threads": [llm[0].llm_threads, llm[-1].llm_threads],
            "fds": [llm[0].llm_fds, llm[-1].llm_fds],
            "ok": peak - base <= cache_mib,
        }
    else:
        out["llm"] = None  # no LLM child ran (e.g. authored dialogue only)
    return out


def draw(path: Path, samples: list[Sample], turns: list[Turn], title: str) -> None:
    """Memory, threads and fds over time, and each turn's latency."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ((mem, thr), (fds, lat)) = plt.subplots(2, 2, figsize=(12, 8), sharex=True)
    t = [s.t_s / 60 for s in samples]
    mem.plot(t, [s.rss_mib for s in samples], label="appliance")
    thr.plot(t, [s.threads for s in samples], label="appliance")
    fds.plot(t, [s.fds for s in samples], label="appliance")
    llm = [(s.t_s / 60, s) for s in samples if s.llm_rss_mib is not None]
    if llm:
        mem.plot([x for x, _ in llm], [s.llm_rss_mib for _, s in llm], label="LLM child")
        thr.plot([x for x, _ in llm], [s.llm_threads for _, s in llm], label="LLM child")
        fds.plot([x for x, _ in llm], [s.llm_fds for _, s in llm], label="LLM child")
    for session in sorted({x.session for x in turns}):
        mine = [x for x in turns if x.session == session and x.latency_ms is not None]
        lat.plot(
            [x.t_s / 60 for x in mine],
            [(x.latency_ms or 0) / 1000 for x in mine],
            "o",
            ms=3,
            label=f"session {session}",
        )
    for ax, label in ((mem, "RSS (MiB)"), (thr, "threads"), (fds, "open fds"), (lat, "reply s")):
        ax.set_ylabel(label)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    for ax in (fds, lat):
        ax.set_xlabel("minutes")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def as_json(samples: list[Sample], turns: list[Turn]) -> dict[str, Any]:
    """Every sample and turn, for the result file."""
    return {"samples": [asdict(s) for s in samples], "turns": [asdict(t) for t in turns]}
