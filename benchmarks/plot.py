"""The result PNG: stacked per-stage p50 bars per concurrency level, and latency vs concurrency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.summary import STAGE_NAMES


def draw(
    path: Path, levels: dict[int, dict[str, Any]], naive: dict[str, Any] | None, title: str
) -> None:
    """Write the two-panel figure to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (bars, lines) = plt.subplots(1, 2, figsize=(12, 5))
    groups = [(f"{c} session{'s' if c > 1 else ''}", s) for c, s in sorted(levels.items())]
    if naive is not None:
        groups.append(("naive", naive))
    x = list(range(len(groups)))
    bottom = [0.0] * len(groups)
    for stage in STAGE_NAMES:
        heights = [(s["rows"].get(stage) or {}).get("p50", 0.0) for _, s in groups]
        bars.bar(x, heights, bottom=bottom, label=stage)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    bars.set_xticks(x, [g for g, _ in groups])
    bars.set_ylabel("ms (p50 of each stage)")
    bars.set_title("Where a turn's time goes")
    bars.legend(fontsize=8)

    cs = sorted(levels)
    for row, style in (("client", "-"), ("total", "--")):
        for p, marker, color in (("p50", "o", "tab:blue"), ("p95", "s", "tab:red")):
            ys = [(levels[c]["rows"].get(row) or {}).get(p) for c in cs]
            pts = [(c, y) for c, y in zip(cs, ys, strict=True) if y is not None]
            if pts:
                lines.plot(
                    [c for c, _ in pts],
                    [y for _, y in pts],
                    style,
                    marker=marker,
                    color=color,
                    label=f"{row} {p}",
                )
    if naive is not None and naive["rows"].get("total"):
        for p in ("p50", "p95"):
            lines.axhline(naive["rows"]["total"][p], color="grey", linestyle=":", linewidth=1)
            lines.annotate(
                f"naive {p}", (cs[0] if cs else 1, naive["rows"]["total"][p]), fontsize=8
            )
    lines.set_xlabel("concurrent sessions")
    lines.set_ylabel("turn latency (ms)")
    lines.set_xticks(cs)
    lines.set_title("Latency vs concurrency")
    lines.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
