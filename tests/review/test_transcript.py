"""Bad input: every case is one TranscriptError naming the problem."""

from __future__ import annotations

import json
from typing import Any

import pytest

from appliance.errors import TranscriptError
from appliance.review.report import review_transcript
from appliance.transcript import MAX_TURNS, load_transcript_text, parse_transcript

from .conftest import minimal

OK_TURNS = [
    {"speaker": "officer", "start": 0.0, "end": 2.0, "text": "Hi, I'm Officer Lee."},
    {"speaker": "subject", "start": 2.5, "end": 4.0, "text": "Go away!"},
]


def err(data: Any) -> str:
    with pytest.raises(TranscriptError) as info:
        if isinstance(data, str | bytes):
            load_transcript_text(data)
        else:
            parse_transcript(data)
    assert info.value.code == "transcript_invalid"
    return info.value.message


def test_valid_minimal() -> None:
    t = parse_transcript(minimal(OK_TURNS))
    assert [x.speaker for x in t.turns] == ["officer", "subject"]


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("", "empty"),
        ("not json at all", "not valid JSON"),
        ('{"turns": [', "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (b"\xff\xfe\x00garbage", "not"),
    ],
)
def test_not_json(raw: str | bytes, needle: str) -> None:
    assert needle in err(raw)


def test_missing_fields() -> None:
    assert "'turns'" in err({"scenario_id": "x"})
    assert "'scenario_id'" in err({"turns": OK_TURNS})
    broken = [dict(OK_TURNS[0]), OK_TURNS[1]]
    del broken[0]["end"]
    assert "turns[0] is missing the field 'end'" in err(minimal(broken))
    assert "turns[1].start must be a number" in err(
        minimal([OK_TURNS[0], {**OK_TURNS[1], "start": "soon"}])
    )


def test_negative_and_reversed_timestamps() -> None:
    assert "negative" in err(minimal([{**OK_TURNS[0], "start": -1.0}, OK_TURNS[1]]))
    assert "ends" in err(minimal([{**OK_TURNS[0], "end": -0.0 + 0.0, "start": 1.0}, OK_TURNS[1]]))
    assert "negative" in err(minimal(OK_TURNS, state_timeline=[{"t": -2, "agitation": 50}]))


def test_overlapping_and_out_of_order() -> None:
    overlap = [OK_TURNS[0], {"speaker": "officer", "start": 1.0, "end": 3.0, "text": "again"}]
    assert "overlapping timestamps" in err(minimal(overlap))
    order = [OK_TURNS[1], OK_TURNS[0]]
    assert "out of order" in err(minimal(order))


def test_cross_speaker_overlap_is_an_interruption_not_an_error() -> None:
    turns = [
        {"speaker": "subject", "start": 0.0, "end": 4.0, "text": "I can't take it anymore"},
        {"speaker": "officer", "start": 2.0, "end": 3.0, "text": "Calm down."},
    ]
    assert len(parse_transcript(minimal(turns)).turns) == 2


def test_no_officer_turns() -> None:
    assert "no officer turns" in err(minimal([OK_TURNS[1]]))
    silent = [{**OK_TURNS[0], "text": "   "}, OK_TURNS[1]]
    assert "no officer turns" in err(minimal(silent))
    assert "no turns" in err(minimal([]))


def test_huge_inputs_are_rejected() -> None:
    many = [
        {"speaker": "officer" if i % 2 else "subject", "start": i, "end": i + 0.5, "text": "ok"}
        for i in range(MAX_TURNS + 1)
    ]
    assert "more than the limit" in err(minimal(many))
    big = json.dumps(minimal(OK_TURNS, padding="x" * (5 * 1024 * 1024)))
    assert "too large" in err(big)
    assert "characters" in err(minimal([{**OK_TURNS[0], "text": "a" * 6000}]))


def test_bad_weights() -> None:
    with pytest.raises(TranscriptError, match="unknown competency"):
        review_transcript(minimal(OK_TURNS), weights={"charm": 2.0})
    with pytest.raises(TranscriptError, match="≥ 0"):
        review_transcript(minimal(OK_TURNS), weights={"empathy": -1})
    with pytest.raises(TranscriptError, match="all zero"):
        review_transcript(
            minimal(OK_TURNS),
            weights=dict.fromkeys(
                [
                    "opening_legitimacy",
                    "active_listening",
                    "empathy",
                    "respect_dignity",
                    "directive_clarity",
                    "time_pacing",
                    "crisis_assessment",
                    "options_resolution",
                ],
                0,
            ),
        )


def test_unicode_empty_strings_and_odd_punctuation_work(analyzer: object) -> None:
    turns = [
        {
            "speaker": "officer",
            "start": 0.0,
            "end": 2.0,
            "text": "Hola — I'm Officer Núñez… ¿you okay?!",
        },
        {"speaker": "subject", "start": 2.2, "end": 3.0, "text": ""},
        {"speaker": "officer", "start": 3.5, "end": 3.6, "text": "?!?! …"},
        {"speaker": "bystander", "start": 4.0, "end": 5.0, "text": "他很害怕 😢"},
        {"speaker": "officer", "start": 5.5, "end": 6.0, "text": ""},
    ]
    review = review_transcript(minimal(turns))
    data = review.to_json()
    json.dumps(data, ensure_ascii=False)
    assert [u["acts"] for u in data["utterances"] if u["speaker"] != "officer"] == [[], []]
