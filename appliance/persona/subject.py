"""The persona engine for one live session: state machine, injects, prompts, voices."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from appliance.errors import ScenarioError
from appliance.inference.llm_client import Message
from appliance.persona.agitation import AgitationMachine, Features
from appliance.persona.prompt import MAX_HISTORY_TURNS, PromptBuilder
from appliance.persona.proximity import PoseSample, ProximityTracker, Push
from appliance.persona.reply_filter import ReplyFilter
from appliance.persona.routing import responders
from appliance.persona.scenario import Scenario
from appliance.persona.state import PersonaState
from appliance.persona.vocabulary import SUBJECT
from appliance.persona.voice import VoiceParams, voice_for

MAX_NUDGE = 100.0


class PersonaEngine:
    """Drives one subject (and any extra characters) through a session.

    Every public method returns the latest ``PersonaState``; send its ``persona.state`` event on the
    data channel whenever it differs from the last one sent. ``events`` and ``state_timeline``
    are the transcript's lists, appended as things happen.
    """

    def __init__(
        self, scenario: Scenario, *, t0: float = 0.0, max_history_turns: int = MAX_HISTORY_TURNS
    ) -> None:
        self.scenario = scenario
        self._machine = AgitationMachine(scenario, t0=t0)
        self._prompts = PromptBuilder(scenario, max_history_turns=max_history_turns)
        self._context: list[str] = []
        self._proximity = ProximityTracker(scenario.agitation.proximity)
        self.pushes: list[Push] = []  # the officer's pushes into his space, in order
        self.events: list[dict[str, Any]] = []
        self.state_timeline: list[dict[str, Any]] = [self.state.timeline_entry()]

    @property
    def state(self) -> PersonaState:
        """The latest state."""
        return self._machine.state

    @property
    def outcome(self) -> str | None:
        """How the session ended, or None while it runs."""
        return self.state.outcome

    def officer_turn(
        self,
        acts: Iterable[str],
        *,
        t: float,
        features: Features | None = None,
        interrupted: bool = False,
    ) -> PersonaState:
        """Apply one officer turn (its dialogue acts and audio features) at time ``t``."""
        return self._record(
            self._machine.officer_turn(acts, t=t, features=features, interrupted=interrupted)
        )

    def tick(self, t: float) -> PersonaState:
        """Let time pass to ``t`` (drift, stage locks, the time limit)."""
        return self._record(self._machine.advance(t))

    def officer_pose(self, t: float, distance_m: float, approach_mps: float) -> PersonaState:
        """Take one measured officer position (headset sessions); closing in may raise agitation.

        The first one marks the transcript as measured (the review then scores distance).
        """
        if not any(e["type"] == "pose" for e in self.events):
            self.events.append({"t": t, "type": "pose", "name": "measured"})
        stage = self.state.stage
        comfort_m = self.scenario.stages.get(stage).vr.distance_m
        for push in self._proximity.feed(PoseSample(t, distance_m, approach_mps), stage, comfort_m):
            self.pushes.append(push)
            self.events.append(push.to_event())
            self._record(self._machine.shift(push.points, t=t, spends_rapport=True))
        return self.state

    def apply_inject(self, name: str, t: float) -> PersonaState:
        """Apply one of the card's instructor injects at time ``t``."""
        inject = self.scenario.injects.get(name)
        if inject is None:
            valid = ", ".join(sorted(self.scenario.injects))
            raise ScenarioError(
                f"{self.scenario.id}: unknown inject {name!r} (valid: {valid})",
                code="inject_unknown",
            )
        self.events.append({"t": t, "type": "inject", "name": name})
        self._context.append(inject.context)
        state = self._machine.shift(inject.agitation_delta, t=t, lock=inject.stage_lock)
        return self._record(state)

    def nudge(self, delta: float, t: float, reason: str) -> PersonaState:
        """Instructor override: move agitation by ``delta`` points at time ``t``."""
        if not math.isfinite(delta) or abs(delta) > MAX_NUDGE:
            raise ScenarioError(
                f"nudge must be a number within ±{MAX_NUDGE:g}, got {delta!r}", code="nudge_invalid"
            )
        self.events.append({"t": t, "type": "nudge", "delta": delta, "reason": reason})
        return self._record(self._machine.shift(delta, t=t))

    def responders(self, officer_text: str, acts: frozenset[str]) -> tuple[str, ...]:
        """Which characters answer this officer turn, in speaking order."""
        return responders(self.scenario, officer_text, acts)

    def messages_for_reply(
        self,
        history: Sequence[Mapping[str, object]],
        *,
        speaker: str = SUBJECT,
        examples: Sequence[str] = (),
    ) -> list[Message]:
        """OpenAI chat messages for ``speaker``'s next reply, from transcript-shaped turns.

        ``examples``: the card's authored lines for the moment, which ground the reply.
        """
        self._check_speaker(speaker)
        return self._prompts.messages(
            history, state=self.state, speaker=speaker, context=self._context, examples=examples
        )

    def reply_filter(self, speaker: str = SUBJECT, fallback: str | None = None) -> ReplyFilter:
        """A streaming filter for ``speaker``'s next reply; ``fallback``: said if nothing passes."""
        self._check_speaker(speaker)
        return ReplyFilter(
            self.scenario, speaker=speaker, stage=self.state.stage, fallback=fallback
        )

    def voice_for(self, speaker: str = SUBJECT) -> VoiceParams:
        """TTS parameters for ``speaker`` in the current stage."""
        self._check_speaker(speaker)
        return voice_for(self.scenario, speaker, self.state.stage)

    def _check_speaker(self, speaker: str) -> None:
        if speaker not in self.scenario.speakers:
            valid = ", ".join(self.scenario.speakers)
            raise ScenarioError(f"{self.scenario.id}: unknown speaker {speaker!r} (valid: {valid})")

    def _record(self, state: PersonaState) -> PersonaState:
        last = self.state_timeline[-1]
        if (state.agitation, state.stage) != (last["agitation"], last["stage"]):
            self.state_timeline.append(state.timeline_entry())
        if state.outcome is not None and not any(e["type"] == "outcome" for e in self.events):
            self.events.append({"t": state.t, "type": "outcome", "outcome": state.outcome})
        return state
