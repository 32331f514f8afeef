"""Dialogue banks: a malformed bank is refused by name; the chooser picks by meaning and acts."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.errors import ScenarioError
from appliance.persona.lines import FALLBACK, Choice, Heard, LineChooser, officer_name
from appliance.persona.scenario import Scenario, load_scenario_file
from tests.persona.conftest import raw_card

WriteCard = Callable[[dict[str, Any], str], Path]
STAGE_FALLBACKS = {
    stage: [f"{stage.capitalize()} fallback line number {i}." for i in range(5)]
    for stage in ("calm", "guarded", "agitated", "hostile", "peak")
}
BANK: dict[str, Any] = {
    "slots": {"sister": "Maya"},
    "characters": {
        "subject": {
            "topics": [
                {
                    "id": "name",
                    "cues": [
                        "what's your name",
                        "can I get your name",
                        "who am I talking to",
                        "what should I call you",
                        "what do people call you",
                    ],
                    "reveals": ["name"],
                    "lines": {
                        "any": ["Elliot.", "It's Elliot."],
                        "calm": ["Elliot. Just Elliot."],
                    },
                    "repeat": ["I told you. Elliot."],
                },
                {
                    "id": "greeting",
                    "cues": ["hi there", "hello sir", "hey how's it going", "good evening", "hey"],
                    "lines": {"any": ["Hi, {officer}.", "Who are you?"]},
                },
                {
                    "id": "voices",
                    "cues": [
                        "are you hearing voices",
                        "what are the voices saying",
                        "do you hear things other people don't",
                        "is someone talking to you",
                        "what are they telling you",
                    ],
                    "requires": {"stage_at_most": "guarded"},
                    "reveals": ["voices"],
                    "lines": {"any": ["They say I'm a burden.", "They won't stop talking."]},
                },
                {
                    "id": "sister",
                    "cues": [
                        "tell me about your sister",
                        "is there family I can call",
                        "who do you have",
                        "anyone who cares about you",
                        "do you have any family",
                    ],
                    "requires": {"revealed": ["name"]},
                    "lines": {"any": ["{sister}. She hasn't heard from me."]},
                },
                {
                    "id": "tackled",
                    "cues": [
                        "did something happen with police before",
                        "have you had a bad time with cops",
                        "why are you scared of police",
                        "did an officer ever hurt you",
                        "what happened last time police came",
                    ],
                    "once": True,
                    "lines": {"any": ["They tackled me. Years ago.", "A cop knelt on me once."]},
                },
                {
                    "id": "threat",
                    "acts": ["threat"],
                    "lines": {"any": ["You'll have to drag me.", "Go ahead. Try it."]},
                },
                {"id": "silence", "event": "silence", "lines": {"any": ["Are you still there?"]}},
                {"id": "talked_over", "event": "talked_over", "lines": {"any": ["Let me talk!"]}},
            ],
            "fallbacks": STAGE_FALLBACKS,
        }
    },
}


def card_with(bank: dict[str, Any]) -> dict[str, Any]:
    data = raw_card("overpass_voices")
    data["dialogue"] = bank
    return data


@pytest.fixture
def card(write_card: WriteCard) -> Scenario:
    return load_scenario_file(write_card(card_with(copy.deepcopy(BANK)), "overpass_voices"))


def heard(analyzer: UtteranceAnalyzer, text: str, *, interrupted: bool = False) -> Heard:
    a = analyzer.analyze(text, subject_name="Elliot Ward")
    return Heard(text, a.acts, a.embeddings, interrupted)


def chooser(card: Scenario, analyzer: UtteranceAnalyzer, seed: str = "s") -> LineChooser:
    return LineChooser(card, analyzer.encoder, seed=seed, threshold=0.5)


def _topic(bank: dict[str, Any], topic_id: str) -> dict[str, Any]:
    topics = bank["characters"]["subject"]["topics"]
    return next(t for t in topics if t["id"] == topic_id)


def _unreachable(b: dict[str, Any]) -> None:
    b["characters"]["subject"]["topics"].append({"id": "ghost", "lines": {"any": ["Boo."]}})


def _bad_act(b: dict[str, Any]) -> None:
    _topic(b, "threat")["acts"] = ["yelling"]


def _duplicate(b: dict[str, Any]) -> None:
    _topic(b, "voices")["lines"]["any"].append("elliot")


def _unknown_slot(b: dict[str, Any]) -> None:
    _topic(b, "name")["lines"]["any"].append("Ask {brother}.")


def _few_fallbacks(b: dict[str, Any]) -> None:
    b["characters"]["subject"]["fallbacks"]["peak"] = ["No!"]


def _unknown_fact(b: dict[str, Any]) -> None:
    _topic(b, "sister")["requires"] = {"revealed": ["diagnosis"]}


def _stranger(b: dict[str, Any]) -> None:
    b["characters"]["bystander"] = b["characters"]["subject"]


def _bad_stage(b: dict[str, Any]) -> None:
    _topic(b, "name")["lines"]["furious"] = ["What?"]


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        (_unreachable, "topics[ghost]", "unreachable: give it cues, acts or an event"),
        (_bad_act, "topics[threat].acts.0", "unknown dialogue act 'yelling'"),
        (_duplicate, "dialogue.characters.subject", "duplicate line 'elliot'"),
        (_unknown_slot, "characters.subject: topic 'name'", "unknown slot {brother}"),
        (_few_fallbacks, "dialogue.characters.subject", "fallbacks.peak: needs at least 5"),
        (
            _unknown_fact,
            "dialogue.characters.subject",
            "requires facts no topic reveals: diagnosis",
        ),
        (_stranger, "dialogue", "bystander not on this card"),
        (_bad_stage, "topics[name].lines.furious", "Input should be"),
    ],
)
def test_a_malformed_bank_is_refused_naming_file_topic_and_field(
    write_card: WriteCard, change: Callable[[dict[str, Any]], None], where: str, reason: str
) -> None:
    bank = copy.deepcopy(BANK)
    change(bank)
    path = write_card(card_with(bank), "overpass_voices")
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(path)
    message = str(err.value)
    assert message.startswith("overpass_voices.yaml: "), message
    assert where in message and reason in message, message


def test_disfluent_speech_finds_its_topic(card: Scenario, analyzer: UtteranceAnalyzer) -> None:
    lines = chooser(card, analyzer)
    got = lines.choose("subject", "guarded", heard(analyzer, "uh so what's what's your name man"))
    assert got is not None and got.topic == "name" and got.how == "cue" and got.score >= 0.5


def test_a_threat_gets_the_threat_answer_whatever_else_it_says(
    card: Scenario, analyzer: UtteranceAnalyzer
) -> None:
    lines = chooser(card, analyzer)
    text = "Tell me your name or I'm going to arrest you."
    said = heard(analyzer, text)
    assert "threat" in said.acts
    got = lines.choose("subject", "hostile", said)
    assert got is not None and got.topic == "threat" and got.how == "act"


@pytest.mark.parametrize("text", ["", "asdf qwerty zxcv", "the the the", "?!"])
def test_empty_or_nonsense_gets_a_fallback_never_an_error(
    card: Scenario, analyzer: UtteranceAnalyzer, text: str
) -> None:
    got = chooser(card, analyzer).choose("subject", "agitated", heard(analyzer, text))
    assert got is not None and got.topic == FALLBACK and got.how == FALLBACK
    assert got.text in STAGE_FALLBACKS["agitated"]


def test_asked_again_it_repeats_itself_in_new_words_never_the_same_line(
    card: Scenario, analyzer: UtteranceAnalyzer
) -> None:
    lines = chooser(card, analyzer)
    replies: list[Choice] = []
    for _ in range(6):
        got = lines.choose("subject", "calm", heard(analyzer, "what's your name"))
        assert got is not None
        replies.append(got)
    texts = [r.text for r in replies]
    assert len(set(texts)) == len(texts), texts
    assert [r.topic for r in replies[:4]] == ["name"] * 4
    assert texts[1] == "I told you. Elliot."  # the repeat line answers a second asking
    assert replies[-1].how == "spent" and not replies[-1].authored  # no line is said twice
    assert replies[-1].text in STAGE_FALLBACKS["calm"]


def test_the_officers_name_fills_a_slot_once_given(
    card: Scenario, analyzer: UtteranceAnalyzer
) -> None:
    for seed in ("a", "b", "c", "d"):
        lines = chooser(card, analyzer, seed)
        first = lines.choose("subject", "calm", heard(analyzer, "hey how's it going"))
        assert first is not None and first.text == "Who are you?"  # {officer} is not known yet
    lines = chooser(card, analyzer)
    lines.hear("Hi, I'm Officer Daniels with the police department.")
    got = lines.choose("subject", "calm", heard(analyzer, "hello sir"))
    assert got is not None and got.topic == "greeting"
    texts = {got.text, lines.choose("subject", "calm", heard(analyzer, "good evening")).text}  # type: ignore[union-attr]
    assert "Hi, Officer Daniels." in texts


def test_requires_gates_topics_by_stage_and_by_what_was_revealed(
    card: Scenario, analyzer: UtteranceAnalyzer
) -> None:
    lines = chooser(card, analyzer)
    voices = heard(analyzer, "what are the voices telling you")
    hostile = lines.choose("subject", "hostile", voices)
    assert hostile is not None and hostile.topic != "voices"
    assert lines.choose("subject", "guarded", voices).topic == "voices"  # type: ignore[union-attr]
    sister = heard(analyzer, "tell me about your sister")
    assert lines.choose("subject", "calm", sister).topic != "sister"  # type: ignore[union-attr]
    lines.choose("subject", "calm", heard(analyzer, "what's your name"))
    assert "name" in lines.revealed
    got = lines.choose("subject", "calm", sister)
    assert (
        got is not None and got.topic == "sister" and got.text == "Maya. She hasn't heard from me."
    )


def test_events_silence_and_being_talked_over(card: Scenario, analyzer: UtteranceAnalyzer) -> None:
    lines = chooser(card, analyzer)
    quiet = lines.choose("subject", "guarded", event="silence")
    assert quiet is not None and quiet.topic == "silence" and quiet.text == "Are you still there?"
    assert lines.choose("subject", "guarded", event="silence") is None  # nothing left to say
    cut = lines.choose("subject", "agitated", heard(analyzer, "listen to me", interrupted=True))
    assert cut is not None and cut.topic == "talked_over"


def test_a_once_topic_answers_once(card: Scenario, analyzer: UtteranceAnalyzer) -> None:
    lines = chooser(card, analyzer)
    first = lines.choose("subject", "calm", heard(analyzer, "why are you scared of police"))
    again = lines.choose("subject", "calm", heard(analyzer, "did police hurt you before"))
    assert first is not None and first.topic == "tackled" and first.authored
    assert again is not None and again.topic == "tackled" and again.how == "spent"


def test_the_same_seed_chooses_the_same_lines(card: Scenario, analyzer: UtteranceAnalyzer) -> None:
    said = ["what's your name", "are you hearing voices", "asdf", "what's your name"]

    def run(seed: str) -> list[str]:
        lines = chooser(card, analyzer, seed)
        return [lines.choose("subject", "guarded", heard(analyzer, t)).text for t in said]  # type: ignore[union-attr]

    assert run("session-1") == run("session-1")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi, I'm Officer Daniels with the city police.", "Officer Daniels"),
        ("uh hi this is deputy ramirez from the sheriff's office", "Deputy Ramirez"),
        ("My name's Sam, I'm with the crisis team.", "Sam"),
        ("I'm worried about you.", None),
        ("I'm just here to help.", None),
    ],
)
def test_the_officers_name_is_heard_only_when_given(text: str, name: str | None) -> None:
    assert officer_name(text) == name
