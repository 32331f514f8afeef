"""The data-channel events (label ``events``): one frozen dataclass per type, JSON both ways.

The appliance builds them, the console feed, the reference client and the benchmarks read them
back with ``from_json``; the browser clients keep a copy of the JSON shapes. The README's event
table is ``markdown_table()`` (a test keeps the two equal).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from appliance.errors import ApplianceError
from appliance.persona.state import PersonaState, VRCue


class EventError(ValueError):
    """A message on the events channel that is not a known event of the right shape."""


@dataclass(frozen=True)
class Event:
    """Base of every data-channel event; ``type`` is the wire name."""

    type: ClassVar[str]

    def to_json(self) -> dict[str, Any]:
        """The event as a JSON object, ``type`` first."""
        return {"type": self.type, **dataclasses.asdict(self)}

    def dumps(self) -> str:
        """The event as JSON text."""
        return json.dumps(self.to_json())


@dataclass(frozen=True)
class TranscriptPartial(Event):
    """The officer's words so far (speculative ASR), before the endpoint confirms them."""

    type: ClassVar[str] = "transcript.partial"
    speaker: str
    text: str
    start: float


@dataclass(frozen=True)
class TranscriptFinal(Event):
    """One finished utterance of any speaker, with its times in session seconds."""

    type: ClassVar[str] = "transcript.final"
    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class PersonaStateChanged(Event):
    """The subject's agitation (0–100), stage, emotion and VR cue; ``outcome`` once decided."""

    type: ClassVar[str] = "persona.state"
    t: float
    agitation: float
    stage: str
    emotion: str
    cue: VRCue
    outcome: str | None = None

    @classmethod
    def of(cls, state: PersonaState) -> PersonaStateChanged:
        """The event for a persona state."""
        return cls(state.t, state.agitation, state.stage, state.emotion, state.cue, state.outcome)


@dataclass(frozen=True)
class SpeechStart(Event):
    """A character's line starts playing (captions, lip sync)."""

    type: ClassVar[str] = "persona.speech.start"
    speaker: str
    text: str


@dataclass(frozen=True)
class SpeechEnd(Event):
    """A character's line finished playing."""

    type: ClassVar[str] = "persona.speech.end"
    speaker: str
    text: str


@dataclass(frozen=True)
class OfficerPose(Event):
    """Sent by a headset (≈5 Hz, never above 10): the officer's distance to the subject and approach rate (m/s, + = closing)."""  # noqa: E501

    type: ClassVar[str] = "officer.pose"
    distance_m: float
    approach_mps: float


@dataclass(frozen=True)
class OfficerDistance(Event):
    """The measured distance (≈1 Hz), pose messages received and dropped; `note` and `points` when closing in raised agitation."""  # noqa: E501

    type: ClassVar[str] = "officer.distance"
    t: float
    distance_m: float | None
    approach_mps: float
    received: int
    dropped: int
    note: str = ""
    points: float = 0.0


@dataclass(frozen=True)
class BargeIn(Event):
    """The officer talked over the subject: the reply was cut, ``dropped_s`` of audio unplayed."""

    type: ClassVar[str] = "barge_in"
    t: float
    dropped_s: float


@dataclass(frozen=True)
class TurnTiming(Event):
    """Per-stage milliseconds of one turn; ``late_frames`` counts outbound pacing underruns."""

    type: ClassVar[str] = "turn.timing"
    turn: int
    stages_ms: dict[str, float] = field(default_factory=dict)
    late_frames: int = 0


@dataclass(frozen=True)
class SessionEnded(Event):
    """The session is over: its outcome and where its review is."""

    type: ClassVar[str] = "session.ended"
    outcome: str
    review_url: str


@dataclass(frozen=True)
class ErrorEvent(Event):
    """A turn or task failed (the session goes on): a stable code and a message for people."""

    type: ClassVar[str] = "error"
    code: str
    message: str

    @classmethod
    def of(cls, exc: ApplianceError) -> ErrorEvent:
        """The event for a failure."""
        return cls(exc.code, exc.message)


EVENTS: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        TranscriptPartial,
        TranscriptFinal,
        PersonaStateChanged,
        SpeechStart,
        SpeechEnd,
        OfficerPose,
        OfficerDistance,
        BargeIn,
        TurnTiming,
        SessionEnded,
        ErrorEvent,
    )
}


Emit = Callable[[Event], None]


def _coerce(value: Any, hint: Any, where: str) -> Any:
    """``value`` checked against a field's type hint (nested dataclasses are built)."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in typing.get_args(hint):
            return None
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _coerce(value, inner, where)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, Mapping):
            raise EventError(f"{where} must be an object")
        return _build(hint, value, where)
    if origin is dict:
        if not isinstance(value, Mapping):
            raise EventError(f"{where} must be an object")
        _, inner = typing.get_args(hint)
        return {str(k): _coerce(v, inner, f"{where}.{k}") for k, v in value.items()}
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise EventError(f"{where} must be a number")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise EventError(f"{where} must be an integer")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise EventError(f"{where} must be a string")
        return value
    raise EventError(f"{where}: unsupported field type {hint!r}")  # pragma: no cover


def _build(cls: type[Any], data: Mapping[str, Any], where: str) -> Any:
    hints = typing.get_type_hints(cls, vars(sys.modules[__name__]))
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise EventError(f"{where} is missing the field '{f.name}'")
            continue
        kwargs[f.name] = _coerce(data[f.name], hints[f.name], f"{where}.{f.name}")
    return cls(**kwargs)


def from_json(data: Mapping[str, Any] | str | bytes) -> Event:
    """The typed event of a JSON object (or its text); unknown fields are ignored."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EventError(f"event is not JSON: {exc}") from None
    if not isinstance(data, Mapping):
        raise EventError("event must be a JSON object")
    kind = data.get("type")
    cls = EVENTS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise EventError(f"unknown event type {kind!r}")
    event: Event = _build(cls, data, kind)  # type: ignore[arg-type]
    return event


def _fields_text(cls: type[Any]) -> str:
    """``a, b (x, y)`` — the field names, nested dataclasses opened."""
    hints = typing.get_type_hints(cls, vars(sys.modules[__name__]))
    parts = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        inner = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
        nested = inner[0] if dataclasses.is_dataclass(inner[0]) else None
        sub = f" ({_fields_text(nested)})" if isinstance(nested, type) else ""
        parts.append(f"`{f.name}`{sub}")
    return ", ".join(parts)


def markdown_table() -> str:
    """The README's event table: type, fields and meaning of each event."""
    rows = ["| type | fields | what it says |", "| --- | --- | --- |"]
    for kind, cls in EVENTS.items():
        doc = (cls.__doc__ or "").strip().splitlines()[0].replace("``", "`")
        rows.append(f"| `{kind}` | {_fields_text(cls)} | {doc} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
