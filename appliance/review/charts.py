"""Inline SVG charts for the HTML review: agitation over time and the officer's speaking rate."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from appliance.review.agitation_timeline import AgitationTimeline
from appliance.review.evidence import clock
from appliance.review.metrics import RatePoint

W, H = 720, 200
PAD_L, PAD_R, PAD_T, PAD_B = 44, 16, 14, 28


def _x(t: float, t_max: float) -> float:
    return PAD_L + (W - PAD_L - PAD_R) * (t / t_max if t_max > 0 else 0.0)


def _y(v: float, lo: float, hi: float) -> float:
    span = hi - lo or 1.0
    return PAD_T + (H - PAD_T - PAD_B) * (1.0 - (v - lo) / span)


def _axes(t_max: float, lo: float, hi: float, ticks: Sequence[float], unit: str) -> list[str]:
    out = []
    for v in ticks:
        y = _y(v, lo, hi)
        out.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(
            f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">'
            f"{v:g}{unit}</text>"
        )
    steps = 6
    for k in range(steps + 1):
        t = t_max * k / steps
        out.append(
            f'<text x="{_x(t, t_max):.1f}" y="{H - 8}" class="tick" text-anchor="middle">'
            f"{clock(t)}</text>"
        )
    return out


def agitation_svg(timeline: AgitationTimeline, t_max: float) -> str:
    """Agitation 0–100 over time, turning points marked and linked to the moment before them."""
    if not timeline.points:
        return '<p class="muted">No agitation timeline was recorded for this session.</p>'
    parts = [
        f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="Subject agitation over time" '
        f'class="chart">'
    ]
    parts += _axes(t_max, 0, 100, (0, 25, 50, 75, 100), "")
    pts = " ".join(f"{_x(p.t, t_max):.1f},{_y(p.agitation, 0, 100):.1f}" for p in timeline.points)
    parts.append(f'<polyline points="{pts}" class="line agitation"/>')
    for tp in timeline.turning_points:
        x, y = _x(tp.t, t_max), _y(tp.agitation, 0, 100)
        cls = "rise" if tp.change > 0 else "fall"
        label = f"{tp.time} {tp.kind}: {tp.agitation:g} ({tp.change:+g})"
        mark = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" class="tp {cls}">'
            f"<title>{escape(label)}</title></circle>"
        )
        if tp.after_turn is not None:
            mark = f'<a href="#turn-{tp.after_turn}">{mark}</a>'
        parts.append(mark)
    parts.append("</svg>")
    return "".join(parts)


def rate_svg(rate: Sequence[RatePoint], t_max: float) -> str:
    """The officer's words per minute per turn, with a 140–160 wpm guide band."""
    if len(rate) < 2:
        return '<p class="muted">Too few officer turns to chart the speaking rate.</p>'
    lo = min(80.0, min(p.wpm for p in rate) - 10)
    hi = max(220.0, max(p.wpm for p in rate) + 10)
    parts = [
        f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="Officer speaking rate" class="chart">'
    ]
    y1, y2 = _y(160, lo, hi), _y(140, lo, hi)
    parts.append(
        f'<rect x="{PAD_L}" y="{y1:.1f}" width="{W - PAD_L - PAD_R}" '
        f'height="{y2 - y1:.1f}" class="band"/>'
    )
    parts += _axes(t_max, lo, hi, [v for v in (100, 140, 180, 220) if lo <= v <= hi], "")
    pts = " ".join(f"{_x(p.t, t_max):.1f},{_y(p.wpm, lo, hi):.1f}" for p in rate)
    parts.append(f'<polyline points="{pts}" class="line rate"/>')
    for p in rate:
        parts.append(
            f'<a href="#turn-{p.turn}"><circle cx="{_x(p.t, t_max):.1f}" '
            f'cy="{_y(p.wpm, lo, hi):.1f}" r="3" class="dot">'
            f"<title>{clock(p.t)}: {p.wpm:.0f} wpm</title></circle></a>"
        )
    parts.append("</svg>")
    return "".join(parts)
