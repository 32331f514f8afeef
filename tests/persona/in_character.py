"""Automated in-character checks for what a character says (tests of the dialogue banks)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from appliance.persona.scenario import SCENARIO_DIR, Scenario

MAX_SENTENCES = 3
ASSISTANT = re.compile(
    r"\b(as an ai|language model|how (?:can|may) i (?:help|assist)|i'?m (?:here|happy|glad) to"
    r" (?:help|assist)|is there anything else|let me know if|feel free to|i understand your"
    r" concern|what can i do for you|i apologi[sz]e for (?:any|the) (?:confusion|inconvenience))\b",
    re.IGNORECASE,
)
DIRECTION = re.compile(r"[*()\[\]<>]|\b(?:sighs|pauses|laughs|whispers|shouts)\b\s*[.,]?$")
LABEL = re.compile(r"^\s*[A-Z][A-Za-z .'-]{0,30}:\s")
COMMON = frozenset(
    "I I'm I'll I've I'd OK Okay Ok God Jesus Christ Lord Mom Dad Mama Papa Officer Sir Ma'am "
    "Mr Mrs Ms Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March "
    "April May June July August September October November December ER EMS TV ID DUI PTSD CIT "
    "Christmas Thanksgiving Hey Hi Hello No Yes Yeah Please Don't Stop Just Get".split()
)


def _strings(node: Any, skip: str = "dialogue") -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != skip:
                yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def known_names(scenario: Scenario) -> set[str]:
    """Capitalized words the card itself uses (its people, places and slots), and common ones."""
    raw = yaml.safe_load((SCENARIO_DIR / f"{scenario.id}.yaml").read_text(encoding="utf-8"))
    text = " ".join(_strings(raw))
    if scenario.dialogue:
        text += " " + " ".join(scenario.dialogue.slots.values())
    return set(re.findall(r"[A-Z][A-Za-z'-]+", text)) | COMMON


def sentences(text: str) -> list[str]:
    """Sentences of a line; an ellipsis or a dash does not end one."""
    folded = text.replace("...", "\u2026")
    return [s for s in re.split(r"(?<=[.!?])\s+", folded.strip()) if s.strip()]


def _ngrams(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def card_text_ngrams(scenario: Scenario) -> set[tuple[str, ...]]:
    """Six-word runs of the card's directions: none may be read out."""
    parts = [scenario.hidden_truth, scenario.subject.speech_style, scenario.subject.wants]
    parts += [
        scenario.stages.get(s).directive for s in ("calm", "guarded", "agitated", "hostile", "peak")
    ]
    out: set[tuple[str, ...]] = set()
    for p in parts:
        out |= _ngrams(p)
    return out


def problems(
    text: str, scenario: Scenario, names: set[str], card_runs: set[tuple[str, ...]]
) -> list[str]:
    """What is wrong with a line for a person in this card (empty: in character)."""
    found = []
    if not text.strip():
        found.append("empty")
    if ASSISTANT.search(text):
        found.append("assistant phrasing")
    if DIRECTION.search(text):
        found.append("narration or stage direction")
    if LABEL.match(text):
        found.append("speaker label")
    if len(sentences(text)) > MAX_SENTENCES:
        found.append(f"{len(sentences(text))} sentences")
    if _ngrams(text) & card_runs:
        found.append("card text read out")
    for sentence in sentences(text):
        for word in re.findall(r"[A-Za-z][A-Za-z'-]*", sentence)[1:]:
            base = re.sub(r"'s$", "", word)
            if word[0].isupper() and base not in names:
                found.append(f"name the card does not have: {word}")
    return found
