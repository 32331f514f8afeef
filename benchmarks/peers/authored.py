"""Whether a reply is one of the card's authored lines (the ``llm`` voice's fallback)."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator

from appliance.persona.scenario import load_scenario


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _pattern(line: str) -> re.Pattern[str]:
    """The line as a regular expression, each ``{slot}`` matching any words."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(_normal(line)):
        parts.append(re.escape(literal))
        if name:
            parts.append(".+?")
    return re.compile("".join(parts))


def _lines(scenario_id: str) -> Iterator[str]:
    card = load_scenario(scenario_id)
    if card.dialogue is None:
        return
    for bank in card.dialogue.characters.values():
        for topic in bank.topics:
            yield from topic.all_lines()
        for lines in bank.fallbacks.values():
            yield from lines


def authored_matcher(scenario_id: str) -> Callable[[str], bool]:
    """A test: is this reply text exactly one authored line of the card (slots filled)?"""
    patterns = [_pattern(line) for line in _lines(scenario_id)]
    return lambda text: any(p.fullmatch(_normal(text)) for p in patterns)
