from __future__ import annotations

import re

import pytest

from appliance.persona.reply_filter import MAX_CHARS, MAX_SENTENCES, ReplyFilter, filter_reply
from appliance.persona.scenario import Scenario
from appliance.persona.vocabulary import STAGES


def texts(scenario: Scenario, raw: str, **kw: object) -> list[str]:
    return [ln.text for ln in filter_reply(scenario, raw, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Subject: Stay back.", ["Stay back."]),
        ("Elliot: Stay back.", ["Stay back."]),
        ("Assistant: Stay back.", ["Stay back."]),
        ("**Elliot:** Stay back.", ["Stay back."]),
        ("Elliot (shouting): Stay back.", ["Stay back."]),
        ("*looks down at the traffic* Stay back.", ["Stay back."]),
        ("[pauses] Stay back. (quietly) Please.", ["Stay back.", "Please."]),
        ('"Stay back. Please."', ["Stay back.", "Please."]),
        ("Stay back. 😠🙏", ["Stay back."]),
        ("As an AI language model, I can't do that. Stay back.", ["Stay back."]),
        ("Stay back. I am an AI and cannot feel.", ["Stay back."]),
        ("Look: I don't care.", ["Look: I don't care."]),
        ("Narrator: He steps away.\nStay back.", ["Stay back."]),
    ],
)
def test_strips_what_must_not_be_spoken(overpass: Scenario, raw: str, expected: list[str]) -> None:
    assert texts(overpass, raw) == expected


def test_officer_lines_end_the_reply(overpass: Scenario) -> None:
    raw = "Stay back.\nOfficer: Elliot, I'm here to help.\nElliot: Okay."
    f = ReplyFilter(overpass, speaker="subject", stage="agitated")
    lines = f.feed(raw)
    assert [ln.text for ln in lines] == ["Stay back."]
    assert f.done  # the caller can stop the LLM stream
    assert f.finish() == []


def test_at_most_three_sentences(overpass: Scenario) -> None:
    raw = "One. Two. Three. Four. Five."
    f = ReplyFilter(overpass, speaker="subject", stage="agitated")
    assert [ln.text for ln in f.feed(raw)] == ["One.", "Two.", "Three."]
    assert f.done and f.finish() == []


def test_the_first_line_may_be_a_clause_and_a_dropped_clause_takes_its_sentence(
    overpass: Scenario,
) -> None:
    raw = "I've been out here all night, and nobody came. They left me. Stop it."
    assert texts(overpass, raw) == [
        "I've been out here all night,",
        "and nobody came.",
        "They left me.",
    ]
    raw = "As an AI language model, I will not pretend to be him. Stay back."
    assert texts(overpass, raw) == ["Stay back."]


def test_overlong_reply_is_cut_at_a_sentence_boundary(overpass: Scenario) -> None:
    first = "I have been standing here for hours and nobody even stopped their car to look."
    raw = f"{first} {first} {first}"
    out = texts(overpass, raw, max_chars=200)
    assert out == [first, first]
    single = "word " * 80 + "end."
    (only,) = texts(overpass, single)
    assert len(only) <= MAX_CHARS and only.endswith(".")


@pytest.mark.parametrize("stage", STAGES)
def test_fallback_per_stage_when_nothing_is_usable(scenario: Scenario, stage: str) -> None:
    for raw in ("", "*sighs*", "As an AI, I cannot roleplay this.", "😠", "Officer: hello"):
        lines = filter_reply(scenario, raw, stage=stage)
        assert [(ln.speaker, ln.text) for ln in lines] == [
            ("subject", scenario.stages.get(stage).fallback)
        ]


def test_unsafe_method_detail_is_never_spoken(overpass: Scenario) -> None:
    raw = "Stay back. I read about the lethal dose of my pills. Leave me alone."
    assert texts(overpass, raw) == ["Stay back.", "Leave me alone."]


NOISY_REPLIES = [
    "Elliot: \"I don't know, man.\" *shrugs* 🤷 The voices won't stop.",
    "Assistant: As an AI I will play Elliot.\nElliot: Go away! Go away! Go away! Go away!",
    "(Elliot looks at the officer) [quietly] why do you care...\nOfficer: because I do.",
    "I... I don't know what to do anymore and everything is loud and I am so tired of all of"
    " it, the cars, the voices, the lights, my sister, my job, all of it, every single day",
]


@pytest.mark.parametrize("raw", NOISY_REPLIES)
def test_filter_properties_hold_on_noisy_text(scenario: Scenario, raw: str) -> None:
    f = ReplyFilter(scenario, speaker="subject", stage="hostile")
    lines = [*f.feed(raw[:17]), *f.feed(raw[17:]), *f.finish()]
    assert 1 <= len(lines) <= MAX_SENTENCES
    assert sum(len(ln.text) + 1 for ln in lines) <= MAX_CHARS + 1
    for ln in lines:
        assert ln.speaker == "subject"
        assert not re.search(r"[*\[\]()<>]", ln.text)
        assert not re.match(r"^\s*\w+\s*:", ln.text)
        assert "AI" not in ln.text.split()
        assert all(ord(ch) < 0x2000 for ch in ln.text)
        assert ln.text == ln.text.strip() and ln.text[0] not in "\"'"


def test_a_sentence_cut_off_by_the_token_limit_is_dropped(overpass: Scenario) -> None:
    assert texts(overpass, "Stay back. I went to the") == ["Stay back."]
    assert texts(overpass, "I went to the") == ["I went to the"]  # better than nothing


def test_lines_that_claim_the_officers_role_are_dropped(overpass: Scenario) -> None:
    raw = "I'm just an old cop. I'm Detective Ward. I'm on patrol today. Stay back."
    assert texts(overpass, raw) == ["Stay back."]
