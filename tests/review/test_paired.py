"""Paired transcripts: a skilled and an unskilled officer on the same call, for every scenario."""

from __future__ import annotations

import pytest

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.review.report import Review, review_transcript
from appliance.review.rubric import COMPETENCY_IDS

from .conftest import SCENARIOS, load_pair

# The lines that make the difference, and the competency whose evidence must quote them
# (a tuple: any one of these lines).
EXPECTED_QUOTES: dict[str, dict[str, dict[str, str | tuple[str, ...]]]] = {
    "overpass_voices": {
        "skilled": {
            "opening_legitimacy": "I'm Officer Daniels",
            "empathy": "That sounds exhausting",
            "crisis_assessment": "Are you thinking about killing yourself",
            "active_listening": "So let me make sure I've got this",
        },
        "unskilled": {
            "opening_legitimacy": "Get down off that rail",
            "respect_dignity": ("just nuts", "Listen, buddy"),
            "directive_clarity": ("ten seconds", "Three... two..."),
            "empathy": "Calm down",
        },
    },
    "backyard_trespass": {
        "skilled": {
            "empathy": "You're scared, and this yard",
            "directive_clarity": "Could you set the knife",
            "crisis_assessment": "Is that a knife in your hand",
        },
        "unskilled": {
            "opening_legitimacy": "Get on the ground",
            "respect_dignity": ("Drop the knife or I'll shoot", "Are you crazy"),
            "empathy": "all in your head",
        },
    },
    "bar_intoxicated": {
        "skilled": {
            "active_listening": "You're angry they kicked you out",
            "options_resolution": "I can call you a cab",
        },
        "unskilled": {
            "respect_dignity": "Dude, you're wasted",
            "directive_clarity": "five seconds",
            "empathy": "get over it",
        },
    },
    "store_disorderly": {
        "skilled": {"empathy": "You feel humiliated", "directive_clarity": "We could step outside"},
        "unskilled": {
            "respect_dignity": "Sweetheart",
            "empathy": "People get evicted",
            "directive_clarity": "thirty seconds",
        },
    },
    "traffic_stop_filming": {
        "skilled": {
            "opening_legitimacy": "The reason I stopped you",
            "respect_dignity": "welcome to keep recording",
        },
        "unskilled": {
            "respect_dignity": "Listen, chief",
            "directive_clarity": "five seconds",
            "empathy": "Stop whining",
        },
    },
    "coresponder_clinician": {
        "skilled": {
            "options_resolution": "Dana, would you like to take it from here",
            "crisis_assessment": "hurting yourself today",
        },
        "unskilled": {
            "respect_dignity": "Ignore the clinician",
            "directive_clarity": "easy way or the hard way",
        },
    },
}


@pytest.fixture(scope="module")
def reviews(analyzer: UtteranceAnalyzer) -> dict[tuple[str, str], Review]:
    return {
        (s, k): review_transcript(load_pair(s, k), analyzer=analyzer)
        for s in SCENARIOS
        for k in ("skilled", "unskilled")
    }


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_skilled_scores_higher_wherever_they_differ(
    reviews: dict[tuple[str, str], Review], scenario: str
) -> None:
    good, bad = reviews[(scenario, "skilled")], reviews[(scenario, "unskilled")]
    for cid in COMPETENCY_IDS:
        g, b = good.competency(cid), bad.competency(cid)
        if g.score != b.score:
            assert g.score > b.score, (cid, g.score, b.score)
    assert good.overall_score > bad.overall_score + 30


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_evidence_quotes_the_lines_that_make_the_difference(
    reviews: dict[tuple[str, str], Review], scenario: str
) -> None:
    for kind, polarity in (("skilled", "positive"), ("unskilled", "negative")):
        review = reviews[(scenario, kind)]
        for cid, needle in EXPECTED_QUOTES[scenario][kind].items():
            quotes = [e.quote for e in review.competency(cid).evidence if e.polarity == polarity]
            needles = (needle,) if isinstance(needle, str) else needle
            assert any(n in q for n in needles for q in quotes), (kind, cid, needle, quotes)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_slips_carry_a_better_phrasing_and_caps_explain_themselves(
    reviews: dict[tuple[str, str], Review], scenario: str
) -> None:
    bad = reviews[(scenario, "unskilled")]
    negatives = [e for c in bad.competencies for e in c.evidence if e.polarity == "negative"]
    assert negatives and all(e.suggestion for e in negatives)
    assert bad.where_it_slipped and all(f.suggestion for f in bad.where_it_slipped)
    assert any(c.caps for c in bad.competencies)
    good = reviews[(scenario, "skilled")]
    assert good.what_worked and all(f.quote for f in good.what_worked)
    for c in good.competencies:
        assert any(e.polarity == "positive" for e in c.evidence), c.id
