"""Acceptance: scripted officers through the REAL utterance analysis and the REAL state machine.

Independent of the LLM: only the officer's words (and delivery features) move the subject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.persona.scenario import Scenario
from appliance.persona.state import PersonaState
from appliance.persona.subject import PersonaEngine
from tests.persona.officer_scripts import (
    BAD,
    BAD_FEATURES,
    GOOD,
    GOOD_FEATURES,
    TURN_GAP_S,
    Line,
)


def play(
    scenario: Scenario,
    analyzer: UtteranceAnalyzer,
    lines: Sequence[Line | str],
    features: Mapping[str, float] | None,
    *,
    talk_over: bool = True,
) -> list[PersonaState]:
    """Run a scripted officer until the session ends or the script does."""
    engine = PersonaEngine(scenario)
    states = [engine.state]
    for i, line in enumerate(lines):
        text = line.text if isinstance(line, Line) else line
        interrupted = talk_over and isinstance(line, Line) and line.interrupted
        acts = analyzer.analyze(text, subject_name=scenario.subject.name).acts
        t = TURN_GAP_S * (i + 1)
        states.append(engine.officer_turn(acts, t=t, features=features, interrupted=interrupted))
        if engine.outcome is not None:
            break
    return states


def test_good_officer_resolves_or_calms(scenario: Scenario, analyzer: UtteranceAnalyzer) -> None:
    states = play(scenario, analyzer, GOOD[scenario.id], GOOD_FEATURES)
    final = states[-1]
    assert final.outcome in ("resolved", None)
    if final.outcome is None:
        assert final.agitation <= scenario.agitation.start - 20
        assert final.stage in ("calm", "guarded")
    assert max(s.agitation for s in states) <= scenario.agitation.start + 10


def test_good_officer_resolves_every_scenario(analyzer: UtteranceAnalyzer) -> None:
    from appliance.persona.scenario import list_scenarios

    outcomes = {
        s.id: play(s, analyzer, GOOD[s.id], GOOD_FEATURES)[-1].outcome for s in list_scenarios()
    }
    assert outcomes == dict.fromkeys(outcomes, "resolved")


def test_bad_officer_fails_or_loses_the_subject(
    scenario: Scenario, analyzer: UtteranceAnalyzer
) -> None:
    states = play(scenario, analyzer, BAD[scenario.id], BAD_FEATURES)
    assert states[-1].outcome in ("failed", "disengaged")
    levels = [s.agitation for s in states]
    assert levels == sorted(levels)  # every bad turn made it worse


def test_bad_words_alone_still_escalate(scenario: Scenario, analyzer: UtteranceAnalyzer) -> None:
    """Without loudness, speed or talking over, commands and threats still end badly."""
    states = play(scenario, analyzer, BAD[scenario.id], None, talk_over=False)
    assert states[-1].outcome in ("failed", "disengaged")


def test_good_words_shouted_fast_and_over_the_subject_go_worse(
    scenario: Scenario, analyzer: UtteranceAnalyzer
) -> None:
    script = [Line(t, interrupted=True) for t in GOOD[scenario.id][:5]]
    shouted = play(scenario, analyzer, script, BAD_FEATURES)[-1]
    calm = play(scenario, analyzer, GOOD[scenario.id][:5], GOOD_FEATURES)[-1]
    assert shouted.agitation > calm.agitation


def test_same_script_same_trajectory(scenario: Scenario, analyzer: UtteranceAnalyzer) -> None:
    a = play(scenario, analyzer, GOOD[scenario.id], GOOD_FEATURES)
    b = play(scenario, analyzer, GOOD[scenario.id], GOOD_FEATURES)
    assert a == b
