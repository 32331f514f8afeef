"""The conversation's transcript: turns in order of start, however late each is recorded."""

from __future__ import annotations

from appliance.engine import Engine
from appliance.persona.scenario import load_scenario
from appliance.persona.vocabulary import SUBJECT
from appliance.transcript import parse_transcript
from appliance.turn.conversation import Conversation


async def test_an_officer_turn_that_began_before_the_subjects_reply_is_put_before_it(
    engine: Engine,
) -> None:
    # The officer starts speaking (44.07 s) a moment before the subject speaks up (44.22 s)
    # and talks over it: the subject's cut-off turn is recorded first, the officer's when the
    # officer stops. The transcript must still be in order of start, or no review is made.
    assert engine.analyzer is not None
    conversation = Conversation(
        load_scenario("overpass_voices"),
        engine.analyzer,
        session_id="s-overlap",
        officer={"id": "o-1", "name": "Officer Test"},
    )
    conversation.officer_turn("Hi, I'm Officer Daniels. What's your name?", start=5.2, end=8.8)
    conversation.character_turn(SUBJECT, "Elliot. Now stay there.", start=9.4, end=11.0)
    conversation.character_turn(
        SUBJECT, "Why are you just standing there?", start=44.222, end=44.504, interrupted=True
    )
    conversation.officer_turn(
        "I can see you're really upset. Can you tell me what's going on tonight?",
        start=44.073,
        end=47.177,
        interrupted=True,
    )
    conversation.character_turn(SUBJECT, "Shut up and listen!", start=47.765, end=48.804)

    turns = conversation.turns
    assert [t.start for t in turns] == [5.2, 9.4, 44.073, 44.222, 47.765]
    assert [t.index for t in turns] == list(range(5))
    assert turns[2].text.startswith("I can see") and turns[3].speaker == SUBJECT
    parsed = parse_transcript(conversation.transcript())  # what the review reads
    assert [t.start for t in parsed.turns] == [5.2, 9.4, 44.073, 44.222, 47.765]
