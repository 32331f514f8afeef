from __future__ import annotations

import json

import pytest

from appliance.errors import ScenarioError
from appliance.persona.scenario import Scenario
from appliance.persona.subject import PersonaEngine

LISTEN = frozenset({"reflection_complex", "emotion_label"})


def test_starts_with_one_timeline_entry(scenario: Scenario) -> None:
    e = PersonaEngine(scenario)
    assert e.state_timeline == [
        {"t": 0.0, "agitation": scenario.agitation.start, "stage": e.state.stage}
    ]
    assert e.events == [] and e.outcome is None


def test_officer_turns_extend_the_timeline(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    e.officer_turn({"command"}, t=4.0, features={"rms_dbfs": -9.0}, interrupted=True)
    e.officer_turn(LISTEN, t=9.0)
    e.officer_turn(frozenset(), t=9.0)  # nothing changed: no new entry
    assert [p["t"] for p in e.state_timeline] == [0.0, 4.0, 9.0]
    assert e.state_timeline[1]["agitation"] > e.state_timeline[0]["agitation"]
    json.dumps({"state_timeline": e.state_timeline, "events": e.events})


def test_inject_is_applied_recorded_and_reaches_the_prompt(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    inject = overpass.injects["leans_over"]
    s = e.apply_inject("leans_over", t=30.0)
    assert e.events == [{"t": 30.0, "type": "inject", "name": "leans_over"}]
    assert s.stage == "hostile"
    assert s.agitation > overpass.agitation.start
    state = e.messages_for_reply([{"speaker": "officer", "text": "Hello?"}])[-1]
    assert state["role"] == "system" and state["content"].endswith(inject.context)


def test_calming_inject(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    s = e.apply_inject("sister_calls", t=0.0)
    delta = overpass.injects["sister_calls"].agitation_delta
    assert s.agitation == overpass.agitation.start + delta


def test_unknown_inject_names_the_valid_ones(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    with pytest.raises(ScenarioError) as err:
        e.apply_inject("alien_landing", t=1.0)
    assert err.value.code == "inject_unknown"
    assert "alien_landing" in err.value.message
    for name in overpass.injects:
        assert name in err.value.message
    assert e.events == []


def test_nudge_is_applied_and_recorded(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    s = e.nudge(-12.5, t=0.0, reason="officer kneeling, soft voice")
    assert s.agitation == overpass.agitation.start - 12.5
    assert e.events == [
        {"t": 0.0, "type": "nudge", "delta": -12.5, "reason": "officer kneeling, soft voice"}
    ]


@pytest.mark.parametrize("delta", [150.0, float("nan"), float("inf")])
def test_out_of_range_nudge_is_refused(overpass: Scenario, delta: float) -> None:
    e = PersonaEngine(overpass)
    with pytest.raises(ScenarioError, match="nudge"):
        e.nudge(delta, t=1.0, reason="test")
    assert e.events == []


def test_outcome_is_recorded_once(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    t = 0.0
    while e.outcome is None:
        t += 5
        e.officer_turn({"threat", "countdown"}, t=t, interrupted=True)
    e.officer_turn({"threat"}, t=t + 5)
    outcomes = [ev for ev in e.events if ev["type"] == "outcome"]
    assert outcomes == [{"t": t, "type": "outcome", "outcome": "failed"}]


def test_tick_reaches_the_time_limit(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    assert e.tick(60.0).outcome is None
    assert e.tick(overpass.time_limit_s).outcome == "time_limit"
    assert e.events[-1]["outcome"] == "time_limit"


def test_voice_follows_the_stage(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    e.nudge(-40, t=0.0, reason="test")
    assert e.state.stage == "calm"
    calm = e.voice_for("subject")
    e.nudge(45, t=1.0, reason="test")
    assert e.state.stage in ("hostile", "peak")
    upset = e.voice_for("subject")
    assert upset.length_scale < calm.length_scale  # faster
    assert upset.volume > calm.volume  # louder
    assert upset.noise_w_scale > calm.noise_w_scale  # less even


def test_unknown_speaker_is_refused(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    with pytest.raises(ScenarioError, match="clinician"):
        e.voice_for("clinician")
    with pytest.raises(ScenarioError, match="valid: subject"):
        e.messages_for_reply([], speaker="bystander")


def test_reply_filter_uses_the_current_stage(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    e.nudge(30, t=0.0, reason="test")
    lines = list(e.reply_filter().finish())
    assert [ln.text for ln in lines] == [overpass.stages.get(e.state.stage).fallback]
