"""Timing and talk metrics of a session, from the turns' timestamps, features and officer acts."""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from appliance.dialogue.analysis import UtteranceAnalysis
from appliance.dialogue.rules import count_words
from appliance.transcript import OFFICER, Transcript, Turn

OPENING_WORDS = 45
REFLECTIONS = frozenset({"reflection_simple", "reflection_complex", "summary", "emotion_label"})
COMPLEX_REFLECTIONS = frozenset({"reflection_complex", "summary", "emotion_label"})
QUICK_REPLY_S = 0.5
INTERRUPT_MARGIN_S = 0.2

_EMOTIONAL = re.compile(
    r"!|\b(scared|afraid|terrified|angry|hate|kill|die|dead|hurt|pain|alone|nobody|leave me|"
    r"stop|help|crying|cry|can't take|can't do|sick of|tired of|done|hopeless|worthless|lost|"
    r"please|get away|back off|screw|fuck\w*|shit|damn|hell)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RatePoint:
    """The officer's speaking rate (words per minute) and loudness for one turn."""

    turn: int
    t: float
    wpm: float
    rms_dbfs: float | None


@dataclass(frozen=True)
class Pause:
    """How long the officer waited after an emotional subject turn (negative: talked over it)."""

    subject_turn: int
    officer_turn: int
    t: float
    seconds: float


@dataclass(frozen=True)
class Opening:
    """The officer's first 45 words and the acts found in them."""

    text: str
    turns: tuple[int, ...]
    acts: frozenset[str]
    rule_cues: frozenset[str]


@dataclass(frozen=True)
class Metrics:
    """The metrics panel of a review."""

    active_minutes: float
    officer_turns: int
    officer_words: int
    officer_talk_share: float
    questions: int
    open_questions: int
    closed_questions: int
    reflections: int
    complex_reflections: int
    reflection_to_question: float | None
    percent_open_questions: float | None
    percent_complex_reflections: float | None
    interruptions: tuple[int, ...]
    words_per_minute: float | None
    wpm_trend: float | None
    loudness_trend_db: float | None
    rate: tuple[RatePoint, ...]
    emotional_pauses: tuple[Pause, ...]
    median_pause_after_emotion_s: float | None
    opening: Opening


def is_emotional(text: str) -> bool:
    """Whether a subject's turn carries strong emotion (exclamation, distress or anger words)."""
    return bool(_EMOTIONAL.search(text))


def _trend(values: Sequence[float]) -> float | None:
    """Mean of the last third minus mean of the first third (None when too few values)."""
    if len(values) < 3:
        return None
    k = max(1, len(values) // 3)
    return round(statistics.fmean(values[-k:]) - statistics.fmean(values[:k]), 1)


def _rate(turn: Turn, words: int) -> float | None:
    if "words_per_minute" in turn.features:
        return turn.features["words_per_minute"]
    if turn.duration >= 0.8 and words >= 3:
        return words / turn.duration * 60.0
    return None


def _opening(officer: Sequence[Turn], analyses: Mapping[int, UtteranceAnalysis]) -> Opening:
    seen = 0
    texts: list[str] = []
    turns: list[int] = []
    acts: set[str] = set()
    cues: set[str] = set()
    for turn in officer:
        words = turn.text.split()
        if not words:
            continue
        take = words[: OPENING_WORDS - seen]
        texts.append(" ".join(take))
        turns.append(turn.index)
        a = analyses[turn.index]
        acts |= a.acts
        cues |= a.cues
        seen += len(take)
        if seen >= OPENING_WORDS:
            break
    return Opening(" … ".join(texts), tuple(turns), frozenset(acts), frozenset(cues))


def _interruptions(turns: Sequence[Turn]) -> tuple[int, ...]:
    out = []
    for i, turn in enumerate(turns):
        if turn.speaker != OFFICER:
            continue
        for other in reversed(turns[:i]):
            if other.speaker == OFFICER:
                continue
            if other.start < turn.start and turn.start < other.end - INTERRUPT_MARGIN_S:
                out.append(turn.index)
            break
    return tuple(out)


def _pauses(turns: Sequence[Turn]) -> tuple[Pause, ...]:
    out = []
    for i, turn in enumerate(turns):
        if turn.speaker == OFFICER or not is_emotional(turn.text):
            continue
        reply = next((t for t in turns[i + 1 :] if t.speaker == OFFICER), None)
        if reply is not None and reply.start - turn.end < 30.0:
            out.append(Pause(turn.index, reply.index, turn.end, round(reply.start - turn.end, 2)))
    return tuple(out)


def compute_metrics(transcript: Transcript, analyses: Mapping[int, UtteranceAnalysis]) -> Metrics:
    """All metrics of the panel; ``analyses`` maps officer turn index → its acts."""
    turns = transcript.turns
    officer = transcript.officer_turns
    spoken = [t for t in turns if t.text.strip()]
    talk = {t.index: max(t.duration, 0.0) for t in spoken}
    total_talk = sum(talk.values())
    officer_talk = sum(v for i, v in talk.items() if turns[i].speaker == OFFICER)
    if total_talk <= 0:  # timestamps all zero-length: fall back to words
        total_talk = float(sum(count_words(t.text) for t in spoken)) or 1.0
        officer_talk = float(sum(count_words(t.text) for t in officer))
    acts = [analyses[t.index].acts for t in officer]
    opens = sum("open_question" in a for a in acts)
    closed = sum("closed_question" in a and "open_question" not in a for a in acts)
    # MITI codes a summary, and a feeling named as a statement, as (complex) reflections.
    refl = sum(bool(a & REFLECTIONS) for a in acts)
    complex_refl = sum(bool(a & COMPLEX_REFLECTIONS) for a in acts)
    questions = opens + closed
    rate: list[RatePoint] = []
    for t in officer:
        wpm = _rate(t, analyses[t.index].words)
        if wpm is not None:
            rate.append(RatePoint(t.index, t.start, round(wpm, 1), t.features.get("rms_dbfs")))
    loud = [p.rms_dbfs for p in rate if p.rms_dbfs is not None]
    pauses = _pauses(turns)
    start = min(t.start for t in turns)
    end = max(t.end for t in turns)
    return Metrics(
        active_minutes=round((end - start) / 60.0, 1),
        officer_turns=len(officer),
        officer_words=sum(analyses[t.index].words for t in officer),
        officer_talk_share=round(officer_talk / total_talk, 3),
        questions=questions,
        open_questions=opens,
        closed_questions=closed,
        reflections=refl,
        complex_reflections=complex_refl,
        reflection_to_question=round(refl / questions, 2) if questions else None,
        percent_open_questions=round(100.0 * opens / questions, 1) if questions else None,
        percent_complex_reflections=round(100.0 * complex_refl / refl, 1) if refl else None,
        interruptions=_interruptions(turns),
        words_per_minute=round(statistics.fmean(p.wpm for p in rate), 1) if rate else None,
        wpm_trend=_trend([p.wpm for p in rate]),
        loudness_trend_db=_trend(loud) if len(loud) >= 3 else None,
        rate=tuple(rate),
        emotional_pauses=pauses,
        median_pause_after_emotion_s=(
            round(statistics.median(p.seconds for p in pauses), 2) if pauses else None
        ),
        opening=_opening(officer, analyses),
    )
