"""The transcript: one typed ``Turn`` for the live conversation, the review and the records.

``Turn.to_json`` writes the stored shape (docs/ARCHITECTURE.md, "Transcript JSON");
``parse_transcript`` validates it back into dataclasses.

Every problem becomes one ``TranscriptError`` naming the field and the turn, never a traceback.
Speakers may talk over each other (that is how interruptions are seen), but one speaker's own
turns may not overlap, turns must be in start order, and no time may be negative.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from appliance.errors import TranscriptError

MAX_BYTES = 5 * 1024 * 1024
MAX_TURNS = 2000
MAX_TEXT_CHARS = 5000
MAX_SECONDS = 4 * 3600.0
OVERLAP_TOLERANCE_S = 0.05
OFFICER = "officer"
SUBJECT = "subject"


@dataclass(frozen=True)
class TurnAnalysis:
    """The dialogue analysis made of an officer turn while the call ran (reused by the review)."""

    acts: tuple[str, ...]
    words: int
    cues: tuple[str, ...] = ()
    scores: tuple[tuple[str, float], ...] = ()  # act probabilities worth keeping, act order

    def to_json(self) -> dict[str, Any]:
        """The stored shape."""
        return {
            "acts": list(self.acts),
            "words": self.words,
            "cues": list(self.cues),
            "scores": dict(self.scores),
        }


@dataclass(frozen=True)
class Turn:
    """One speaker's utterance with its times in seconds from the session start."""

    index: int
    speaker: str
    start: float
    end: float
    text: str
    features: Mapping[str, float] = field(default_factory=dict)
    interrupted: bool = False  # talked over: the officer barged in, or was cut off
    analysis: TurnAnalysis | None = None

    @property
    def duration(self) -> float:
        """Seconds from start to end."""
        return self.end - self.start

    def to_json(self) -> dict[str, Any]:
        """The stored shape: optional keys only when set."""
        out: dict[str, Any] = {
            "speaker": self.speaker,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
        }
        if self.features:
            out["features"] = dict(self.features)
        if self.interrupted:
            out["interrupted"] = True
        if self.analysis is not None:
            out["analysis"] = self.analysis.to_json()
        return out


@dataclass(frozen=True)
class StatePoint:
    """The subject's agitation (0–100) and stage at one moment."""

    t: float
    agitation: float
    stage: str


@dataclass(frozen=True)
class SessionEvent:
    """An injected or system event during the session."""

    t: float
    type: str
    name: str
    details: Mapping[str, float | str] = field(default_factory=dict)  # other numbers and words


@dataclass(frozen=True)
class Transcript:
    """A validated session transcript."""

    session_id: str
    scenario_id: str
    officer_id: str
    officer_name: str
    started_at: str
    subject_name: str | None
    turns: tuple[Turn, ...]
    state_timeline: tuple[StatePoint, ...]
    events: tuple[SessionEvent, ...]
    outcome: str | None = None  # how the session ended: resolved, disengaged, failed, time_limit …
    ended_at_s: float | None = None

    @property
    def officer_turns(self) -> tuple[Turn, ...]:
        """The officer's turns, in order."""
        return tuple(t for t in self.turns if t.speaker == OFFICER)

    @property
    def speakers(self) -> frozenset[str]:
        """Every speaker that appears."""
        return frozenset(t.speaker for t in self.turns)


def load_transcript_text(raw: str | bytes) -> Transcript:
    """Parse and validate transcript JSON text (size-checked before parsing)."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > MAX_BYTES:
        raise TranscriptError(
            f"transcript is too large: {size / 1048576:.1f} MB (limit {MAX_BYTES // 1048576} MB)"
        )
    if size == 0 or not (raw.strip() if isinstance(raw, str) else raw.strip()):
        raise TranscriptError("transcript is empty: expected a JSON object")
    try:
        data = json.loads(raw)
    except RecursionError:
        raise TranscriptError(
            "transcript is nested too deeply: expected a JSON object of turns"
        ) from None
    except UnicodeDecodeError as exc:
        raise TranscriptError(f"transcript is not UTF-8 text: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            f"transcript is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    return parse_transcript(data)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TranscriptError(f"{where} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise TranscriptError(f"{where} must be a finite number")
    return float(value)


def _text(value: Any, where: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise TranscriptError(f"{where} must be a string, got {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate such as "\ud800"
        raise TranscriptError(
            f"{where} is not valid Unicode text (a lone surrogate at character {exc.start})"
        ) from None
    return value


def _features(value: Any, where: str) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TranscriptError(f"{where} must be an object")
    out: dict[str, float] = {}
    for key, v in value.items():
        if v is None:
            continue
        name = _text(str(key), f"{where} key")
        out[name] = _number(v, f"{where}.{name}")
    return out


def _turn(i: int, raw: Any) -> Turn:
    where = f"turns[{i}]"
    if not isinstance(raw, Mapping):
        raise TranscriptError(f"{where} must be an object")
    for key in ("speaker", "start", "end", "text"):
        if key not in raw:
            raise TranscriptError(f"{where} is missing the field '{key}'")
    speaker = _text(raw["speaker"], f"{where}.speaker").strip().lower()
    if not speaker:
        raise TranscriptError(f"{where}.speaker is empty")
    start = _number(raw["start"], f"{where}.start")
    end = _number(raw["end"], f"{where}.end")
    if start < 0 or end < 0:
        raise TranscriptError(f"{where} has a negative timestamp (start {start}, end {end})")
    if end < start:
        raise TranscriptError(f"{where} ends ({end}) before it starts ({start})")
    if end > MAX_SECONDS:
        raise TranscriptError(f"{where} ends at {end:.0f} s, beyond the {MAX_SECONDS:.0f} s limit")
    text = _text(raw["text"], f"{where}.text")
    if len(text) > MAX_TEXT_CHARS:
        raise TranscriptError(f"{where}.text is {len(text)} characters (limit {MAX_TEXT_CHARS})")
    return Turn(
        i,
        speaker,
        start,
        end,
        text,
        _features(raw.get("features"), f"{where}.features"),
        raw.get("interrupted") is True,
        _analysis(raw.get("analysis"), f"{where}.analysis"),
    )


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TranscriptError(f"{where} must be a list of strings")
    return tuple(_text(v, f"{where}[{i}]") for i, v in enumerate(value))


def _analysis(value: Any, where: str) -> TurnAnalysis | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TranscriptError(f"{where} must be an object")
    words = value.get("words")
    if isinstance(words, bool) or not isinstance(words, int) or words < 0:
        raise TranscriptError(f"{where}.words must be a whole number")
    scores = _features(value.get("scores"), f"{where}.scores")
    return TurnAnalysis(
        _strings(value.get("acts"), f"{where}.acts"),
        words,
        _strings(value.get("cues", []), f"{where}.cues"),
        tuple(scores.items()),
    )


def _check_order(turns: list[Turn]) -> None:
    last_end: dict[str, Turn] = {}
    for prev, cur in zip(turns, turns[1:], strict=False):
        if cur.start + OVERLAP_TOLERANCE_S < prev.start:
            raise TranscriptError(
                f"turns are out of order: turns[{cur.index}] starts at {cur.start:g} s, "
                f"before turns[{prev.index}] ({prev.start:g} s)"
            )
    for cur in turns:
        before = last_end.get(cur.speaker)
        if before is not None and cur.start + OVERLAP_TOLERANCE_S < before.end:
            raise TranscriptError(
                f"overlapping timestamps: turns[{cur.index}] ({cur.speaker}) starts at "
                f"{cur.start:g} s before turns[{before.index}] ({cur.speaker}) ends at "
                f"{before.end:g} s"
            )
        last_end[cur.speaker] = cur


def _state_timeline(raw: Any) -> tuple[StatePoint, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise TranscriptError("state_timeline must be a list")
    points = []
    for i, p in enumerate(raw):
        where = f"state_timeline[{i}]"
        if not isinstance(p, Mapping) or "t" not in p or "agitation" not in p:
            raise TranscriptError(f"{where} must be an object with 't' and 'agitation'")
        t = _number(p["t"], f"{where}.t")
        level = _number(p["agitation"], f"{where}.agitation")
        if t < 0:
            raise TranscriptError(f"{where}.t is negative ({t:g})")
        if not 0 <= level <= 100:
            raise TranscriptError(f"{where}.agitation must be between 0 and 100, got {level:g}")
        points.append(StatePoint(t, level, _text(p.get("stage"), f"{where}.stage", required=False)))
    return tuple(sorted(points, key=lambda s: s.t))


def _events(raw: Any) -> tuple[SessionEvent, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise TranscriptError("events must be a list")
    out = []
    for i, e in enumerate(raw):
        where = f"events[{i}]"
        if not isinstance(e, Mapping) or "t" not in e:
            raise TranscriptError(f"{where} must be an object with 't'")
        t = _number(e["t"], f"{where}.t")
        if t < 0:
            raise TranscriptError(f"{where}.t is negative ({t:g})")
        out.append(
            SessionEvent(
                t,
                _text(e.get("type", "event"), f"{where}.type"),
                _text(e.get("name"), f"{where}.name", required=False),
                {
                    str(k): v
                    for k, v in e.items()
                    if k not in ("t", "type", "name")
                    and isinstance(v, int | float | str)
                    and not isinstance(v, bool)
                },
            )
        )
    return tuple(sorted(out, key=lambda e: e.t))


def _outcome(data: Mapping[str, Any]) -> tuple[str | None, float | None]:
    """The session's outcome and end time: the stored fields, else the persona's outcome event."""
    outcome = data.get("outcome")
    ended = data.get("ended_at_s")
    end = _number(ended, "ended_at_s") if ended is not None else None
    if isinstance(outcome, str) and outcome.strip():
        return outcome.strip(), end
    events = data.get("events")
    for e in events if isinstance(events, list) else []:
        if (
            isinstance(e, Mapping)
            and e.get("type") == "outcome"
            and isinstance(e.get("outcome"), str)
        ):
            return str(e["outcome"]), end
    return None, end


def parse_transcript(data: Any) -> Transcript:
    """Validate a decoded transcript object."""
    if not isinstance(data, Mapping):
        raise TranscriptError(f"transcript must be a JSON object, got {type(data).__name__}")
    if "turns" not in data:
        raise TranscriptError("transcript is missing the field 'turns'")
    if "scenario_id" not in data:
        raise TranscriptError("transcript is missing the field 'scenario_id'")
    raw_turns = data["turns"]
    if not isinstance(raw_turns, list):
        raise TranscriptError("'turns' must be a list")
    if len(raw_turns) > MAX_TURNS:
        raise TranscriptError(
            f"transcript has {len(raw_turns)} turns, more than the limit of {MAX_TURNS} "
            "(a 12-minute session has a few hundred)"
        )
    turns = [_turn(i, t) for i, t in enumerate(raw_turns)]
    if not turns:
        raise TranscriptError("transcript has no turns")
    _check_order(turns)
    if not any(t.speaker == OFFICER and t.text.strip() for t in turns):
        raise TranscriptError("transcript has no officer turns with speech: nothing to review")
    officer = data.get("officer") or {}
    if not isinstance(officer, Mapping):
        raise TranscriptError("'officer' must be an object")
    subject = data.get("subject") or {}
    subject_name = subject.get("name") if isinstance(subject, Mapping) else None
    if isinstance(subject_name, str):
        _text(subject_name, "subject.name")
    outcome, ended_at_s = _outcome(data)
    return Transcript(
        session_id=_text(data.get("session_id"), "session_id", required=False),
        scenario_id=_text(data["scenario_id"], "scenario_id").strip(),
        officer_id=_text(str(officer.get("id", "")), "officer.id"),
        officer_name=_text(str(officer.get("name", "")), "officer.name"),
        started_at=_text(data.get("started_at"), "started_at", required=False),
        subject_name=subject_name if isinstance(subject_name, str) and subject_name else None,
        turns=tuple(turns),
        state_timeline=_state_timeline(data.get("state_timeline")),
        events=_events(data.get("events")),
        outcome=outcome,
        ended_at_s=ended_at_s,
    )
