"""Words analyzed during the officer's pause are the turn's analysis when they are the turn."""

from __future__ import annotations

from appliance.engine import Engine
from appliance.persona.scenario import load_scenario
from appliance.turn.conversation import Conversation


def conversation(engine: Engine) -> Conversation:
    assert engine.analyzer is not None
    return Conversation(
        load_scenario("overpass_voices"),
        engine.analyzer,
        session_id="s-foresee",
        officer={"id": "o-1", "name": "Officer Test"},
    )


def test_a_foreseen_analysis_is_used_only_for_the_same_words(engine: Engine) -> None:
    ahead, fresh = conversation(engine), conversation(engine)
    text = "It sounds like you've had a really rough night. Are you safe right now?"
    ahead.foresee(text)
    foreseen = ahead._foreseen
    analysis, state = ahead.officer_turn(text, start=0.0, end=3.0)
    assert analysis is foreseen
    again, again_state = fresh.officer_turn(text, start=0.0, end=3.0)
    assert (analysis.acts, analysis.scores) == (again.acts, again.scores) and state == again_state
    ahead.foresee("It sounds like")  # the officer went on: other words became the turn
    other, _ = ahead.officer_turn("Can you hear me?", start=4.0, end=5.0)
    assert other.text == "Can you hear me?" and ahead._foreseen is None
