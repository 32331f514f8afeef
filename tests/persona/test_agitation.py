from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from appliance.errors import ScenarioError
from appliance.persona.agitation import AgitationMachine
from appliance.persona.scenario import Alternative, Scenario, StageLock, load_scenario_file
from appliance.turn.events import PersonaStateChanged
from tests.persona.conftest import raw_card

REPO = Path(__file__).resolve().parents[2]
WriteCard = Callable[[dict[str, Any], str], Path]
LISTEN = frozenset({"reflection_complex", "emotion_label"})
QUIET = {"rms_dbfs": -26.0, "words_per_minute": 150.0}

MIXED_TURNS: list[tuple[frozenset[str], dict[str, float] | None, bool]] = [
    (frozenset({"introduction", "reason_for_contact", "open_question"}), QUIET, False),
    (frozenset({"command"}), {"rms_dbfs": -10.0, "words_per_minute": 190.0}, True),
    (frozenset({"reflection_complex", "name_use"}), None, False),
    (frozenset({"validation", "command"}), QUIET, False),
    (frozenset({"emotion_label", "slowing_language"}), QUIET, False),
    (frozenset(), None, False),
    (frozenset({"summary", "options"}), QUIET, False),
]


def _run(scenario: Scenario) -> list[tuple[float, float, str, str | None]]:
    m = AgitationMachine(scenario)
    out = []
    for i, (acts, features, interrupted) in enumerate(MIXED_TURNS):
        s = m.officer_turn(acts, t=12.5 * (i + 1), features=features, interrupted=interrupted)
        out.append((s.agitation, s.rapport, s.stage, s.outcome))
    return out


def test_same_turns_give_the_same_trajectory(scenario: Scenario) -> None:
    assert _run(scenario) == _run(scenario)


def test_trajectory_does_not_depend_on_the_hash_seed() -> None:
    code = (
        "import json; from appliance.persona.scenario import load_scenario;"
        "from tests.persona.test_agitation import _run;"
        "print(json.dumps(_run(load_scenario('bar_intoxicated'))))"
    )
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        runs.append(json.loads(proc.stdout))
    assert runs[0] == runs[1]


def test_starts_at_the_cards_level(scenario: Scenario) -> None:
    s = AgitationMachine(scenario).state
    assert s.agitation == scenario.agitation.start
    assert s.stage == AgitationMachine(scenario).stage_of(scenario.agitation.start)
    assert s.outcome is None and s.t == 0.0


def test_stage_boundaries_follow_the_thresholds(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    th = overpass.agitation.thresholds
    assert m.stage_of(0) == "calm"
    assert m.stage_of(th.guarded - 0.1) == "calm"
    assert m.stage_of(th.guarded) == "guarded"
    assert m.stage_of(th.agitated) == "agitated"
    assert m.stage_of(th.hostile) == "hostile"
    assert m.stage_of(100) == "peak"


def test_each_escalating_act_raises_and_each_calming_act_lowers(scenario: Scenario) -> None:
    start = scenario.agitation.start
    for act, weight in scenario.agitation.weights.items():
        s = AgitationMachine(scenario).officer_turn({act}, t=0.0)
        if weight > 0:
            assert s.agitation > start, act
        elif weight < 0:
            assert s.agitation < start, act
        else:
            assert s.agitation == start, act


def test_interruption_loudness_and_speed_escalate(overpass: Scenario) -> None:
    acts = frozenset({"open_question"})

    def level(**kw: object) -> float:
        return AgitationMachine(overpass).officer_turn(acts, t=0.0, **kw).agitation  # type: ignore[arg-type]

    plain = level()
    assert level(interrupted=True) > plain
    assert level(features={"rms_dbfs": -8.0}) > level(features={"rms_dbfs": -25.0}) == plain
    assert level(features={"words_per_minute": 210.0}) > plain
    assert level(features={"words_per_minute": 110.0}) < plain  # slowing down helps a little
    assert level(features={"rms_dbfs": None, "words_per_minute": None}) == plain


def test_repeating_one_trick_has_diminishing_returns(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    levels = [m.state.agitation]
    for i in range(12):
        levels.append(m.officer_turn({"reflection_simple"}, t=10.0 * (i + 1)).agitation)
    drops = [a - b for a, b in zip(levels, levels[1:], strict=False)]
    assert drops[0] > drops[1] > drops[2] > drops[3]
    assert m.state.outcome is None
    varied = AgitationMachine(overpass)
    acts = ["reflection_simple", "emotion_label", "validation", "open_question"]
    for i in range(4):
        varied.officer_turn({acts[i]}, t=10.0 * (i + 1))
    assert varied.state.agitation < levels[4]


def test_options_need_rapport_first(overpass: Scenario) -> None:
    cold = AgitationMachine(overpass).officer_turn({"options"}, t=0.0).agitation
    warm = AgitationMachine(overpass)
    for i in range(4):
        warm.officer_turn(LISTEN, t=float(i))
    before = warm.state.agitation
    drop_warm = before - warm.officer_turn({"options"}, t=10.0).agitation
    assert drop_warm > overpass.agitation.start - cold


def test_empathy_wrapped_around_a_command_still_escalates(overpass: Scenario) -> None:
    s = AgitationMachine(overpass).officer_turn({"validation", "command"}, t=0.0)
    assert s.agitation > overpass.agitation.start


def test_drift_over_time(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    drift = overpass.agitation.drift_per_minute
    s = m.advance(120.0)
    assert s.agitation == pytest.approx(overpass.agitation.start + 2 * drift, abs=0.05)
    assert m.advance(60.0).agitation == s.agitation  # time does not run backwards


def test_time_alone_never_ends_the_session_before_the_limit(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    m.shift(25.0, t=0.0)
    s = m.advance(overpass.time_limit_s - 1)
    assert s.outcome is None
    assert s.agitation < overpass.failure.force_threshold


def test_time_limit(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    assert m.advance(overpass.time_limit_s).outcome == "time_limit"
    assert m.officer_turn(LISTEN, t=overpass.time_limit_s + 5).outcome == "time_limit"


def test_failure_at_the_force_threshold(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    t = 0.0
    while m.state.outcome is None:
        t += 5.0
        m.officer_turn({"threat", "countdown"}, t=t, interrupted=True)
    assert m.state.outcome == "failed"
    assert m.state.agitation >= overpass.failure.force_threshold
    assert m.state.stage == "peak"


def test_disengagement_after_sustained_high_agitation(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    m.shift(overpass.disengagement.min_agitation + 2 - overpass.agitation.start, t=0.0)
    outcomes = [m.officer_turn(frozenset(), t=float(i + 1)).outcome for i in range(10)]
    turns = overpass.disengagement.turns
    assert outcomes[: turns - 1] == [None] * (turns - 1)
    assert outcomes[turns - 1] == "disengaged"


def test_resolution_needs_low_agitation_rapport_and_a_plan(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    for i in range(30):
        m.officer_turn(LISTEN | {"slowing_language"} if i % 2 else {"validation", "summary"}, t=i)
    s = m.state
    assert s.outcome is None  # calm and trusting, but nobody offered a way out
    assert s.agitation == overpass.agitation.floor  # good talk never goes below the floor
    assert s.rapport >= overpass.resolution.min_rapport
    assert m.officer_turn({"options"}, t=40.0).outcome == "resolved"


def test_outcome_freezes_the_state(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    m.advance(overpass.time_limit_s)
    before = m.state
    after = m.officer_turn({"threat"}, t=before.t + 1)
    assert (after.agitation, after.outcome) == (before.agitation, before.outcome)
    assert m.shift(-40, t=before.t + 2).agitation == before.agitation


def test_shift_and_stage_lock(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    s = m.shift(-10.0, t=0.0)
    assert s.agitation == overpass.agitation.start - 10
    s = m.shift(5.0, t=1.0, lock=StageLock(stage="hostile", seconds=30))
    assert s.stage == "hostile"
    for i in range(3):
        s = m.officer_turn(LISTEN, t=2.0 + i)
    assert s.stage == "hostile"  # held in the band while the lock lasts
    assert s.agitation == overpass.agitation.thresholds.hostile
    s = m.officer_turn(LISTEN, t=40.0)
    assert s.stage == "agitated"  # the lock ran out


def test_injects_and_nudges_cannot_cause_failure(overpass: Scenario) -> None:
    m = AgitationMachine(overpass)
    s = m.shift(100.0, t=0.0)
    assert s.outcome is None
    assert s.agitation == overpass.failure.force_threshold - 1


def test_unknown_acts_are_rejected(overpass: Scenario) -> None:
    with pytest.raises(ValueError, match="yelling"):
        AgitationMachine(overpass).officer_turn({"yelling"}, t=0.0)


def test_state_event_and_timeline_shapes(overpass: Scenario) -> None:
    s = AgitationMachine(overpass).officer_turn({"command"}, t=3.25)
    assert s.timeline_entry() == {"t": 3.25, "agitation": s.agitation, "stage": s.stage}
    ev = PersonaStateChanged.of(s).to_json()
    assert list(ev)[0] == "type" and ev["type"] == "persona.state"
    assert set(ev["cue"]) == {"posture", "gesture", "distance_m"}
    assert ev["emotion"] == overpass.stages.get(s.stage).emotion
    json.dumps(ev)


def _with_alternative(overpass: Scenario) -> Scenario:
    alt = Alternative(
        id="sister_pickup",
        description="Maya comes and Elliot leaves with her.",
        requires_any=["handoff"],
    )
    resolution = overpass.resolution.model_copy(update={"alternatives": [alt]})
    return overpass.model_copy(update={"resolution": resolution})


def test_another_good_ending_has_its_own_outcome(overpass: Scenario) -> None:
    card = _with_alternative(overpass)
    plain, handed = AgitationMachine(card), AgitationMachine(card)
    for m in (plain, handed):
        for i in range(30):
            acts = LISTEN | {"slowing_language"} if i % 2 else {"validation", "summary"}
            m.officer_turn(acts, t=i)
    assert handed.officer_turn({"handoff"}, t=40.0).outcome == "sister_pickup"
    assert plain.officer_turn({"options"}, t=40.0).outcome == "resolved"


def test_an_alternative_may_not_take_a_built_in_outcome_id(write_card: WriteCard) -> None:
    data = raw_card("overpass_voices")
    data["resolution"]["alternatives"] = [
        {"id": "failed", "description": "x", "requires_any": ["handoff"]}
    ]
    with pytest.raises(ScenarioError, match="resolution: alternatives need distinct ids"):
        load_scenario_file(write_card(data, "overpass_voices"))
