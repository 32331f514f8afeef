"""Latency budgets per profile (``[[turn_latency.PROFILE]]`` in firmware_config/budgets.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appliance.checks.model_stages import BUDGETS_FILE


@dataclass(frozen=True)
class LatencyBudget:
    """Client-side turn latency allowed at one concurrency level (ms, or ours/naive ratio)."""

    concurrency: int
    p50_ms: float | None = None
    p95_ms: float | None = None
    ratio_p50: float | None = None
    ratio_p95: float | None = None


def load_budgets(profile: str, path: Path = BUDGETS_FILE) -> list[LatencyBudget]:
    """The profile's turn-latency budgets (none if the file has no table for it)."""
    with path.open("rb") as fh:
        rows = tomllib.load(fh).get("turn_latency", {}).get(profile, [])
    return [
        LatencyBudget(**{k: v for k, v in row.items() if k in LatencyBudget.__dataclass_fields__})
        for row in rows
    ]


def check_budgets(
    budgets: list[LatencyBudget],
    levels: dict[int, dict[str, Any]],
    ratios: dict[int, dict[str, float]],
) -> list[str]:
    """One line per budget: ``ok``, ``OVER`` or ``not measured`` (client-side latency)."""
    lines = []
    for b in budgets:
        level = levels.get(b.concurrency)
        client = level["rows"].get("client") if level else None
        if client is None:
            lines.append(f"not measured: {b.concurrency} session(s) were not run")
            continue
        checks = [
            ("p50", b.p50_ms, client["p50"]),
            ("p95", b.p95_ms, client["p95"]),
            ("ratio p50", b.ratio_p50, ratios.get(b.concurrency, {}).get("p50")),
            ("ratio p95", b.ratio_p95, ratios.get(b.concurrency, {}).get("p95")),
        ]
        for name, limit, value in checks:
            if limit is None or value is None:
                continue
            verdict = "OVER" if value > limit else "ok"
            lines.append(
                f"{verdict}: {b.concurrency} session(s) {name} {value:g} (budget {limit:g})"
            )
        if level and level["failed"]:
            lines.append(
                f"OVER: {b.concurrency} session(s): {level['failed']} turn(s) got no reply"
            )
    return lines
