from __future__ import annotations

import pytest

from appliance.persona.prompt import MAX_PROMPT_TOKENS, PromptBuilder, estimate_tokens, window_start
from appliance.persona.scenario import Scenario
from appliance.persona.subject import PersonaEngine
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


def test_each_prompt_extends_the_previous_one(scenario: Scenario) -> None:
    """Each prompt is the previous one plus the reply, the new line and the new state: the LLM's
    prefix cache holds, and the server reads only those."""
    e = PersonaEngine(scenario)
    history: list[dict[str, object]] = []
    prompts = []
    for i in range(12):
        acts = [{"command"}, {"threat"}, {"emotion_label"}, {"reflection_complex"}][i % 4]
        history.append({"speaker": "officer", "text": f"officer line {i}"})
        e.officer_turn(acts, t=10.0 * i)
        if i == 2:
            e.apply_inject(next(iter(scenario.injects)), t=25.0)
        prompts.append(e.messages_for_reply(history, examples=[f"authored {i}"]))
        history.append({"speaker": "subject", "text": f"subject reply {i}"})
    stable = PromptBuilder(scenario).persona_prompt()
    assert all(p[0] == {"role": "system", "content": stable} for p in prompts)
    assert scenario.subject.name in stable and "agitation" not in stable
    assert len({p[-1]["content"] for p in prompts}) > 1  # the state does change
    assert all(p[-1]["role"] == "system" and p[-2]["role"] == "user" for p in prompts)
    kept = sum(
        after[: len(before)] == before for before, after in zip(prompts, prompts[1:], strict=False)
    )
    assert kept >= 9  # the history window jumps now and then, not on every turn


def test_the_stage_directive_comes_again_only_when_the_stage_changes(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    history: list[dict[str, object]] = [{"speaker": "officer", "text": "Hi."}]
    first = e.messages_for_reply(history)[-1]["content"]
    directive = overpass.stages.get(e.state.stage).directive
    assert directive in first
    history += [{"speaker": "subject", "text": "Go away."}, {"speaker": "officer", "text": "Ok."}]
    same = e.messages_for_reply(history)
    assert e.state.stage in same[-1]["content"] and directive not in same[-1]["content"]
    assert same[2] == {"role": "system", "content": first}  # the first note, kept as sent
    e.apply_inject("leans_over", t=5.0)  # → hostile
    history += [{"speaker": "subject", "text": "No."}, {"speaker": "officer", "text": "Hey."}]
    changed = e.messages_for_reply(history)[-1]["content"]
    assert overpass.stages.get("hostile").directive in changed


def test_the_window_moves_seldom_when_the_prompt_is_full(scenario: Scenario) -> None:
    """Long lines fill the token budget: the history still moves in whole steps, not per turn."""
    e = PersonaEngine(scenario)
    history: list[dict[str, object]] = []
    firsts = []
    for i in range(24):
        history.append({"speaker": "officer", "text": f"officer {i} {LONG}"})
        msgs = e.messages_for_reply(history)
        assert estimate_tokens(msgs) <= MAX_PROMPT_TOKENS
        firsts.append(msgs[1]["content"])
        history.append({"speaker": "subject", "text": f"subject {i} {LONG}"})
    moves = sum(a != b for a, b in zip(firsts, firsts[1:], strict=False))
    assert 0 < moves <= len(firsts) // 2


def test_state_comes_after_the_last_line(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    msgs = e.messages_for_reply([{"speaker": "officer", "text": "Hey there."}])
    assert [m["role"] for m in msgs] == ["system", "user", "system"]
    state = msgs[-1]["content"]
    level = round(e.state.agitation)
    assert state.startswith(f"Right now: {e.state.stage}, agitation {level}/100.")
    assert overpass.stages.get(e.state.stage).directive in state
    assert msgs[-2]["content"] == "Hey there."


def test_history_window_moves_in_steps() -> None:
    assert [window_start(n, 8) for n in (0, 8, 9, 12, 13, 16, 17)] == [0, 0, 4, 4, 8, 8, 12]


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
    roles = [m["role"] for m in msgs]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user", "system"]
    assert [m["content"] for m in msgs[1:5]] == ["t6", "t7", "t8", "t9"]
    assert msgs[-2]["content"] == "Hello?"  # a reply always answers a user message


def test_multi_character_history_is_labelled(coresponder: Scenario) -> None:
    e = PersonaEngine(coresponder)
    history = [
        {"speaker": "officer", "text": "Sam, this is Dana."},
        {"speaker": "clinician", "text": "Hi Sam, I'm Dana."},
    ]
    subject = e.messages_for_reply(history, speaker="subject")
    assert subject[-2] == {
        "role": "user",
        "content": "Officer: Sam, this is Dana.\nDana: Hi Sam, I'm Dana.",
    }
    assert [m["role"] for m in subject] == ["system", "user", "system"]
    clinician = e.messages_for_reply(history, speaker="clinician")
    assert [m["role"] for m in clinician[1:]] == ["user", "assistant", "user", "system"]
    assert clinician[0]["content"].startswith("You are Dana Reyes")


@pytest.mark.parametrize("stage", STAGES)
def test_directive_per_stage(overpass: Scenario, stage: str) -> None:
    assert overpass.stages.get(stage).directive
