"""Fixtures for the persona tests: the bundled library and a helper to write broken cards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from appliance.dialogue.analysis import UtteranceAnalyzer, default_analyzer
from appliance.persona.scenario import SCENARIO_DIR, Scenario, load_scenario

SCENARIO_IDS = (
    "autism_bus_station",
    "backyard_trespass",
    "bar_intoxicated",
    "coresponder_clinician",
    "dementia_wandering",
    "demo_bus_shelter",
    "kitchen_knife",
    "manic_domestic",
    "overpass_voices",
    "school_teen",
    "store_disorderly",
    "traffic_stop_filming",
    "veteran_parked_car",
)


@pytest.fixture(scope="module")
def analyzer() -> UtteranceAnalyzer:
    """The process-wide utterance analyzer (loaded once)."""
    return default_analyzer()


@pytest.fixture(params=SCENARIO_IDS)
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return load_scenario(request.param)


@pytest.fixture
def coresponder() -> Scenario:
    return load_scenario("coresponder_clinician")


@pytest.fixture
def overpass() -> Scenario:
    return load_scenario("overpass_voices")


def raw_card(scenario_id: str) -> dict[str, Any]:
    """A bundled card as plain data, for tests that break it."""
    data: dict[str, Any] = yaml.safe_load((SCENARIO_DIR / f"{scenario_id}.yaml").read_text())
    return data


@pytest.fixture
def write_card(tmp_path: Path) -> Callable[[dict[str, Any], str], Path]:
    def _write(data: dict[str, Any], name: str = "overpass_voices") -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    return _write
