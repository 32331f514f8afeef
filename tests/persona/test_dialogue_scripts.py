"""Each card's bank through the text mode: scripted calls stay in character and find their topics.

The scripts (``tests/persona/dialogue/<card>.script.jsonl``) are whole calls as officers talk:
good, harsh, off-topic, rephrased and ASR-like lines. The held-out paraphrases are never cues.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.persona.scenario import Scenario, load_scenario
from tests.conftest import REPO
from tests.persona.conftest import SCENARIO_IDS
from tests.persona.in_character import card_text_ngrams, known_names, problems

DATA = Path(__file__).parent / "dialogue"
REQUIRED_TOPICS = {
    "greeting", "name", "whats_going_on", "crisis", "family", "health", "weapons", "suicide",
    "safety_request", "help_offer", "handoff", "command", "threat", "countdown", "insult",
    "minimizing", "apology", "reassurance", "about_officer", "small_talk", "silence",
    "talked_over",
}  # fmt: skip


def load(card: str, kind: str) -> list[dict[str, Any]]:
    path = DATA / f"{card}.{kind}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def chat(card: str, steps: list[dict[str, Any]], tmp_path: Path) -> list[dict[str, Any]]:
    """Run ``python -m appliance chat --script --json`` on the steps: one result per step."""
    script = tmp_path / f"{card}.txt"
    script.write_text(
        "\n".join(s["officer"] if "officer" in s else f"[pause {s['pause']}]" for s in steps)
    )
    proc = subprocess.run(
        [sys.executable, "-m", "appliance", "chat", "--scenario", card, "--script", str(script),
         "--json", "--voice", "authored"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(results) == len(steps)
    return results


def topic_of(result: dict[str, Any], step: dict[str, Any]) -> str | None:
    """The topic the expected speaker's reply answered."""
    speaker = step.get("speaker", "subject")
    for reply in result["replies"]:
        if reply["speaker"] == speaker:
            return str(reply["topic"])
    return None


def replies(results: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for r in results:
        yield from r["replies"]


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@pytest.mark.parametrize("card", SCENARIO_IDS)
def test_every_card_has_a_full_bank(card: str) -> None:
    scenario = load_scenario(card)
    assert scenario.dialogue is not None
    subject = scenario.dialogue.characters["subject"]
    assert len(subject.topics) >= 25 and subject.line_count() >= 200
    assert REQUIRED_TOPICS <= {t.id for t in subject.topics}
    for c in scenario.characters:  # the clinician speaks from a bank of her own
        assert c.id in scenario.dialogue.characters
        assert scenario.dialogue.characters[c.id].line_count() >= 80


@pytest.mark.parametrize("card", SCENARIO_IDS)
def test_a_scripted_call_stays_in_character_and_finds_its_topics(card: str, tmp_path: Path) -> None:
    scenario: Scenario = load_scenario(card)
    steps = load(card, "script")
    assert len(steps) >= 40
    results = chat(card, steps, tmp_path)
    names, runs = known_names(scenario), card_text_ngrams(scenario)
    said_by_officer = " ".join(s.get("officer", "") for s in steps)  # e.g. the officer's name
    names |= {w.capitalize() for w in re.findall(r"[A-Za-z][A-Za-z'-]+", said_by_officer)}
    bad = {
        r["text"]: p for r in replies(results) if (p := problems(r["text"], scenario, names, runs))
    }
    assert not bad, bad
    said = [_fold(r["text"]) for r in replies(results)]
    assert len(said) == len(set(said)), [s for s in said if said.count(s) > 1]
    hits = [topic_of(r, s) == s["topic"] for r, s in zip(results, steps, strict=True)]
    misses = [(s, topic_of(r, s)) for r, s, ok in zip(results, steps, hits, strict=True) if not ok]
    assert sum(hits) / len(hits) >= 0.90, misses
    assert all(r["ms"] >= 0 for r in replies(results))


def test_held_out_paraphrases_find_their_topics(tmp_path: Path) -> None:
    total = right = 0
    per_card = {}
    for card in SCENARIO_IDS:
        steps = load(card, "heldout")
        scenario = load_scenario(card)
        assert scenario.dialogue is not None
        cues = {
            _fold(c)
            for b in scenario.dialogue.characters.values()
            for t in b.topics
            for c in t.cues
        }
        assert not [s["officer"] for s in steps if _fold(s.get("officer", "")) in cues]
        results = chat(card, steps, tmp_path)
        hits = sum(topic_of(r, s) == s["topic"] for r, s in zip(results, steps, strict=True))
        per_card[card] = f"{hits}/{len(steps)}"
        total, right = total + len(steps), right + hits
    assert total >= 150
    assert right / total >= 0.90, per_card
