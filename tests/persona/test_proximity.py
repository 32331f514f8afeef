"""The officer's measured distance as an input: card scenes and weights, pushes, agitation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from appliance.errors import ScenarioError
from appliance.persona.proximity import PoseSample, ProximityTracker
from appliance.persona.scenario import Scenario, load_scenario, load_scenario_file
from appliance.persona.space import Proximity
from appliance.persona.subject import PersonaEngine
from appliance.persona.vocabulary import SCENE_KINDS
from tests.persona.conftest import raw_card

WriteCard = Callable[[dict[str, Any], str], Path]
HZ = 5


def approach(t0: float, start_m: float, end_m: float, speed: float) -> list[PoseSample]:
    """A walk from ``start_m`` to ``end_m`` at ``speed`` m/s, then standing still for 2 s."""
    out, t, d = [], t0, start_m
    while d > end_m:
        out.append(PoseSample(round(t, 3), round(d, 3), speed))
        t += 1 / HZ
        d -= speed / HZ
    out += [PoseSample(round(t + i / HZ, 3), end_m, 0.0) for i in range(10)]
    return out


def still(t0: float, distance_m: float, seconds: float) -> list[PoseSample]:
    return [PoseSample(round(t0 + i / HZ, 3), distance_m, 0.0) for i in range(int(seconds * HZ))]


def test_every_card_names_a_built_in_scene(scenario: Scenario) -> None:
    assert scenario.scene.kind in SCENE_KINDS
    assert scenario.scene.description.strip()


def test_an_unknown_scene_kind_is_refused_naming_the_field(write_card: WriteCard) -> None:
    data = raw_card("overpass_voices")
    data["scene"]["kind"] = "spaceship"
    with pytest.raises(ScenarioError, match=r"scene.kind: unknown scene kind 'spaceship'"):
        load_scenario_file(write_card(data, "overpass_voices"))


def test_a_card_without_a_scene_is_refused(write_card: WriteCard) -> None:
    data = raw_card("overpass_voices")
    data.pop("scene")
    with pytest.raises(ScenarioError, match=r"scene: Field required"):
        load_scenario_file(write_card(data, "overpass_voices"))


def test_proximity_weights_default_and_a_card_may_set_its_own() -> None:
    assert load_scenario("bar_intoxicated").agitation.proximity == Proximity()
    overpass = load_scenario("overpass_voices").agitation.proximity
    assert overpass.per_m > Proximity().per_m and overpass.fast_mps < Proximity().fast_mps
    assert overpass.scale("hostile") > overpass.scale("calm")


def test_a_fast_approach_is_one_push_with_its_evidence() -> None:
    tracker = ProximityTracker(Proximity())
    pushes = [
        p for s in approach(10.0, 5.0, 2.0, 1.0) for p in tracker.feed(s, "hostile", comfort_m=1.0)
    ]
    assert [p.kind for p in pushes] == ["approach"]
    push = pushes[0]
    assert push.from_m == 5.0 and push.to_m == pytest.approx(2.0, abs=0.21)
    assert 2.5 <= push.seconds <= 3.5
    assert push.points == pytest.approx(min(15.0, 3.0 * (5.0 - push.to_m) * 1.5))
    assert push.evidence().startswith("closed from 5.0 m to 2.")
    assert push.evidence().endswith("while he was hostile")


def test_a_slow_approach_and_standing_at_his_distance_count_nothing() -> None:
    tracker = ProximityTracker(Proximity())
    samples = approach(0.0, 6.0, 4.0, 0.3) + still(20.0, 4.0, 20)
    assert not [p for s in samples for p in tracker.feed(s, "hostile", comfort_m=4.0)]


def test_standing_inside_his_space_counts_by_the_second_up_to_the_cap() -> None:
    spec = Proximity()
    tracker = ProximityTracker(spec)
    pushes = [p for s in still(0.0, 1.0, 40) for p in tracker.feed(s, "agitated", comfort_m=4.0)]
    assert pushes and {p.kind for p in pushes} == {"close"}
    assert sum(p.points for p in pushes) == pytest.approx(spec.close_max)
    assert "stood within 2.0 m of him" in pushes[0].evidence()


def test_the_same_approach_weighs_more_when_he_is_hostile_than_calm() -> None:
    def points(stage: str) -> float:
        tracker = ProximityTracker(Proximity())
        samples = approach(0.0, 5.0, 3.0, 1.0)
        return sum(p.points for s in samples for p in tracker.feed(s, stage, comfort_m=1.0))

    assert points("hostile") > points("agitated") > points("calm") > 0


def test_closing_in_raises_agitation_costs_rapport_and_is_recorded(overpass: Scenario) -> None:
    engine = PersonaEngine(overpass)
    engine.nudge(8.0, 1.0, "to hostile")
    assert engine.state.stage == "hostile"
    before = engine.state.agitation
    for s in approach(5.0, 6.0, 2.0, 1.5):
        engine.officer_pose(s.t, s.distance_m, s.approach_mps)
    assert engine.state.agitation > before + 10
    kinds = [e["type"] for e in engine.events]
    assert kinds[:2] == ["nudge", "pose"] and "proximity" in kinds
    push = next(e for e in engine.events if e["type"] == "proximity")
    assert push["name"] == "approach" and push["stage"] == "hostile"
    assert push["evidence"].startswith("closed from 6.0 m to 2.")
    assert engine.state_timeline[-1]["agitation"] == engine.state.agitation


def test_without_poses_the_machine_is_unchanged(overpass: Scenario) -> None:
    a, b = PersonaEngine(overpass), PersonaEngine(overpass)
    for s in still(0.0, 8.0, 5):  # measured, far away: nothing moves
        b.officer_pose(s.t, s.distance_m, s.approach_mps)
    for e in (a, b):
        e.officer_turn({"emotion_label"}, t=6.0)
    assert a.state == b.state
    assert not any(e["type"] == "pose" for e in a.events)
