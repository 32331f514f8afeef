"""What competency scoring works on and produces: the context, drafts, factors, caps, results."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from appliance.dialogue.analysis import UtteranceAnalysis
from appliance.persona.review_facts import ScenarioInfo
from appliance.review.evidence import Candidate, Evidence
from appliance.review.metrics import Metrics
from appliance.transcript import Transcript


@dataclass(frozen=True)
class Factor:
    """Points added or taken away, and why."""

    points: int
    reason: str
    turns: tuple[int, ...] = ()
    measure: str | None = None  # the MITI session measure behind it (``miti.py``), if any


@dataclass(frozen=True)
class Cap:
    """A hard cap: the highest level allowed, and why."""

    max_level: int
    reason: str


@dataclass(frozen=True)
class CompetencyResult:
    """One competency's score, level, anchor, factors, caps and evidence."""

    id: str
    title: str
    framework: str
    score: int
    level: int
    anchor: str
    weight: float
    factors: tuple[Factor, ...]
    caps: tuple[Cap, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Context:
    """Everything a competency scorer reads."""

    transcript: Transcript
    acts: Mapping[int, UtteranceAnalysis]
    metrics: Metrics
    scenario: ScenarioInfo

    def with_act(self, act: str) -> list[int]:
        """Officer turn indices whose acts include ``act``, in order."""
        return [i for i, a in self.acts.items() if act in a.acts]

    def by_rule(self, act: str) -> list[int]:
        """Officer turns where a reliable rule (not only the classifier) found ``act``."""
        return [i for i, a in self.acts.items() if f"rule:{act}" in a.cues]

    def with_cue(self, cue: str) -> list[int]:
        """Officer turns carrying a finer rule cue (e.g. ``diagnostic_label``)."""
        return [i for i, a in self.acts.items() if cue in a.cues]


@dataclass
class Draft:
    """A competency being scored: base, factors, caps and evidence candidates."""

    base: int
    factors: list[Factor] = field(default_factory=list)
    caps: list[Cap] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    def add(
        self,
        points: int,
        reason: str,
        turns: list[int] | tuple[int, ...] = (),
        *,
        measure: str | None = None,
    ) -> None:
        """Record a factor (zero-point factors are dropped unless a MITI measure explains it)."""
        if points or measure:
            self.factors.append(Factor(points, reason, tuple(turns), measure))

    def cite(
        self,
        turns: list[int],
        positive: bool,
        weight: int,
        note: str,
        acts: tuple[str, ...] = (),
        suggestion: Callable[[int], str] | None = None,
    ) -> None:
        """Offer turns as evidence candidates."""
        for i in turns:
            self.candidates.append(
                Candidate(i, positive, weight, note, acts, suggestion(i) if suggestion else None)
            )
