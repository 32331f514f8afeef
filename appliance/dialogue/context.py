"""Acts that need the conversation: a statement echoing the subject is a reflection."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from appliance.dialogue.analysis import UtteranceAnalysis
from appliance.dialogue.rules import is_question, normalize, split_sentences
from appliance.transcript import OFFICER, Transcript

_STOP = frozenset(
    "a an the and or but so to of in on at for with is are was were be been am i you your you're "
    "me my we it it's that this there they them he she his her just not no do did don't okay "
    "ok yeah yes oh well like really all up out about what".split()
)
_WORD = re.compile(r"[a-z']+")
ECHO_SHARE = 0.5


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(normalize(text)) if w not in _STOP and len(w) > 2}


def echoes(statement: str, heard: str) -> bool:
    """Whether a non-question statement says back half or more of its content words."""
    sentences = split_sentences(normalize(statement))
    if any(is_question(s) for s in sentences):
        return False
    said = _content(statement)
    return len(said) >= 2 and len(said & _content(heard)) / len(said) >= ECHO_SHARE


def add_context_acts(
    transcript: Transcript, analyses: Mapping[int, UtteranceAnalysis]
) -> dict[int, UtteranceAnalysis]:
    """Mark officer statements that echo the subject's last turn as simple reflections."""
    out = dict(analyses)
    last_heard = ""
    for turn in transcript.turns:
        if turn.speaker != OFFICER:
            if turn.text.strip():
                last_heard = turn.text
            continue
        a = out[turn.index]
        reflective = a.acts & {"reflection_simple", "reflection_complex", "summary"}
        if last_heard and not reflective and echoes(turn.text, last_heard):
            out[turn.index] = dataclasses.replace(
                a, acts=a.acts | {"reflection_simple"}, cues=a.cues | {"echo"}
            )
    return out
