"""Time and distance in the review: pushes cost points with evidence; unmeasured says so."""

from __future__ import annotations

import copy
from typing import Any

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.review.distance import NOT_MEASURED
from appliance.review.report import review_transcript
from tests.review.conftest import load_pair

PUSH = {
    "t": 30.0,
    "type": "proximity",
    "name": "approach",
    "start": 27.0,
    "from_m": 5.0,
    "to_m": 2.0,
    "stage": "hostile",
    "points": 13.5,
    "evidence": "closed from 5.0 m to 2.0 m in 3.0 s while he was hostile",
}


def factors(review: dict[str, Any]) -> list[dict[str, Any]]:
    pacing = next(c for c in review["competencies"] if c["id"] == "time_pacing")
    return list(pacing["factors"])


def test_without_a_headset_the_scores_are_the_words_alone(analyzer: UtteranceAnalyzer) -> None:
    transcript = load_pair("overpass_voices", "skilled")
    review = review_transcript(transcript, analyzer=analyzer).to_json()
    unmeasured = {"points": 0, "reason": NOT_MEASURED, "turns": [], "measure": None}
    assert unmeasured in factors(review)
    words_only = [f for f in factors(review) if f["reason"] != NOT_MEASURED]
    pacing = next(c for c in review["competencies"] if c["id"] == "time_pacing")
    base = pacing["score"] - sum(f["points"] for f in words_only)
    assert 0 <= base <= 100  # the zero-point line moves nothing


def test_a_fast_approach_is_cited_and_costs_points(analyzer: UtteranceAnalyzer) -> None:
    calm = load_pair("overpass_voices", "skilled")
    measured = copy.deepcopy(calm)
    measured["events"] = [{"t": 1.0, "type": "pose", "name": "measured"}]
    pushed = copy.deepcopy(measured)
    pushed["events"].append(PUSH)
    kept = review_transcript(measured, analyzer=analyzer).to_json()
    closed = review_transcript(pushed, analyzer=analyzer).to_json()
    cited = [f for f in factors(closed) if "Closed from 5.0 m to 2.0 m in 3.0 s" in f["reason"]]
    assert cited and cited[0]["points"] < 0 and "while he was hostile" in cited[0]["reason"]
    assert any(f["points"] > 0 and "Kept his distance" in f["reason"] for f in factors(kept))

    def pacing(review: dict[str, Any]) -> int:
        return int(next(c["score"] for c in review["competencies"] if c["id"] == "time_pacing"))

    assert pacing(closed) < pacing(kept)
