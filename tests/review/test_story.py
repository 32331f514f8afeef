"""The review's story: outcome and turning point, learning objectives, a tailored next step,
and the MITI session measures behind active listening and empathy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.persona.scenario import load_scenario
from appliance.review.html import render_html
from appliance.review.listening import ratio_points
from appliance.review.report import NEXT_STEPS, review_transcript

from .conftest import load_pair, minimal

SAMPLE = Path(__file__).parents[2] / "docs" / "sample_transcript.json"


def sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


def test_outcome_and_turning_point_come_from_the_session(analyzer: UtteranceAnalyzer) -> None:
    data = sample()
    review = review_transcript(data, analyzer=analyzer)
    card = load_scenario(data["scenario_id"])
    o = review.outcome
    assert o.outcome == data["outcome"] == "resolved"
    assert o.label == "Resolved" and o.description == card.resolution.description
    tp = o.turning_point
    assert tp is not None and tp.direction == "calmed"
    timeline = data["state_timeline"]
    assert tp.agitation_from == max(p["agitation"] for p in timeline if p["t"] >= tp.t)
    assert tp.agitation_to == timeline[-1]["agitation"] < tp.agitation_from
    turned = data["turns"][tp.turn]
    assert turned["speaker"] == "officer" and turned["start"] >= tp.t - 5
    assert tp.quote and tp.quote in turned["text"] and tp.quote in o.summary


def test_an_escalating_call_turns_at_its_last_trough(analyzer: UtteranceAnalyzer) -> None:
    turns = [
        {
            "speaker": "officer",
            "start": 0,
            "end": 3,
            "text": "Hi, I'm Officer Lee. What's going on?",
        },
        {"speaker": "subject", "start": 4, "end": 6, "text": "I lost my job."},
        {"speaker": "officer", "start": 7, "end": 9, "text": "You lost your job."},
        {"speaker": "subject", "start": 10, "end": 12, "text": "Yeah."},
        {"speaker": "officer", "start": 13, "end": 16, "text": "Get down from there right now."},
        {"speaker": "subject", "start": 17, "end": 18, "text": "No!"},
        {
            "speaker": "officer",
            "start": 19,
            "end": 21,
            "text": "Last warning, or you're going to jail.",
        },
    ]
    timeline = [
        {"t": 0, "agitation": 60, "stage": "hostile"},
        {"t": 3, "agitation": 55, "stage": "agitated"},
        {"t": 9, "agitation": 50, "stage": "agitated"},
        {"t": 16, "agitation": 66, "stage": "hostile"},
        {"t": 21, "agitation": 92, "stage": "peak"},
    ]
    data = minimal(turns, state_timeline=timeline, outcome="failed")
    o = review_transcript(data, analyzer=analyzer).outcome
    assert (
        o.label == "Failed"
        and o.description == load_scenario("overpass_voices").failure.description
    )
    assert o.turning_point is not None and o.turning_point.direction == "escalated"
    assert o.turning_point.agitation_from == 50 and o.turning_point.turn == 4


def test_without_a_timeline_or_outcome_nothing_is_invented(analyzer: UtteranceAnalyzer) -> None:
    data = minimal([{"speaker": "officer", "start": 0, "end": 2, "text": "What's going on?"}])
    o = review_transcript(data, analyzer=analyzer).outcome
    assert o.outcome is None and o.label == "Not recorded" and o.turning_point is None


def test_objectives_follow_the_card_and_quote_the_moments(analyzer: UtteranceAnalyzer) -> None:
    card = load_scenario("overpass_voices")
    good = review_transcript(load_pair("overpass_voices", "skilled"), analyzer=analyzer)
    bad = review_transcript(load_pair("overpass_voices", "unskilled"), analyzer=analyzer)
    for review in (good, bad):
        assert [o.text for o in review.objectives] == [o.text for o in card.learning_objectives]
    rank = {"met": 2, "partly met": 1, "not met": 0}
    assert sum(rank[o.status] for o in good.objectives) > sum(
        rank[o.status] for o in bad.objectives
    )
    assert any(o.status == "met" for o in good.objectives)
    assert all(o.status == "not met" for o in bad.objectives)
    for o in good.objectives:
        if o.status == "met":
            assert o.evidence and all(e.polarity == "positive" for e in o.evidence)
    for o in bad.objectives:
        assert all(e.polarity == "negative" for e in o.evidence)


def test_next_step_names_the_costly_moment_and_a_better_line(analyzer: UtteranceAnalyzer) -> None:
    data = sample()
    step = review_transcript(data, analyzer=analyzer).next_step
    assert step.turn is not None and step.text not in NEXT_STEPS.values()
    said = data["turns"][step.turn]
    assert said["speaker"] == "officer" and step.quote == said["text"]
    assert step.agitation_change is not None and step.agitation_change > 0
    before = [t for t in data["turns"][: step.turn] if t["speaker"] != "officer"]
    assert step.heard == before[-1]["text"]
    # The better line asks for what the officer wanted, without the threat.
    assert step.suggestion and "step back from the railing" in step.suggestion
    assert "team" not in step.suggestion


def test_miti_measures_and_the_factors_they_drive(analyzer: UtteranceAnalyzer) -> None:
    review = review_transcript(load_pair("overpass_voices", "skilled"), analyzer=analyzer)
    data = review.to_json()
    assert [m["id"] for m in data["miti"]] == [
        "reflection_to_question",
        "percent_complex_reflections",
        "percent_open_questions",
    ]
    rq = data["miti"][0]
    assert (rq["fair"], rq["good"]) == (1.0, 2.0) and rq["judged"] in ("good", "fair", "below fair")
    listening = review.competency("active_listening")
    ratio = next(f for f in listening.factors if f.measure == "reflection_to_question")
    assert "fair ≥ 1, good ≥ 2" in ratio.reason and ratio.points == ratio_points(rq["value"])
    empathy = review.competency("empathy")
    assert any(f.measure == "percent_complex_reflections" for f in empathy.factors)
    points = [ratio_points(r / 4) for r in range(13)]
    assert points == sorted(points) and points[0] < 0 < points[4] < points[8]


def test_the_page_tells_the_story(analyzer: UtteranceAnalyzer) -> None:
    review = review_transcript(sample(), analyzer=analyzer)
    page = render_html(review)
    assert "How it ended: Resolved" in page
    assert "Learning objectives" in page and "Session measures (MITI)" in page
    for o in review.objectives:
        assert o.text in page or o.text.replace("'", "&#x27;") in page
    assert f'href="#turn-{review.next_step.turn}"' in page
