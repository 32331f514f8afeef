"""Acts that need the conversation: each officer turn read with what the other person said.

The classifier sees the other person's last turns (``UtteranceAnalyzer.analyze(heard=...)``); on
top, a statement that repeats half or more of their last turn's content words is a (simple)
reflection even when it is too short or plain for the classifier ("Twelve years.").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from appliance.dialogue.analysis import UtteranceAnalysis, UtteranceAnalyzer
from appliance.dialogue.features import RECENT_TURNS, content_words
from appliance.dialogue.rules import is_question, turn_sentences
from appliance.transcript import OFFICER, Transcript

ECHO_SHARE = 0.5
_REFLECTIVE = frozenset({"reflection_simple", "reflection_complex", "summary"})
# An order or a put-down that repeats the person's words ("Drop the knife.") says nothing back.
_NOT_LISTENING = frozenset({"command", "threat", "countdown", "minimizing", "disrespect"})


def echoes(statement: str, heard: str) -> bool:
    """Whether a non-question statement says back half or more of its content words."""
    if any(is_question(s) for s in turn_sentences(statement)):
        return False
    said = content_words(statement)
    return len(said) >= 2 and len(said & content_words(heard)) / len(said) >= ECHO_SHARE


def with_echo(analysis: UtteranceAnalysis, heard: str) -> UtteranceAnalysis:
    """The analysis, marked as a simple reflection if it echoes what was just heard."""
    if (
        heard
        and not analysis.acts & (_REFLECTIVE | _NOT_LISTENING)
        and echoes(analysis.text, heard)
    ):
        return dataclasses.replace(
            analysis,
            acts=analysis.acts | {"reflection_simple"},
            cues=analysis.cues | {"echo"},
        )
    return analysis


def conversation_acts(
    analyzer: UtteranceAnalyzer,
    turns: Iterable[tuple[bool, str]],
    *,
    subject_name: str | None = None,
) -> list[UtteranceAnalysis]:
    """The acts of each officer turn of ``(is_officer, text)`` turns, in order, in context."""
    heard: list[str] = []
    out = []
    for officer, text in turns:
        if not officer:
            if text.strip():
                heard.append(text)
            continue
        recent = tuple(heard[-RECENT_TURNS:])
        found = analyzer.analyze(text, subject_name=subject_name, heard=recent)
        out.append(with_echo(found, heard[-1] if heard else ""))
    return out


def heard_before(transcript: Transcript, index: int) -> tuple[str, ...]:
    """What others said before turn ``index`` (the last few turns with words, oldest first)."""
    said = [t.text for t in transcript.turns[:index] if t.speaker != OFFICER and t.text.strip()]
    return tuple(said[-RECENT_TURNS:])


def analyze_turns(
    analyzer: UtteranceAnalyzer, transcript: Transcript, indices: Sequence[int]
) -> dict[int, UtteranceAnalysis]:
    """The analysis of the given officer turns of a transcript, each read in its context."""
    return {
        i: analyzer.analyze(
            transcript.turns[i].text,
            subject_name=transcript.subject_name,
            heard=heard_before(transcript, i),
        )
        for i in indices
    }


def add_context_acts(
    transcript: Transcript, analyses: Mapping[int, UtteranceAnalysis]
) -> dict[int, UtteranceAnalysis]:
    """Mark officer statements that echo the subject's last turn as simple reflections."""
    out = dict(analyses)
    for turn in transcript.turns:
        if turn.speaker == OFFICER and turn.index in out:
            heard = heard_before(transcript, turn.index)
            out[turn.index] = with_echo(out[turn.index], heard[-1] if heard else "")
    return out
