"""The subject's agitation over time (from ``state_timeline``) and its turning points."""

from __future__ import annotations

from dataclasses import dataclass

from appliance.review.evidence import clock, quote
from appliance.transcript import OFFICER, StatePoint, Transcript

MIN_SWING = 8.0
LOOKBACK_S = 30.0


@dataclass(frozen=True)
class TurningPoint:
    """A peak or trough in agitation, with what the officer said just before it."""

    t: float
    time: str
    agitation: float
    kind: str
    change: float
    stage: str
    after_turn: int | None
    after_quote: str | None


@dataclass(frozen=True)
class AgitationTimeline:
    """Agitation points, turning points and a one-line summary."""

    points: tuple[StatePoint, ...]
    turning_points: tuple[TurningPoint, ...]
    start: float | None
    end: float | None
    peak: float | None


def _officer_before(transcript: Transcript, t: float) -> tuple[int | None, str | None]:
    for turn in reversed(transcript.turns):
        if (
            turn.speaker == OFFICER
            and turn.start <= t
            and t - turn.start <= LOOKBACK_S
            and turn.text.strip()
        ):
            return turn.index, quote(turn.text)
    return None, None


def _extrema(points: tuple[StatePoint, ...]) -> list[int]:
    """Indices of alternating peaks and troughs, each at least MIN_SWING from the last one."""
    vals = [p.agitation for p in points]
    out: list[int] = []
    direction, cand = 0, 0
    for i in range(1, len(vals)):
        v = vals[i]
        if direction == 0:
            if abs(v - vals[0]) >= MIN_SWING:
                direction, cand = (1 if v > vals[0] else -1), i
        elif (direction == 1 and v >= vals[cand]) or (direction == -1 and v <= vals[cand]):
            cand = i
        elif abs(v - vals[cand]) >= MIN_SWING:
            out.append(cand)
            direction, cand = -direction, i
    if direction:
        out.append(cand)
    return out


def agitation_timeline(transcript: Transcript) -> AgitationTimeline:
    """Turning points are the peaks and troughs of swings of at least 8 points."""
    pts = transcript.state_timeline
    if not pts:
        return AgitationTimeline((), (), None, None, None)
    marks: dict[int, str] = {}
    last = 0
    for i in _extrema(pts):
        marks[i] = "peak" if pts[i].agitation > pts[last].agitation else "trough"
        last = i
    turning = []
    previous = pts[0].agitation
    for i in sorted(marks):
        p = pts[i]
        after_turn, after_quote = _officer_before(transcript, p.t)
        turning.append(
            TurningPoint(
                p.t,
                clock(p.t),
                p.agitation,
                marks[i],
                round(p.agitation - previous, 1),
                p.stage,
                after_turn,
                after_quote,
            )
        )
        previous = p.agitation
    return AgitationTimeline(
        pts, tuple(turning), pts[0].agitation, pts[-1].agitation, max(p.agitation for p in pts)
    )
