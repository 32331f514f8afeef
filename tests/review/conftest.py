from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from appliance.dialogue.analysis import UtteranceAnalyzer, default_analyzer

TRANSCRIPTS = Path(__file__).parent / "transcripts"
SCENARIOS = (
    "overpass_voices",
    "backyard_trespass",
    "bar_intoxicated",
    "store_disorderly",
    "traffic_stop_filming",
    "coresponder_clinician",
)


@pytest.fixture(scope="session")
def analyzer() -> UtteranceAnalyzer:
    """The real MiniLM model and committed classifier, loaded once for the whole session."""
    return default_analyzer()


def load_pair(scenario: str, kind: str) -> dict[str, Any]:
    return json.loads((TRANSCRIPTS / f"{scenario}.{kind}.json").read_text(encoding="utf-8"))


def minimal(turns: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"session_id": "t", "scenario_id": "overpass_voices", "turns": turns, **extra}
