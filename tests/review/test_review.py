"""The review as a whole: shape of the JSON, determinism, caps, weights, HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.review.html import render_html
from appliance.review.report import review_transcript
from appliance.review.rubric import COMPETENCY_IDS, DISCLAIMER

from .conftest import load_pair, minimal

SAMPLE = Path(__file__).parents[2] / "docs" / "sample_transcript.json"
# A hand-written 10-minute bridge call (the documentation's sample before it was generated).
BRIDGE = Path(__file__).parent / "transcripts" / "handwritten_bridge.json"


def test_json_has_the_documented_fields(analyzer: UtteranceAnalyzer) -> None:
    pair = load_pair("coresponder_clinician", "skilled")
    data = review_transcript(pair, analyzer=analyzer).to_json()
    for key in (
        "utterances",
        "competencies",
        "metrics",
        "what_worked",
        "where_it_slipped",
        "next_step",
        "next_scenario",
        "training_record",
        "agitation",
        "overall",
        "disclaimer",
    ):
        assert key in data
    assert [c["id"] for c in data["competencies"]] == list(COMPETENCY_IDS)
    for c in data["competencies"]:
        assert 0 <= c["score"] <= 100 and 1 <= c["level"] <= 5 and c["anchor"]
        assert 1 <= len(c["evidence"]) <= 3
        for e in c["evidence"]:
            assert {"turn", "t", "time", "quote", "polarity", "framework"} <= set(e)
    turns = load_pair("coresponder_clinician", "skilled")["turns"]
    assert [u["turn"] for u in data["utterances"]] == list(range(len(turns)))
    for u in data["utterances"]:
        assert u["speaker"] == turns[u["turn"]]["speaker"]
        if u["speaker"] != "officer":
            assert u["acts"] == []
    assert data["disclaimer"] == DISCLAIMER
    assert DISCLAIMER == "Practice feedback, not a fitness-for-duty determination."
    assert data["next_scenario"]["id"] != "coresponder_clinician"
    assert data["training_record"]["date"] == "2026-11-22"
    assert data["training_record"]["active_minutes"] > 0
    json.dumps(data)


def test_other_speakers_are_never_scored(analyzer: UtteranceAnalyzer) -> None:
    data = load_pair("coresponder_clinician", "skilled")
    base = review_transcript(data, analyzer=analyzer)
    for turn in data["turns"]:
        if turn["speaker"] == "clinician":
            turn["text"] = "Calm down, buddy, you have ten seconds or I'll shoot."
    changed = review_transcript(data, analyzer=analyzer)
    assert [c.score for c in changed.competencies] == [c.score for c in base.competencies]


def test_deterministic(analyzer: UtteranceAnalyzer) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    first = review_transcript(data, analyzer=analyzer).to_json()
    second = review_transcript(data, analyzer=analyzer).to_json()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_command_in_first_45_words_caps_the_opening(analyzer: UtteranceAnalyzer) -> None:
    polite = [
        {
            "speaker": "officer",
            "start": 0,
            "end": 4,
            "text": "Hi, I'm Officer Lee with the city police. Your neighbor called because "
            "she was worried about you. What's your name?",
        },
        {"speaker": "subject", "start": 5, "end": 6, "text": "Sam."},
    ]
    bossy = [{**polite[0], "text": "Get over here. " + str(polite[0]["text"])}, polite[1]]
    good = review_transcript(minimal(polite), analyzer=analyzer).competency("opening_legitimacy")
    bad = review_transcript(minimal(bossy), analyzer=analyzer).competency("opening_legitimacy")
    assert good.level >= 4
    assert bad.level <= 2 and bad.caps and "first 45 words" in bad.caps[0].reason
    assert any("Get over here" in e.quote for e in bad.evidence)


def test_scenario_weights_change_only_the_overall(analyzer: UtteranceAnalyzer) -> None:
    data = load_pair("overpass_voices", "skilled")
    plain = review_transcript(data, analyzer=analyzer)
    weighted = review_transcript(
        data, analyzer=analyzer, weights={"crisis_assessment": 5.0, "options_resolution": 0.0}
    )
    assert [c.score for c in plain.competencies] == [c.score for c in weighted.competencies]
    expected = round(
        sum(
            c.score
            * (5.0 if c.id == "crisis_assessment" else 0.0 if c.id == "options_resolution" else 1.0)
            for c in plain.competencies
        )
        / 11.0
    )
    assert weighted.overall_score == expected
    assert weighted.to_json()["overall"]["weights"]["crisis_assessment"] == 5.0


def test_agitation_turning_points_link_to_what_was_said(analyzer: UtteranceAnalyzer) -> None:
    review = review_transcript(json.loads(BRIDGE.read_text(encoding="utf-8")), analyzer=analyzer)
    kinds = [tp.kind for tp in review.agitation.turning_points]
    assert "peak" in kinds and "trough" in kinds
    siren_peak = max(review.agitation.turning_points, key=lambda tp: tp.agitation)
    assert siren_peak.after_quote and "Calm down" in siren_peak.after_quote


def test_html_is_self_contained_and_links_quotes_to_moments(analyzer: UtteranceAnalyzer) -> None:
    review = review_transcript(load_pair("bar_intoxicated", "unskilled"), analyzer=analyzer)
    page = render_html(review)
    assert page.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page and "@media print" in page
    assert page.count("<svg") == 2
    for c in review.competencies:
        for e in c.evidence:
            assert f'href="#turn-{e.turn}"' in page and f'id="turn-{e.turn}"' in page
    assert DISCLAIMER in page
    evil = review_transcript(
        minimal(
            [{"speaker": "officer", "start": 0, "end": 1, "text": "<script>alert(1)</script>"}]
        ),
        analyzer=analyzer,
    )
    assert "<script>alert" not in render_html(evil)


def test_html_has_no_inline_style_but_its_one_fixed_style_sheet(
    analyzer: UtteranceAnalyzer,
) -> None:
    from appliance.review.html import CSS

    page = render_html(
        review_transcript(load_pair("overpass_voices", "skilled"), analyzer=analyzer)
    )
    assert not re.search(r"\sstyle=", page)  # a strict content security policy refuses those
    assert re.findall(r"<style>(.*?)</style>", page, flags=re.S) == [CSS]
    assert 'class="b' in page and re.search(r'class="b\d w\d{1,3}"', page)
