"""Agitation state machine: how the officer's turns, time and injects move the subject."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from appliance.persona.scenario import Scenario, StageLock
from appliance.persona.state import PersonaState, VRCue
from appliance.persona.vocabulary import DIALOGUE_ACTS, STAGES

Features = Mapping[str, float | None]

# The smallest share of an influence act's effect that gets through before any rapport.
_MIN_INFLUENCE = 0.25


class AgitationMachine:
    """Deterministic agitation model for one session: same inputs, same trajectory."""

    def __init__(self, scenario: Scenario, *, t0: float = 0.0) -> None:
        self._card = scenario
        self._p = scenario.agitation
        self._t0 = t0
        self._t = t0
        self._level = self._p.start
        self._rapport = 0.0
        self._turns: list[frozenset[str]] = []
        self._high_turns = 0
        self._lock: tuple[str, float] | None = None
        self._outcome: str | None = None
        self._state = self._snapshot(t0)

    @property
    def state(self) -> PersonaState:
        """The latest state."""
        return self._state

    def stage_of(self, level: float) -> str:
        """The stage name for an agitation level."""
        th = self._p.thresholds
        stage = STAGES[0]
        for name, start in zip(
            STAGES[1:], (th.guarded, th.agitated, th.hostile, th.peak), strict=True
        ):
            if level >= start:
                stage = name
        return stage

    def advance(self, t: float) -> PersonaState:
        """Let time pass to ``t``: drift, lock expiry and the time limit."""
        if self._outcome is None:
            self._drift_to(t)
            self._check_time(t)
        return self._emit(t)

    def officer_turn(
        self,
        acts: Iterable[str],
        *,
        t: float,
        features: Features | None = None,
        interrupted: bool = False,
    ) -> PersonaState:
        """Update agitation and rapport from one officer turn's dialogue acts and features."""
        if self._outcome is not None:
            return self._emit(t)
        turn = frozenset(acts)
        unknown = sorted(turn - set(DIALOGUE_ACTS))
        if unknown:
            raise ValueError(f"unknown dialogue acts: {', '.join(unknown)}")
        self._drift_to(t)
        if self._check_time(t):
            return self._emit(t)
        rise, calm = self._turn_effect(turn, features or {}, interrupted)
        self._turns.append(turn)
        # Good talk eases distress down to the card's floor, never below what is already there.
        low = min(self._level, self._p.floor)
        self._level = self._bounded(max(low, self._level + rise - calm), cap=100.0)
        trust = self._rapport + (calm - 2.0 * rise) / self._p.rapport_scale
        self._rapport = min(1.0, max(0.0, trust))
        self._check_outcome()
        return self._emit(t)

    def shift(
        self,
        delta: float,
        *,
        t: float,
        lock: StageLock | None = None,
        spends_rapport: bool = False,
    ) -> PersonaState:
        """Move agitation by an inject, a nudge or a push into his space; optionally lock a stage.

        ``spends_rapport``: the officer caused it (closing in on him), so it costs trust as a
        harsh turn would.
        """
        if self._outcome is not None:
            return self._emit(t)
        self._drift_to(t)
        if self._check_time(t):
            return self._emit(t)
        if lock is not None:
            self._lock = (lock.stage, t + lock.seconds)
        self._level = self._bounded(self._level + delta, cap=max(self._level, self._edge()))
        if spends_rapport and delta > 0:
            self._rapport = max(0.0, self._rapport - 2.0 * delta / self._p.rapport_scale)
        return self._emit(t)

    # -- internals ---------------------------------------------------------------------------

    def _turn_effect(
        self, turn: frozenset[str], features: Features, interrupted: bool
    ) -> tuple[float, float]:
        """Escalation and de-escalation of one turn, each within the card's per-turn cap."""
        p = self._p
        window = self._turns[-p.habituation_window :]
        rise = p.interruption if interrupted else 0.0
        calm = 0.0
        for act in sorted(turn):  # fixed order: float sums do not depend on hash seeds
            weight = p.weights.get(act, 0.0)
            if weight > 0:
                rise += weight
            elif weight < 0:
                uses = sum(1 for past in window if act in past)
                effect = -weight * p.habituation**uses
                if act in p.influence_acts:
                    effect *= max(_MIN_INFLUENCE, self._rapport)
                calm += effect
        loud = features.get("rms_dbfs")
        if loud is not None and loud > p.loudness.threshold_dbfs:
            rise += min(p.loudness.max, (loud - p.loudness.threshold_dbfs) * p.loudness.per_db)
        wpm = features.get("words_per_minute")
        if wpm is not None and wpm > p.rate.fast_wpm:
            rise += min(p.rate.max, (wpm - p.rate.fast_wpm) / 10.0 * p.rate.per_10_wpm)
        elif wpm is not None and 0 < wpm < p.rate.slow_wpm:
            calm += p.rate.slow_calm
        if rise > 0:
            calm *= p.mixed_message_factor  # empathy wrapped around a threat lands as the threat
        return min(rise, p.max_turn_rise), min(calm, p.max_turn_drop)

    def _edge(self) -> float:
        """Highest level time and injects may reach: only the officer's turns cause failure."""
        return self._card.failure.force_threshold - 1.0

    def _drift_to(self, t: float) -> None:
        if t <= self._t:
            return
        drift = self._p.drift_per_minute * (t - self._t) / 60.0
        self._t = t
        if self._lock is not None and t >= self._lock[1]:
            self._lock = None
        self._level = self._bounded(self._level + drift, cap=max(self._level, self._edge()))

    def _bounded(self, level: float, *, cap: float) -> float:
        if self._lock is not None:
            low, high = self._band(self._lock[0])
            level = min(high, max(low, level))
        return min(cap, max(0.0, level))

    def _band(self, stage: str) -> tuple[float, float]:
        th = self._p.thresholds
        starts = [0.0, th.guarded, th.agitated, th.hostile, th.peak, 100.5]
        i = STAGES.index(stage)
        return starts[i], starts[i + 1] - 0.5

    def _check_time(self, t: float) -> bool:
        if t - self._t0 >= self._card.time_limit_s:
            self._outcome = "time_limit"
        return self._outcome is not None

    def _check_outcome(self) -> None:
        card = self._card
        self._high_turns = (
            self._high_turns + 1 if self._level >= card.disengagement.min_agitation else 0
        )
        res = card.resolution
        recent = self._turns[-res.window_turns :]

        def offered(acts: list[str]) -> bool:
            return any(act in turn for turn in recent for act in acts)

        if self._level >= card.failure.force_threshold:
            self._outcome = "failed"
        elif self._high_turns >= card.disengagement.turns:
            self._outcome = "disengaged"
        elif self._rapport >= res.min_rapport:
            for alt in res.alternatives:
                ceiling = res.max_agitation if alt.max_agitation is None else alt.max_agitation
                if self._level <= ceiling and offered(alt.requires_any):
                    self._outcome = alt.id
                    return
            if self._level <= res.max_agitation and offered(res.requires_any):
                self._outcome = "resolved"

    def _snapshot(self, t: float) -> PersonaState:
        stage = self.stage_of(self._level)
        spec = self._card.stages.get(stage)
        return PersonaState(
            t=round(t, 3),
            agitation=round(self._level, 1),
            stage=stage,
            emotion=spec.emotion,
            cue=VRCue(spec.vr.posture, spec.vr.gesture, spec.vr.distance_m),
            rapport=round(self._rapport, 3),
            outcome=self._outcome,
        )

    def _emit(self, t: float) -> PersonaState:
        self._state = self._snapshot(t)
        return self._state
