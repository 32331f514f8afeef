"""The documentation's sample is what the scripted session produces today, and fits its card."""

from __future__ import annotations

import json
from pathlib import Path

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.persona.scenario import load_scenario
from appliance.review.sample import SCENARIO, play, write

DOCS = Path(__file__).parents[2] / "docs"


def test_the_committed_sample_is_regenerated(analyzer: UtteranceAnalyzer, tmp_path: Path) -> None:
    """If this fails, run ``python -m appliance.review.sample`` and commit docs/sample_*."""
    write(tmp_path, analyzer)
    for name in ("sample_transcript.json", "sample_review.json", "sample_review.html"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (DOCS / name).read_text(
            encoding="utf-8"
        ), name


def test_the_sample_is_consistent_with_its_card(analyzer: UtteranceAnalyzer) -> None:
    card = load_scenario(SCENARIO)
    data = play(analyzer)
    assert data["subject"]["name"] == card.subject.name
    stages = {p["stage"] for p in data["state_timeline"]}
    assert stages <= set(card.stages.model_dump())
    injects = [e["name"] for e in data["events"] if e["type"] == "inject"]
    assert injects and set(injects) <= set(card.injects)
    assert data["outcome"] == "resolved"
    assert data["ended_at_s"] <= card.time_limit_min * 60
    review = json.loads((DOCS / "sample_review.json").read_text(encoding="utf-8"))
    assert review["scenario_id"] == SCENARIO and review["outcome"]["outcome"] == "resolved"
