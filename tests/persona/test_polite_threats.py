"""Polite threats move the subject the way blunt ones do: through the real analysis and machine."""

from __future__ import annotations

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.persona.scenario import Scenario
from appliance.persona.subject import PersonaEngine
from tests.persona.officer_scripts import GOOD_FEATURES, TURN_GAP_S

POLITE_THREATS = (
    "I will have to place you in protective custody if you don't come down from there.",
    "Please don't make me put you in handcuffs.",
    "Sir, this is the last time I'm going to ask nicely.",
    "I have other calls waiting, so let's hurry this along.",
    "I'm not going to ask you again.",
)
KIND = (
    "I'm not going anywhere. Take your time.",
    "It sounds like tonight has been really hard.",
    "Would you like to sit down here, or would you rather stay where you are?",
)


def levels(scenario: Scenario, analyzer: UtteranceAnalyzer, lines: tuple[str, ...]) -> list[float]:
    """Agitation after each line, said calmly (quiet voice, slow rate) and without talking over."""
    engine = PersonaEngine(scenario)
    out = [engine.state.agitation]
    for i, text in enumerate(lines):
        acts = analyzer.analyze(text, subject_name=scenario.subject.name).acts
        state = engine.officer_turn(acts, t=TURN_GAP_S * (i + 1), features=GOOD_FEATURES)
        out.append(state.agitation)
        if state.outcome is not None:
            break
    return out


def test_each_polite_threat_raises_agitation(
    scenario: Scenario, analyzer: UtteranceAnalyzer
) -> None:
    path = levels(scenario, analyzer, POLITE_THREATS)
    assert all(b > a for a, b in zip(path, path[1:], strict=False)), path


def test_the_same_calm_voice_with_kind_words_lowers_it(
    scenario: Scenario, analyzer: UtteranceAnalyzer
) -> None:
    kind = levels(scenario, analyzer, KIND)
    harsh = levels(scenario, analyzer, POLITE_THREATS[: len(KIND)])
    assert kind[-1] < kind[0] < harsh[-1]
