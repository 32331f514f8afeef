"""Turns read as spoken, sentence by sentence and in their conversation, with the real model."""

from __future__ import annotations

import pytest

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.dialogue.context import conversation_acts
from appliance.dialogue.training.evaluate import evaluate_spoken

REFLECTIONS = {"reflection_simple", "reflection_complex", "summary", "emotion_label"}


@pytest.mark.parametrize(
    ("heard", "said"),
    [
        ("I kind of want to keep it, honestly.", "You want this baby."),
        ("My son asked why I sleep on the couch every weekend.", "You care about him."),
        ("I'm not ready to quit. Not yet.", "You're not ready."),
        ("I'll end up on the couch every night like my dad.", "You don't want that."),
    ],
)
def test_short_declarative_reflections_read_in_context(
    analyzer: UtteranceAnalyzer, heard: str, said: str
) -> None:
    acts = analyzer.analyze(said, heard=[heard]).acts
    assert acts & REFLECTIONS and not acts & {"open_question", "closed_question"}, acts


@pytest.mark.parametrize(
    ("turn", "expected"),
    [
        ("so the meds were helping did you uh did you stop taking them", {"closed_question"}),
        ("So, what-what would need to happen for you to feel okay about it?", {"open_question"}),
        (
            "And what happens when you don't drink on a Saturday, what usually happens?",
            {"open_question"},
        ),
        ("oh man both on the same day how are you doing with all that", {"open_question"}),
    ],
)
def test_questions_after_fillers_restarts_and_run_ons(
    analyzer: UtteranceAnalyzer, turn: str, expected: set[str]
) -> None:
    assert expected <= analyzer.analyze(turn).acts


def test_a_turn_can_reflect_then_ask(analyzer: UtteranceAnalyzer) -> None:
    heard = ["I lost my job. And the voices, they got bad again."]
    acts = analyzer.analyze(
        "You lost your job and the voices are back. What are they saying to you?", heard=heard
    ).acts
    assert acts & REFLECTIONS and "open_question" in acts


def test_conversation_acts_give_each_officer_turn_its_context(analyzer: UtteranceAnalyzer) -> None:
    turns = [
        (False, "Twelve years I gave them."),
        (True, "Twelve years."),
        (False, "Yeah. And they walked me out with a box."),
        (True, "What happened after that?"),
    ]
    first, second = conversation_acts(analyzer, turns)
    assert first.acts & REFLECTIONS
    assert "open_question" in second.acts and not second.acts & REFLECTIONS


def test_spoken_held_out_conversations_meet_the_targets(analyzer: UtteranceAnalyzer) -> None:
    """Open/closed question and reflection F1 on the held-out spoken-style conversations."""
    by_act = {s.act: s for s in evaluate_spoken(analyzer)}
    for act, target in (
        ("open_question", 0.8),
        ("closed_question", 0.8),
        ("reflection (any)", 0.7),
    ):
        f1 = by_act[act].f1
        assert f1 is not None and f1 >= target, (act, f1)
