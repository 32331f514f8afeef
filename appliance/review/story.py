"""How the call went: its outcome, when it turned, and what each officer turn did to agitation.

The outcome is the session's own (the persona's state machine decides resolved / disengaged /
failed / time limit; the officer or the appliance may end it otherwise). The turning point is
where the final trend began: for a call that calmed, the last peak before agitation fell to the
end; for one that escalated, the last trough before it climbed. The officer line that followed it
is the line that turned the call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from appliance.review.evidence import clock, quote
from appliance.transcript import OFFICER, StatePoint, Transcript

# Small wobbles (drift, a point or two) do not end a trend.
TREND_TOLERANCE = 2.0
MIN_CHANGE = 4.0

LABELS = {
    "resolved": "Resolved",
    "disengaged": "Disengaged",
    "failed": "Failed",
    "time_limit": "Time up",
    "ended": "Ended by the officer",
    "disconnected": "Connection lost",
    "shutdown": "Stopped by the appliance",
}


@dataclass(frozen=True)
class TurningPoint:
    """Where the call's final trend began, and the officer line that began it."""

    t: float
    time: str
    direction: str  # "calmed" or "escalated"
    agitation_from: float
    agitation_to: float
    turn: int | None
    quote: str | None


@dataclass(frozen=True)
class Outcome:
    """How the scenario ended and when it turned."""

    outcome: str | None
    label: str
    description: str
    ended_at: str | None
    turning_point: TurningPoint | None
    summary: str


def _descent_start(points: Sequence[StatePoint], rising: bool) -> int:
    """Index where the last monotone run (within the tolerance) to the end began."""
    k = len(points) - 1
    while k > 0:
        prev, cur = points[k - 1].agitation, points[k].agitation
        if (not rising and prev >= cur - TREND_TOLERANCE) or (
            rising and prev <= cur + TREND_TOLERANCE
        ):
            k -= 1
        else:
            break
    # Within the run, the extreme is the turning point (a plateau's first point).
    run = points[k:]
    values = [p.agitation for p in run]
    target = min(values) if rising else max(values)
    return k + values.index(target)


def _officer_after(transcript: Transcript, t: float) -> int | None:
    """The first officer turn with words that ends after ``t`` (the line that moved the state)."""
    for turn in transcript.turns:
        if turn.speaker == OFFICER and turn.text.strip() and turn.end > t + 1e-6:
            return turn.index
    return None


def turning_point(transcript: Transcript, outcome: str | None) -> TurningPoint | None:
    """The start of the call's final trend (None without an agitation timeline or a change)."""
    pts = transcript.state_timeline
    if len(pts) < 2:
        return None
    rising = outcome in ("failed", "disengaged") or (
        outcome not in ("resolved",) and pts[-1].agitation > pts[0].agitation
    )
    k = _descent_start(pts, rising)
    change = pts[-1].agitation - pts[k].agitation
    if abs(change) < MIN_CHANGE:
        return None
    turn = _officer_after(transcript, pts[k].t)
    return TurningPoint(
        pts[k].t,
        clock(pts[k].t),
        "escalated" if rising else "calmed",
        pts[k].agitation,
        pts[-1].agitation,
        turn,
        quote(transcript.turns[turn].text) if turn is not None else None,
    )


def agitation_change(transcript: Transcript, turn_index: int) -> float | None:
    """How much agitation moved across one officer turn (None without a timeline)."""
    pts = transcript.state_timeline
    if not pts:
        return None
    turn = transcript.turns[turn_index]
    before = [p for p in pts if p.t <= turn.start + 1e-6]
    after = [p for p in pts if p.t <= turn.end + 1e-6]
    if not before or not after:
        return None
    return round(after[-1].agitation - before[-1].agitation, 1)


def outcome_of(transcript: Transcript, descriptions: dict[str, str]) -> Outcome:
    """The outcome block of a review; ``descriptions`` are the card's words for each ending."""
    oc = transcript.outcome
    label = LABELS.get(oc or "", oc.replace("_", " ").capitalize() if oc else "Not recorded")
    description = descriptions.get(oc or "", "")
    end = transcript.ended_at_s
    if end is None and transcript.turns:
        end = max(t.end for t in transcript.turns)
    tp = turning_point(transcript, oc)
    summary = f"{label}."
    if description:
        summary = f"{label}: {description}"
    if tp is not None:
        how = "began to calm" if tp.direction == "calmed" else "began to escalate"
        summary += (
            f" The call {how} at {tp.time} (agitation {tp.agitation_from:g} → "
            f"{tp.agitation_to:g} by the end)"
        )
        if tp.quote:
            stop = "" if tp.quote.rstrip("”\"'").endswith((".", "!", "?", "…")) else "."
            summary += f", after you said “{tp.quote}”{stop}"
        else:
            summary += "."
    return Outcome(oc, label, description, clock(end) if end is not None else None, tp, summary)
