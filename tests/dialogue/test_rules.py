"""Pure-logic tests of the word rules (no model)."""

from __future__ import annotations

import pytest

from appliance.dialogue.rules import apply_rules, count_words, split_sentences, uses_name


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("I'm Officer Daniels with the city police.", "introduction"),
        ("hey my name is deputy ruiz", "introduction"),
        ("You have ten seconds to get off that rail.", "countdown"),
        ("This is your last warning.", "countdown"),
        ("Drop the knife or I'll shoot.", "threat"),
        ("Calm down.", "minimizing"),
        ("Take your time.", "slowing_language"),
        ("Listen, buddy, I don't have all night.", "disrespect"),
        ("Shut up and listen to me.", "disrespect"),
        ("Mm-hm.", "minimal_encourager"),
        ("Get on the ground!", "command"),
        ("Someone called because they were worried about you.", "reason_for_contact"),
        ("Are you thinking about killing yourself?", "safety_question"),
        ("Part of you wants it to stop, and part of you is still here.", "reflection_complex"),
    ],
)
def test_reliable_rules_fire(text: str, act: str) -> None:
    assert act in apply_rules(text).acts


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Who won't shut up?", "disrespect"),
        ("You're not crazy.", "disrespect"),
        ("Your buddy left without you.", "disrespect"),
        ("We can keep talking right where you are.", "threat"),
        ("Take your time.", "command"),
        ("People get evicted all the time.", "slowing_language"),
        ("What's your name?", "reflection_simple"),
    ],
)
def test_rules_do_not_overfire(text: str, act: str) -> None:
    hits = apply_rules(text)
    assert act not in hits.acts or act in hits.vetoed


def test_statements_veto_question_acts_and_questions_veto_reflections() -> None:
    assert "open_question" in apply_rules("You sound tired.").vetoed
    assert "reflection_simple" in apply_rules("Are you tired?").vetoed


def test_pure_orders_veto_listening_acts() -> None:
    hits = apply_rules("You need to leave the store. Lower your voice.")
    assert "reflection_simple" in hits.vetoed


def test_name_use_needs_name_or_formal_address() -> None:
    assert uses_name("Marcus, I'm still here.", "Marcus")
    assert uses_name("Sir, I'm still here.", None)
    assert uses_name("Thank you, Ms. Robinson.", None)
    assert not uses_name("I'm still here.", "Marcus")
    assert not uses_name("Dana will talk with you.", "Marcus")


def test_cues_for_caps_come_from_rules() -> None:
    hits = apply_rules("Drop it! Get down! Are you off your meds?")
    assert {"rule:command", "stacked_commands", "diagnostic_label"} <= hits.cues


def test_unicode_and_odd_punctuation() -> None:
    assert count_words("¿Estás bien? — café… 😀") == 3
    parts = split_sentences("Okay... you're safe?!  Right.")
    assert parts == ["Okay...", "you're safe?!", "Right."]
    assert apply_rules("").acts == frozenset()
    assert apply_rules("?!?!...").acts == frozenset()
