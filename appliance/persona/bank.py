"""A card's dialogue bank: topics with officer cues, lines by stage, and per-stage fallbacks.

The format and how a line is chosen are in ``appliance/persona/scenarios/DIALOGUE.md``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, model_validator

from appliance.persona.card_fields import Act, CardPart, Line, Slug, StageName
from appliance.persona.vocabulary import STAGES

ANY = "any"
BUILT_IN_SLOTS = frozenset({"officer", "first_name"})
Event = Literal["silence", "talked_over"]
Cue = Annotated[str, Field(min_length=2, max_length=200)]
StageOrAny = Literal["calm", "guarded", "agitated", "hostile", "peak", "any"]


class Requires(CardPart):
    """When a topic may answer: stage bounds and facts revealed (or not) so far."""

    stage_at_most: StageName | None = None
    stage_at_least: StageName | None = None
    revealed: list[Slug] = []
    not_revealed: list[Slug] = []

    def holds(self, stage: str, revealed: frozenset[str]) -> bool:
        """Whether the topic may answer now."""
        rank = STAGES.index(stage)
        if self.stage_at_most is not None and rank > STAGES.index(self.stage_at_most):
            return False
        if self.stage_at_least is not None and rank < STAGES.index(self.stage_at_least):
            return False
        return set(self.revealed) <= revealed and not set(self.not_revealed) & revealed


class Topic(CardPart):
    """Something the officer may say, and what the character answers to it."""

    id: Slug
    cues: list[Cue] = []
    acts: list[Act] = []
    event: Event | None = None
    requires: Requires = Field(default_factory=Requires)
    reveals: list[Slug] = []
    once: bool = False
    lines: dict[StageOrAny, list[Line]] = Field(min_length=1)
    repeat: list[Line] = []

    @model_validator(mode="after")
    def _reachable(self) -> Topic:
        if not (self.cues or self.acts or self.event):
            raise ValueError(f"topic {self.id!r} is unreachable: give it cues, acts or an event")
        if not any(self.lines.values()):
            raise ValueError(f"topic {self.id!r} has no lines")
        return self

    def all_lines(self) -> Iterator[str]:
        """Every line of the topic, repeats included."""
        for lines in self.lines.values():
            yield from lines
        yield from self.repeat


class CharacterBank(CardPart):
    """One character's topics and per-stage fallbacks."""

    topics: list[Topic] = Field(min_length=1)
    fallbacks: dict[StageName, list[Line]]

    @model_validator(mode="after")
    def _complete(self) -> CharacterBank:
        ids = [t.id for t in self.topics]
        if dupes := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"topic ids used twice: {', '.join(dupes)}")
        for stage in STAGES:
            if len(self.fallbacks.get(stage, [])) < 5:
                raise ValueError(f"fallbacks.{stage}: needs at least 5 lines")
        seen: dict[str, str] = {}
        for where, line in self._lines():
            key = _normal(line)
            if key in seen:
                raise ValueError(f"{where}: duplicate line {line!r} (also in {seen[key]})")
            seen[key] = where
        revealed = {f for t in self.topics for f in t.reveals}
        for t in self.topics:
            missing = (set(t.requires.revealed) | set(t.requires.not_revealed)) - revealed
            if missing:
                raise ValueError(
                    f"topic {t.id!r}: requires facts no topic reveals: {', '.join(sorted(missing))}"
                )
        return self

    def _lines(self) -> Iterator[tuple[str, str]]:
        for t in self.topics:
            for line in t.all_lines():
                yield f"topic {t.id!r}", line
        for stage, lines in self.fallbacks.items():
            for line in lines:
                yield f"fallbacks.{stage}", line

    def line_count(self) -> int:
        """Every line the character can say."""
        return sum(1 for _ in self._lines())


class DialogueBank(CardPart):
    """The card's dialogue: slot values and a bank per speaking character."""

    slots: dict[Slug, Annotated[str, Field(min_length=1, max_length=60)]] = {}
    characters: dict[Slug, CharacterBank] = Field(min_length=1)

    @model_validator(mode="after")
    def _slots_known(self) -> DialogueBank:
        known = BUILT_IN_SLOTS | set(self.slots)
        for speaker, bank in self.characters.items():
            for where, line in bank._lines():
                for name in slot_names(line):
                    if name not in known:
                        raise ValueError(
                            f"characters.{speaker}: {where}: unknown slot {{{name}}} in {line!r}"
                            f" (known: {', '.join(sorted(known))})"
                        )
        return self


def slot_names(line: str) -> list[str]:
    """The ``{slot}`` names a line uses."""
    return [name for _, name, _, _ in string.Formatter().parse(line) if name]


def _normal(line: str) -> str:
    """A line folded for duplicate checks: case, punctuation and spacing ignored."""
    return re.sub(r"[^a-z0-9]+", " ", line.lower()).strip()
