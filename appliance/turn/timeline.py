"""Typed, timestamped turn events, and the per-stage milliseconds derived from them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

EventType = Literal[
    "speech_start",  # officer's voice began
    "speech_end",  # last voiced audio of the officer
    "asr_start",  # recognition began (speculatively at the start of silence, or at the endpoint)
    "endpoint",  # the endpointer decided the turn is over
    "asr_done",  # transcript ready
    "llm_request",  # prompt sent to the LLM
    "llm_first_token",
    "first_sentence",  # first complete sentence of the reply
    "tts_first_audio",  # first synthesized audio of the reply
    "first_frame_sent",  # first non-silent reply frame left the appliance
    "llm_done",
    "tts_done",
    "barge_in",
    "llm_fallback",  # the llm voice gave way to the authored line (late or off-character)
    "vad_start",  # voice activity detection over a whole recording began (offline turns)
    "vad_done",
]

# (stage name, from event, to event): the stages of the latency budget, in order.
STAGES: tuple[tuple[str, EventType, EventType], ...] = (
    ("endpoint", "speech_end", "endpoint"),
    ("asr", "endpoint", "asr_done"),
    ("llm_first_token", "asr_done", "llm_first_token"),
    ("first_sentence", "llm_first_token", "first_sentence"),
    ("tts_first_audio", "first_sentence", "tts_first_audio"),
    ("send", "tts_first_audio", "first_frame_sent"),
)
TOTALS: tuple[tuple[str, EventType, EventType], ...] = (
    ("total", "speech_end", "first_frame_sent"),
    ("asr_compute", "asr_start", "asr_done"),
    ("llm_total", "llm_request", "llm_done"),
    ("to_first_audio", "speech_end", "tts_first_audio"),
    ("reply_text", "asr_done", "first_sentence"),  # the reply's words ready (either voice)
    ("vad", "vad_start", "vad_done"),
)


@dataclass(frozen=True)
class TurnEvent:
    """One stage event of a turn, at a monotonic time in seconds."""

    type: EventType
    t: float


@dataclass
class TurnTimeline:
    """The events of one turn, in the order they happened."""

    events: list[TurnEvent] = field(default_factory=list)

    def mark(self, type_: EventType, t: float | None = None) -> TurnEvent:
        """Record ``type_`` now (or at the given monotonic time); the first mark of a type wins."""
        event = TurnEvent(type_, time.monotonic() if t is None else t)
        self.events.append(event)
        return event

    def first(self, type_: EventType) -> float | None:
        """Time of the first event of this type."""
        return next((e.t for e in self.events if e.type == type_), None)

    def stages_ms(self) -> dict[str, float]:
        """Milliseconds per stage for the events present (negative spans clamp to zero)."""
        out: dict[str, float] = {}
        for name, a, b in STAGES + TOTALS:
            ta, tb = self.first(a), self.first(b)
            if ta is not None and tb is not None:
                out[name] = round(max(0.0, tb - ta) * 1000.0, 1)
        return out
