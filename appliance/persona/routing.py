"""Multi-character scenes: who answers the officer, and whose line each reply sentence is.

Design: each AI character gets its own LLM call with its own prompt (``responders`` says which
characters answer, in order). A small model still sometimes writes other speakers' lines into
a reply ("CLINICIAN: ...", "Officer: ..."), so every reply passes through a ``LabelRouter``:
a known character's label moves the following sentences to that character, the officer's label
ends the reply (the model is inventing the officer's side), narrator labels drop the line, and
any other label ("Subject:", "Assistant:", an invented name) is dropped from the words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from appliance.persona.scenario import Scenario
from appliance.persona.vocabulary import SUBJECT

_LABEL = re.compile(
    r"^[\s*#>_\-\"']*(?P<label>[A-Za-z][A-Za-z .'\-]{0,30}?)[\s*_]*(?:\([^)]{0,40}\))?[\s*_]*:\s*"
)
_OFFICER_LABELS = frozenset({"officer", "user", "you", "police", "cop", "deputy", "trooper"})
_NARRATOR_LABELS = frozenset(
    {"narrator", "note", "scene", "action", "context", "description", "stage direction", "system"}
)
# Words people do start a spoken sentence with before a colon ("Look: I don't care").
_SPOKEN_OPENERS = frozenset(
    {"look", "listen", "see", "okay", "ok", "well", "yes", "yeah", "no", "hey", "fine", "wait"}
    | {"now", "so", "but", "and", "because", "like", "anyway", "honestly", "seriously"}
)


@dataclass(frozen=True)
class SpokenLine:
    """One sentence to speak, and which character speaks it."""

    speaker: str
    text: str


def _names(name: str, aliases: Iterable[str]) -> set[str]:
    first = name.split()[0]
    return {n.lower() for n in (name, first, *aliases)}


def character_names(scenario: Scenario) -> dict[str, str]:
    """Lower-cased names and aliases of every AI character, mapped to its speaker id."""
    table = {n: SUBJECT for n in _names(scenario.subject.name, scenario.subject.aliases)}
    for c in scenario.characters:
        table.update({n: c.id for n in _names(c.name, [*c.aliases, c.id])})
    return table


def responders(scenario: Scenario, officer_text: str, acts: frozenset[str]) -> tuple[str, ...]:
    """Which characters answer this officer turn, in speaking order."""
    if not scenario.characters:
        return (SUBJECT,)
    text = officer_text.lower()
    named = [
        speaker
        for name, speaker in sorted(character_names(scenario).items())
        if speaker != SUBJECT and re.search(rf"\b{re.escape(name)}\b", text)
    ]
    addressed = tuple(dict.fromkeys(sorted(named)))
    if "handoff" in acts:
        # The officer introduces a character and yields: they speak, then the subject answers.
        return (*addressed, SUBJECT) if addressed else (scenario.characters[0].id, SUBJECT)
    return addressed or (SUBJECT,)


class LabelRouter:
    """Assigns each reply sentence to a speaker from role labels the model wrote."""

    def __init__(self, scenario: Scenario, speaker: str) -> None:
        self._names = character_names(scenario)
        self.speaker = speaker
        self.ended = False

    def route(self, sentence: str) -> SpokenLine | None:
        """The sentence without its label, with its speaker; None when it must not be spoken."""
        if self.ended:
            return None
        m = _LABEL.match(sentence)
        if m is None:
            return SpokenLine(self.speaker, sentence)
        label = " ".join(m["label"].lower().split())
        words = label.split()
        rest = sentence[m.end() :]
        if label in self._names:
            self.speaker = self._names[label]
        elif words[0] in _OFFICER_LABELS:
            self.ended = True
            return None
        elif label in _NARRATOR_LABELS:
            return None
        elif label in _SPOKEN_OPENERS:
            return SpokenLine(self.speaker, sentence)  # "Look: ..." is speech, not a label
        # Any other label ("John:", "Man:") is one the model invented: drop it, keep the words.
        return SpokenLine(self.speaker, rest) if rest.strip() else None
