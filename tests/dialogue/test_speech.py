"""Spoken text: fillers and restarts removed, run-ons split before an inner question (no model)."""

from __future__ import annotations

import pytest

from appliance.dialogue.rules import apply_rules, is_question
from appliance.dialogue.speech import clean, sentences, strip_lead


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("So, what-what would need to happen?", "So, what would need to happen?"),
        ("Are you- are you thinking about it?", "Are you thinking about it?"),
        ("Did you, uh, did you stop taking them?", "Did you stop taking them?"),
        ("um who's who have you talked to", "who have you talked to"),
        ("i mean who else who else is in your corner", "who else is in your corner"),
        ("so like whats weighing on you", "so whats weighing on you"),
        ("Um, when did it, you know, start?", "when did it, start?"),
    ],
)
def test_fillers_and_restarts_are_removed(spoken: str, written: str) -> None:
    assert clean(spoken) == written


@pytest.mark.parametrize(
    "kept", ["uh huh", "Mm-hm.", "I like it when you call.", "It feels like home."]
)
def test_words_that_only_look_like_fillers_stay(kept: str) -> None:
    assert clean(kept) == kept


@pytest.mark.parametrize(
    ("turn", "parts"),
    [
        (
            "oh man both on the same day how are you doing with all that",
            ["oh man both on the same day", "how are you doing with all that"],
        ),
        (
            "thats a lot to get hit with at once have you eaten anything",
            ["thats a lot to get hit with at once", "have you eaten anything"],
        ),
        (
            "And what happens when you don't leave it be, what usually happens?",
            ["And what happens when you don't leave it be", "what usually happens?"],
        ),
        (
            "So the meds were helping. Did you, uh, did you stop taking them?",
            ["So the meds were helping.", "Did you stop taking them?"],
        ),
    ],
)
def test_a_question_inside_a_run_on_is_its_own_sentence(turn: str, parts: list[str]) -> None:
    assert sentences(turn) == parts


@pytest.mark.parametrize(
    "turn",
    [
        "tell me what happened",
        "i dont know what to do",
        "are you going to walk over there or do you want a ride",
        "so how long have you been up here",
        "and what gets in the way, do you think?",
        "i'll call you when you're ready",
        "we figure out how you get home",
    ],
)
def test_embedded_and_tag_questions_are_not_split(turn: str) -> None:
    assert len(sentences(turn)) == 1


def test_lead_markers_do_not_hide_a_question() -> None:
    assert strip_lead("okay so um and what happened") == "what happened"
    assert is_question("so, um, what would need to happen for you")
    hits = apply_rules("So, what-what would need to happen for you to feel okay")
    assert "open_question" not in hits.vetoed


def test_a_plain_statement_vetoes_questions_but_asr_text_does_not() -> None:
    assert "closed_question" in apply_rules("You want this baby.").vetoed
    assert "closed_question" not in apply_rules("you want some water").vetoed
