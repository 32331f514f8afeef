"""Percentiles per stage and per concurrency level, the ours/naive ratios, and the printed table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from appliance.turn.timeline import STAGES
from benchmarks.live_load import SESSION_ENDED, TurnRecord

STAGE_NAMES: tuple[str, ...] = tuple(name for name, _, _ in STAGES)
# Rows of the table: the budget stages, the reply's words (analysis and line choice for the
# authored voice, which has no LLM stages), their server-side sum, and what the client measured.
ROWS: tuple[str, ...] = (*STAGE_NAMES, "reply_text", "total", "client")
PERCENTILES = (("p50", 50.0), ("p95", 95.0), ("max", 100.0))


def spread(values: Iterable[float | None]) -> dict[str, float] | None:
    """p50, p95, max and count of the values present (None when there are none)."""
    v = np.array([x for x in values if x is not None], dtype=float)
    if not len(v):
        return None
    out = {name: round(float(np.percentile(v, q)), 1) for name, q in PERCENTILES}
    out["n"] = float(len(v))
    return out


def row_values(records: Sequence[TurnRecord], row: str) -> list[float | None]:
    """One row's values over turns: a stage from ``turn.timing``, or the client's latency."""
    if row == "client":
        return [r.latency_ms for r in records]
    return [r.stages_ms.get(row) for r in records]


def summarize(records: Sequence[TurnRecord]) -> dict[str, Any]:
    """Spreads of every row over the turns that got a reply."""
    ok = [r for r in records if r.error is None and r.latency_ms is not None]
    ended = [r for r in records if r.error and r.error.startswith(SESSION_ENDED)]
    return {
        "turns": len(records),
        "failed": len(records) - len(ok) - len(ended),
        "cut_by_scenario_end": len(ended),
        "rows": {row: spread(row_values(ok, row)) for row in ROWS},
        "underruns": int(sum(r.underruns for r in ok)),
        "max_gap_ms": max((r.max_gap_ms for r in ok), default=0.0),
    }


def ratio(
    ours: dict[str, Any], naive: dict[str, Any], row: str, naive_row: str = "total"
) -> dict[str, float]:
    """ours/naive per percentile (p50, p95) of ``row`` against the baseline's ``naive_row``."""
    a, b = ours["rows"].get(row), naive["rows"].get(naive_row)
    if not a or not b:
        return {}
    return {p: round(a[p] / b[p], 3) for p in ("p50", "p95") if b[p] > 0}


def format_table(levels: dict[int, dict[str, Any]], naive: dict[str, Any] | None) -> str:
    """p50/p95/max per stage (columns) for each concurrency level (rows), then the baseline."""
    head = (
        f"{'sessions':>8} {'stat':>4} "
        + " ".join(f"{r:>15}" for r in ROWS)
        + "  turns fail underruns"
    )
    lines = [head, "-" * len(head)]

    def block(label: str, s: dict[str, Any]) -> None:
        for p, _ in PERCENTILES:
            cells = []
            for row in ROWS:
                v = s["rows"].get(row)
                cells.append(f"{v[p]:>15.0f}" if v else f"{'-':>15}")
            tail = f"  {s['turns']:>5} {s['failed']:>4} {s['underruns']:>9}" if p == "p50" else ""
            lines.append(f"{label if p == 'p50' else '':>8} {p:>4} " + " ".join(cells) + tail)

    for c, s in sorted(levels.items()):
        block(str(c), s)
    if naive is not None:
        block("naive", naive)
        for c, s in sorted(levels.items()):
            server, client = ratio(s, naive, "total"), ratio(s, naive, "client")
            lines.append(
                f"ours/naive at {c} session(s): server total p50 {server.get('p50', '-')}, "
                f"p95 {server.get('p95', '-')}; client p50 {client.get('p50', '-')}, "
                f"p95 {client.get('p95', '-')}"
            )
    return "\n".join(lines)
