"""Pushes into the subject's space, found in the officer's measured distance (headset sessions).

Pure logic on pose samples: a fast approach is one push, measured from where it began to where
it stopped; standing inside his space is another, counted by the second. Each push carries the
points it adds (the card's ``agitation.proximity`` weights) and a line of evidence for the review.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.persona.space import Proximity

MAX_GAP_S = 1.0  # samples further apart than this do not continue an approach or a stay
MAX_APPROACH_S = 4.0  # a longer approach is counted in parts, so agitation moves while it lasts
CLOSE_CHUNK_S = 10.0  # a long stay inside his space is counted every this many seconds
MIN_CLOSED_M = 0.3  # smaller steps are a shuffle, not an approach
MIN_STAY_S = 1.0


@dataclass(frozen=True)
class PoseSample:
    """The officer's distance to the subject and approach rate (m/s, + = closing) at ``t``."""

    t: float
    distance_m: float
    approach_mps: float


@dataclass(frozen=True)
class Push:
    """A push into the subject's space that moved his agitation by ``points``."""

    kind: str  # "approach" or "close"
    start: float
    t: float
    from_m: float
    to_m: float
    stage: str
    points: float

    @property
    def seconds(self) -> float:
        """How long it lasted."""
        return self.t - self.start

    def evidence(self) -> str:
        """What happened, in words: ``closed from 5.0 m to 2.0 m in 3.0 s while he was hostile``."""
        if self.kind == "approach":
            return (
                f"closed from {self.from_m:.1f} m to {self.to_m:.1f} m in {self.seconds:.1f} s"
                f" while he was {self.stage}"
            )
        return (
            f"stood within {self.from_m:.1f} m of him (closest {self.to_m:.1f} m) for"
            f" {self.seconds:.0f} s while he was {self.stage}"
        )

    def to_event(self) -> dict[str, float | str]:
        """The transcript's ``events`` entry for this push."""
        return {
            "t": round(self.t, 3),
            "type": "proximity",
            "name": self.kind,
            "start": round(self.start, 3),
            "from_m": round(self.from_m, 2),
            "to_m": round(self.to_m, 2),
            "stage": self.stage,
            "points": round(self.points, 1),
            "evidence": self.evidence(),
        }


@dataclass
class _Run:
    start: float
    from_m: float
    stage: str
    last: PoseSample
    nearest: float
    given: float = 0.0  # points already counted for this stay


class ProximityTracker:
    """Turns a stream of pose samples into pushes, with one card's weights."""

    def __init__(self, spec: Proximity) -> None:
        self._spec = spec
        self._last: PoseSample | None = None
        self._approach: _Run | None = None
        self._close: _Run | None = None

    def feed(self, sample: PoseSample, stage: str, comfort_m: float) -> list[Push]:
        """Pushes that ended with this sample; ``comfort_m``: the stage's distance to him."""
        last, self._last = self._last, sample
        if last is not None and sample.t - last.t > MAX_GAP_S:
            last, self._approach = None, None
        pushes = [p for p in (self._step_approach(last, sample, stage),) if p is not None]
        pushes += [p for p in (self._step_close(sample, stage, comfort_m),) if p is not None]
        return pushes

    def _step_approach(self, last: PoseSample | None, s: PoseSample, stage: str) -> Push | None:
        spec, run = self._spec, self._approach
        if run is None:
            if s.approach_mps >= spec.fast_mps:
                origin = last if last is not None else s
                self._approach = _Run(origin.t, origin.distance_m, stage, s, s.distance_m)
            return None
        run.last, run.nearest = s, min(run.nearest, s.distance_m)
        going = s.approach_mps >= spec.fast_mps / 2
        if going and s.t - run.start < MAX_APPROACH_S:
            return None
        self._approach = None
        if going:  # a long approach: count this part, the next begins here
            self._approach = _Run(s.t, s.distance_m, stage, s, s.distance_m)
        closed = run.from_m - run.nearest
        if closed < MIN_CLOSED_M:
            return None
        points = min(spec.max_rise, spec.per_m * closed * spec.scale(run.stage))
        return Push("approach", run.start, s.t, run.from_m, run.nearest, run.stage, points)

    def _step_close(self, s: PoseSample, stage: str, comfort_m: float) -> Push | None:
        spec, run = self._spec, self._close
        inside_m = comfort_m * spec.close_share
        if run is None:
            if s.distance_m < inside_m:
                self._close = _Run(s.t, inside_m, stage, s, s.distance_m)
            return None
        run.nearest = min(run.nearest, s.distance_m)
        inside = s.distance_m < run.from_m
        if inside and s.t - run.start < CLOSE_CHUNK_S:
            run.last = s
            return None
        end = s if inside else run.last
        self._close = _Run(s.t, run.from_m, stage, s, s.distance_m, run.given) if inside else None
        seconds = end.t - run.start
        points = min(spec.close_max - run.given, spec.close_per_s * seconds * spec.scale(run.stage))
        if seconds < MIN_STAY_S or points <= 0:
            return None
        if self._close is not None:
            self._close.given += points
        return Push("close", run.start, end.t, run.from_m, run.nearest, run.stage, points)
