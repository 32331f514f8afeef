"""The dialogue of one session: officer turns → analysis → persona state → who replies, and how."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from appliance.dialogue.analysis import ACTS, UtteranceAnalysis, UtteranceAnalyzer
from appliance.dialogue.features import RECENT_TURNS
from appliance.inference.llm_client import Message
from appliance.persona.lines import Choice, Heard, LineChooser
from appliance.persona.reply_filter import ReplyFilter
from appliance.persona.scenario import Scenario
from appliance.persona.state import PersonaState
from appliance.persona.subject import PersonaEngine
from appliance.persona.vocabulary import SUBJECT
from appliance.persona.voice import VoiceParams
from appliance.transcript import OFFICER, Turn, TurnAnalysis


@dataclass(frozen=True)
class ReplyPlan:
    """One character's next reply: the prompt, the filter for its text and its voice."""

    speaker: str
    messages: list[Message]
    lines: ReplyFilter
    voice: VoiceParams
    authored: Choice  # the line from the card's dialogue bank (the llm voice's fallback)


@dataclass
class Conversation:
    """Transcript and persona of one session, in docs/ARCHITECTURE.md's transcript-JSON shape."""

    scenario: Scenario
    analyzer: UtteranceAnalyzer
    session_id: str
    officer: dict[str, str]
    started_at: str = field(
        default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    turns: list[Turn] = field(default_factory=list)
    timings: list[dict[str, Any]] = field(default_factory=list)
    topic_threshold: float = 0.5  # [persona] topic_threshold
    demo: bool = False  # a demo call ("Try the demo"): kept as such, never training hours
    # Called after each turn is added (a live session writes it to the records then).
    on_turn: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.persona = PersonaEngine(self.scenario)
        self.lines = LineChooser(
            self.scenario,
            self.analyzer.encoder,
            seed=self.session_id,
            threshold=self.topic_threshold,
        )
        self._heard: Heard | None = None
        self._foreseen: UtteranceAnalysis | None = None  # words analyzed during a pause

    def _analyze(self, text: str) -> UtteranceAnalysis:
        """The officer's words read against what the other side said last."""
        heard = [t.text for t in self.turns if t.speaker != OFFICER and t.text.strip()]
        return self.analyzer.analyze(
            text, subject_name=self.scenario.subject.name, heard=heard[-RECENT_TURNS:]
        )

    def foresee(self, text: str) -> None:
        """Analyze words that may become the officer's turn, ahead of it (blocking)."""
        self._foreseen = self._analyze(text)

    def officer_turn(
        self,
        text: str,
        *,
        start: float,
        end: float,
        features: dict[str, float] | None = None,
        interrupted: bool = False,
    ) -> tuple[UtteranceAnalysis, PersonaState]:
        """Record what the officer said and move the persona (blocking: runs the analyzer)."""
        foreseen, self._foreseen = self._foreseen, None
        analysis = (
            foreseen
            if foreseen is not None and foreseen.text == text
            else self._analyze(text)
        )
        kept = TurnAnalysis(
            tuple(a for a in ACTS if a in analysis.acts),
            analysis.words,
            tuple(sorted(analysis.cues)),
            analysis.scores,
        )
        self._add(OFFICER, text, start, end, interrupted, features or {}, kept)
        self._heard = Heard(text, analysis.acts, analysis.embeddings, interrupted)
        self.lines.hear(text)
        state = self.persona.officer_turn(
            analysis.acts, t=end, features=features, interrupted=interrupted
        )
        return analysis, state

    def reply_plans(self, event: str | None = None) -> Iterator[ReplyPlan]:
        """Who answers the last officer turn (or ``event``: the officer fell silent), in order.

        Each plan has the prompt, filter, voice and authored line. Lazy: each plan is built when
        it is reached, so a character who speaks second hears what the first one said (record it
        with ``character_turn`` before moving on).
        """
        heard = None if event else self._heard
        speakers = (
            self.persona.responders(heard.text, heard.acts) if heard is not None else (SUBJECT,)
        )
        for speaker in speakers:
            stage = self.persona.state.stage
            authored = self.lines.choose(speaker, stage, heard, event)
            if authored is None:
                continue
            yield ReplyPlan(
                speaker=speaker,
                messages=self.persona.messages_for_reply(
                    [t.to_json() for t in self.turns], speaker=speaker, examples=[authored.text]
                ),
                lines=self.persona.reply_filter(speaker, fallback=authored.text),
                voice=self.persona.voice_for(speaker),
                authored=authored,
            )

    def character_turn(
        self, speaker: str, text: str, *, start: float, end: float, interrupted: bool = False
    ) -> None:
        """Record what a character said (only what was actually played)."""
        self._add(speaker, text, start, end, interrupted)

    def _add(
        self,
        speaker: str,
        text: str,
        start: float,
        end: float,
        interrupted: bool,
        features: dict[str, float] | None = None,
        analysis: TurnAnalysis | None = None,
    ) -> None:
        turn = Turn(
            len(self.turns),
            speaker,
            round(start, 3),
            round(end, 3),
            text,
            features or {},
            interrupted,
            analysis,
        )
        # A turn is recorded when it is over, so one can start before the turn recorded last:
        # the officer began speaking just before the subject's reply started, then talked over
        # it. The transcript is in order of start, as a review requires.
        at = len(self.turns)
        while at and self.turns[at - 1].start > turn.start:
            at -= 1
        self.turns.insert(at, turn)
        for i in range(at, len(self.turns)):
            if self.turns[i].index != i:
                self.turns[i] = replace(self.turns[i], index=i)
        if self.on_turn is not None:
            self.on_turn()

    def transcript(self) -> dict[str, Any]:
        """The transcript JSON of the session so far (``demo`` only on a demo call)."""
        out: dict[str, Any] = {
            "session_id": self.session_id,
            "scenario_id": self.scenario.id,
            "officer": dict(self.officer),
            "subject": {"name": self.scenario.subject.name},
            "started_at": self.started_at,
            "turns": [t.to_json() for t in self.turns],
            "state_timeline": list(self.persona.state_timeline),
            "events": list(self.persona.events),
            "timings": list(self.timings),
        }
        if self.demo:
            out["demo"] = True
        return out
