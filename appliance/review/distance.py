"""Time and distance: factors from the officer's measured position (headset sessions).

The persona writes ``pose`` (measured) and ``proximity`` (a push into the subject's space, with
its points and evidence) into the transcript's events; this turns them into factors of the time
and pacing competency. Without a headset nothing is measured, and the factor says so at zero
points: the scores are those of the words alone.
"""

from __future__ import annotations

import math

from appliance.review.draft import Factor
from appliance.transcript import SessionEvent, Transcript

COMPETENCY = "time_pacing"
KEPT_DISTANCE_POINTS = 4
MAX_PENALTY = 20
NOT_MEASURED = "Distance was not measured (no headset): closing in on him was not scored"


def _points(event: SessionEvent) -> float:
    value = event.details.get("points", 0.0)
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0


def _turn_at(transcript: Transcript, t: float) -> tuple[int, ...]:
    """The officer turn said during or just before ``t``, if any."""
    before = [u for u in transcript.officer_turns if u.start <= t]
    return (before[-1].index,) if before else ()


def distance_factors(competency_id: str, transcript: Transcript) -> list[Factor]:
    """The distance factors of one competency (only time and pacing has any)."""
    if competency_id != COMPETENCY:
        return []
    events = transcript.events
    if not any(e.type in ("pose", "proximity") for e in events):
        return [Factor(0, NOT_MEASURED)]
    pushes = [e for e in events if e.type == "proximity" and _points(e) > 0]
    if not pushes:
        return [
            Factor(
                KEPT_DISTANCE_POINTS,
                "Kept his distance: no fast approach, never inside his space (measured)",
            )
        ]
    out, left = [], MAX_PENALTY
    for e in pushes:
        points = _points(e)
        cost = min(left, max(2, round(points / 2)))
        left -= cost
        evidence = str(e.details.get("evidence", e.name))
        reason = f"{evidence[:1].upper()}{evidence[1:]} (agitation +{points:.0f})"
        out.append(Factor(-cost, reason, _turn_at(transcript, e.t)))
        if left <= 0:
            break
    return out
