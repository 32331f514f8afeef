"""Timing metrics on hand-made acts (pure logic, no model)."""

from __future__ import annotations

from appliance.dialogue.analysis import UtteranceAnalysis
from appliance.review.metrics import compute_metrics, is_emotional
from appliance.transcript import parse_transcript

from .conftest import minimal


def acts(text: str, *names: str) -> UtteranceAnalysis:
    return UtteranceAnalysis(text=text, acts=frozenset(names), words=len(text.split()))


def test_talk_share_questions_reflections_interruptions_pauses() -> None:
    turns = [
        {
            "speaker": "officer",
            "start": 0.0,
            "end": 4.0,
            "text": "Hi, what's going on tonight?",
            "features": {"rms_dbfs": -24, "words_per_minute": 140},
        },
        {"speaker": "subject", "start": 5.0, "end": 11.0, "text": "I'm scared and nobody listens!"},
        {
            "speaker": "officer",
            "start": 13.0,
            "end": 15.0,
            "text": "You sound scared.",
            "features": {"rms_dbfs": -25, "words_per_minute": 130},
        },
        {"speaker": "subject", "start": 16.0, "end": 22.0, "text": "I hate this, leave me alone"},
        {
            "speaker": "officer",
            "start": 20.0,
            "end": 21.0,
            "text": "Are you hurt?",
            "features": {"rms_dbfs": -15, "words_per_minute": 190},
        },
    ]
    t = parse_transcript(minimal(turns))
    analyses = {
        0: acts(turns[0]["text"], "open_question"),  # type: ignore[arg-type]
        2: acts(turns[2]["text"], "reflection_complex", "emotion_label"),  # type: ignore[arg-type]
        4: acts(turns[4]["text"], "closed_question", "safety_question"),
    }  # type: ignore[arg-type]
    m = compute_metrics(t, analyses)
    assert m.officer_talk_share == round(7 / 19, 3)
    assert (m.questions, m.open_questions, m.reflections) == (2, 1, 1)
    assert m.reflection_to_question == 0.5 and m.percent_open_questions == 50.0
    assert m.interruptions == (4,)
    assert [(p.subject_turn, p.seconds) for p in m.emotional_pauses] == [(1, 2.0), (3, -2.0)]
    assert m.wpm_trend == 50.0 and m.loudness_trend_db == 9.0
    assert m.opening.turns == (0, 2, 4)
    assert m.active_minutes == round(22 / 60, 1)


def test_emotional_turns() -> None:
    assert is_emotional("Leave me alone!")
    assert is_emotional("I'm so scared")
    assert not is_emotional("It's a blue car.")
