from __future__ import annotations

import pytest

from appliance.persona.engine import PersonaEngine
from appliance.persona.prompt import MAX_PROMPT_TOKENS, PromptBuilder, estimate_tokens
from appliance.persona.scenario import Scenario
from appliance.persona.vocabulary import STAGES

LONG = "word " * 120


def _long_history(speakers: tuple[str, ...], n: int = 20) -> list[dict[str, object]]:
    who = ["officer", *speakers]
    return [{"speaker": who[i % len(who)], "text": f"{i} {LONG}"} for i in range(n)]


def test_prompt_stays_small_in_every_state(scenario: Scenario) -> None:
    history = _long_history(scenario.speakers)
    for stage_level in (0.0, 25.0, 45.0, 65.0, 85.0):
        e = PersonaEngine(scenario)
        e.nudge(stage_level - scenario.agitation.start, t=0.0, reason="test")
        for name in scenario.injects:
            e.apply_inject(name, t=1.0)
        for speaker in scenario.speakers:
            msgs = e.messages_for_reply(history, speaker=speaker)
            assert estimate_tokens(msgs) <= MAX_PROMPT_TOKENS
            assert len(msgs) >= 2  # some history always fits


def test_system_prefix_is_identical_across_turns(scenario: Scenario) -> None:
    e = PersonaEngine(scenario)
    history: list[dict[str, object]] = []
    systems = []
    for i, acts in enumerate([{"command"}, {"threat"}, {"emotion_label"}, {"reflection_complex"}]):
        history.append({"speaker": "officer", "text": f"line {i}"})
        e.officer_turn(acts, t=10.0 * i)
        if i == 2:
            e.apply_inject(next(iter(scenario.injects)), t=25.0)
        systems.append(e.messages_for_reply(history)[0]["content"])
        history.append({"speaker": "subject", "text": f"reply {i}"})
    stable = PromptBuilder(scenario).persona_prompt()
    assert all(s.startswith(stable + "\n\n") for s in systems)
    assert len({s[len(stable) :] for s in systems}) > 1  # the state tail does change
    assert scenario.subject.name in stable and "agitation" not in stable


def test_state_comes_last(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    system = e.messages_for_reply([])[0]["content"]
    tail = system.rsplit("\n\n", 1)[1]
    assert tail.startswith(f"Right now: {e.state.stage}, agitation {round(e.state.agitation)}/100.")
    assert overpass.stages.get(e.state.stage).directive in tail


def test_hard_rules_are_in_every_prompt(scenario: Scenario) -> None:
    builder = PromptBuilder(scenario)
    for speaker in scenario.speakers:
        head = builder.persona_prompt(speaker)
        assert "stay in character" in head
        assert "one to three short spoken sentences" in head
        assert "No narration" in head
        assert "Never describe ways to hurt yourself" in head


def test_history_roles_and_bound(overpass: Scenario) -> None:
    builder = PromptBuilder(overpass, max_history_turns=4)
    e = PersonaEngine(overpass)
    history = [
        {"speaker": "officer" if i % 2 == 0 else "subject", "text": f"t{i}"} for i in range(10)
    ]
    msgs = builder.messages(history, state=e.state)
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert [m["content"] for m in msgs[1:5]] == ["t6", "t7", "t8", "t9"]
    assert msgs[-1]["content"] == "Hello?"  # a reply always answers a user message


def test_multi_character_history_is_labelled(coresponder: Scenario) -> None:
    e = PersonaEngine(coresponder)
    history = [
        {"speaker": "officer", "text": "Sam, this is Dana."},
        {"speaker": "clinician", "text": "Hi Sam, I'm Dana."},
    ]
    subject = e.messages_for_reply(history, speaker="subject")
    assert subject[1:] == [
        {"role": "user", "content": "Officer: Sam, this is Dana.\nDana: Hi Sam, I'm Dana."}
    ]
    clinician = e.messages_for_reply(history, speaker="clinician")
    assert [m["role"] for m in clinician[1:]] == ["user", "assistant", "user"]
    assert clinician[0]["content"].startswith("You are Dana Reyes")


@pytest.mark.parametrize("stage", STAGES)
def test_directive_per_stage(overpass: Scenario, stage: str) -> None:
    assert overpass.stages.get(stage).directive
