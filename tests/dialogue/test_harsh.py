"""Harsh acts said politely are read by what they mean; kind lines in the same forms are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.dialogue.harsh import find_harsh
from appliance.dialogue.rules import apply_rules, turn_sentences

DATA = Path(__file__).parent / "data"
HARSH = frozenset({"threat", "countdown", "minimizing", "disrespect"})
UNSEEN_CAUGHT = 0.55  # measured 27 / 45; see docs/DIALOGUE_DATA.md
BLIND_CAUGHT = 0.7  # measured 53 / 72
ISSUE_EXAMPLES = (
    "I will have to place you in protective custody if you don't come down from there.",
    "Please don't make me put you in handcuffs.",
    "Sir, this is the last time I'm going to ask nicely.",
    "I'm not going to ask you again.",
    "The voices aren't real, so you don't need to listen to them.",
    "I have other calls waiting, so let's hurry this along.",
)


def lines(name: str) -> list[tuple[str, str]]:
    """(act, text) rows of a data file; act is '' for the kind sets."""
    out = []
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            act, sep, text = raw.partition(" | ")
            out.append((act.strip(), text.strip()) if sep else ("", raw.strip()))
    return out


def test_the_sets_are_big_enough_and_hold_the_issue_examples() -> None:
    harsh, kind = lines("polite_harsh.txt"), lines("kind.txt")
    assert len(harsh) >= 80 and len(kind) >= 80
    assert set(ISSUE_EXAMPLES) <= {t for _, t in harsh}
    assert {a for a, _ in harsh} == HARSH


def test_polite_harsh_lines_are_caught(analyzer: UtteranceAnalyzer) -> None:
    rows = lines("polite_harsh.txt")
    found = [analyzer.analyze(t).acts for _, t in rows]
    caught = [bool(f & HARSH) for f in found]
    right = [a in f for (a, _), f in zip(rows, found, strict=True)]
    assert sum(caught) / len(rows) >= 0.9, [
        t for (_, t), c in zip(rows, caught, strict=True) if not c
    ]
    assert sum(right) / len(rows) >= 0.85


@pytest.mark.parametrize("kind_file", ["kind.txt", "kind_dev.txt"])
def test_kind_lines_are_not_flagged(analyzer: UtteranceAnalyzer, kind_file: str) -> None:
    rows = lines(kind_file)
    flagged = [t for _, t in rows if analyzer.analyze(t).acts & HARSH]
    assert len(flagged) / len(rows) <= 0.05, flagged


def test_development_lines_are_caught(analyzer: UtteranceAnalyzer) -> None:
    """The set the frames and prototypes were tuned on: a check that they still work."""
    rows = lines("polite_harsh_dev.txt")
    missed = [t for _, t in rows if not analyzer.analyze(t).acts & HARSH]
    assert len(rows) >= 80 and len(missed) / len(rows) <= 0.15, missed


@pytest.mark.parametrize(
    ("harsh_file", "kind_file", "least"),
    [
        ("polite_harsh_unseen.txt", "kind_unseen.txt", UNSEEN_CAUGHT),
        ("polite_harsh_blind.txt", "kind_blind.txt", BLIND_CAUGHT),
    ],
)
def test_unseen_sets_generalise(
    analyzer: UtteranceAnalyzer, harsh_file: str, kind_file: str, least: float
) -> None:
    """Lines written after the rules, never used to shape them: the honest measure."""
    harsh, kind = lines(harsh_file), lines(kind_file)
    assert len(harsh) >= 40 and len(kind) >= 40
    caught = sum(bool(analyzer.analyze(t).acts & HARSH) for _, t in harsh)
    flagged = [t for _, t in kind if analyzer.analyze(t).acts & HARSH]
    assert caught / len(harsh) >= least
    assert len(flagged) / len(kind) <= 0.05, flagged


@pytest.mark.parametrize("text", ISSUE_EXAMPLES)
def test_the_harsh_words_stay_quotable(text: str) -> None:
    hits = find_harsh(turn_sentences(text))
    assert hits and all(h.phrase and h.phrase in text.lower() for h in hits)
    cues = apply_rules(text).cues
    assert any(c.startswith("harsh:") for c in cues)
    assert any(c in cues for c in ("rule:threat", "rule:countdown", "rule:minimizing"))


@pytest.mark.parametrize(
    "text",
    [
        "If you don't want to talk right now, that's okay, I'll wait here with you.",
        "Nobody's putting you in handcuffs tonight.",
        "You're worried that if you come down, they'll lock you up.",
        "There's no hurry at all.",
        "I won't ask you again about the knife; I'm just here.",
    ],
)
def test_same_forms_said_kindly_are_not_harsh(text: str) -> None:
    assert not {h.act for h in find_harsh(turn_sentences(text))}


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Ma'am, my patience is almost used up.", "countdown"),
        ("I'm short on time, so let's get this done.", "countdown"),
        ("It's only money, it really doesn't matter.", "minimizing"),
        ("Honestly, my kids behave better than you.", "disrespect"),
        ("Either you hand it over or we take it from you.", "threat"),
        ("Keep pushing and you'll end up face down on the ground.", "threat"),
        ("Please don't make me come in there.", "threat"),
    ],
)
def test_harsh_meaning_without_the_known_words(
    analyzer: UtteranceAnalyzer, text: str, act: str
) -> None:
    assert act in analyzer.analyze(text).acts


@pytest.mark.parametrize(
    "text",
    [
        "You're not wasting my time at all.",
        "Let's slow down, there's no hurry.",
        "Don't ever feel like you need to speed up for me.",
        "You don't want me to call your mom? Okay, I won't.",
        "Nobody here thinks you're crazy.",
        "Keep breathing like that and you'll feel calmer.",
        "Either we talk here or at the diner, whichever you like.",
    ],
)
def test_kind_lines_in_harsh_forms_stay_kind(analyzer: UtteranceAnalyzer, text: str) -> None:
    assert not analyzer.analyze(text).acts & HARSH
