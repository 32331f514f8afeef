"""The subject's voices: authored lines (cached ahead), and the LLM grounded in them."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
import yaml

from appliance.engine import Engine
from appliance.inference.speech_cache import SpeechCache
from appliance.persona.lines import prepare
from appliance.persona.scenario import Scenario, load_scenario_file
from appliance.persona.voice import voice_for
from appliance.turn.conversation import Conversation
from appliance.turn.events import Event, SpeechStart
from appliance.turn.timeline import TurnTimeline
from appliance.turn.turn import BufferOutput, TurnRunner
from tests.persona.test_dialogue_bank import BANK, card_with

NAME_LINES = {"Elliot.", "It's Elliot.", "Elliot. Just Elliot."}


@pytest.fixture
def card(tmp_path: Path) -> Scenario:
    path = tmp_path / "overpass_voices.yaml"
    path.write_text(yaml.safe_dump(card_with(copy.deepcopy(BANK)), sort_keys=False))
    return load_scenario_file(path)


async def _turn(
    engine: Engine, card: Scenario, text: str
) -> tuple[Conversation, list[Event], TurnTimeline]:
    assert engine.analyzer is not None
    prepare(card, engine.analyzer.encoder)
    conversation = Conversation(
        card, engine.analyzer, session_id="voices", officer={"id": "o", "name": "O"}
    )
    conversation.officer_turn(text, start=0.0, end=2.0)
    events: list[Event] = []
    timeline = TurnTimeline()
    timeline.mark("asr_done")
    await TurnRunner(engine, conversation, events.append, lambda: 3.0).reply(
        timeline, BufferOutput()
    )
    return conversation, events, timeline


def _files(folder: Path) -> list[Path]:
    return list(folder.rglob("*.npy"))


def spoken(events: list[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, SpeechStart)]


async def test_the_authored_voice_speaks_the_chosen_line_without_an_llm(
    engine: Engine, card: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_llm(*args: object, **kwargs: object) -> AsyncIterator[str]:
        raise AssertionError("the authored voice must not call the LLM")
        yield ""  # pragma: no cover

    assert engine.llm is not None
    monkeypatch.setattr(engine.llm, "stream_chat", no_llm)
    conversation, events, timeline = await _turn(engine, card, "uh so what's your name man")
    assert spoken(events)[0] in NAME_LINES
    assert conversation.turns[-1].text in NAME_LINES
    assert timeline.first("llm_request") is None and "reply_text" in timeline.stages_ms()


def test_the_llm_prompt_is_grounded_in_the_authored_line(engine: Engine, card: Scenario) -> None:
    assert engine.analyzer is not None
    prepare(card, engine.analyzer.encoder)
    conversation = Conversation(
        card, engine.analyzer, session_id="g", officer={"id": "o", "name": "O"}
    )
    conversation.officer_turn("what's your name", start=0.0, end=1.0)
    plan = next(conversation.reply_plans())
    assert plan.authored.topic == "name"
    state = [m["content"] for m in plan.messages if m["role"] == "system"][-1]
    assert plan.authored.text in state and "close to" in state


async def test_an_off_character_llm_reply_gives_way_to_the_authored_line(
    engine: Engine, card: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def assistant(*args: object, **kwargs: object) -> AsyncIterator[str]:
        for delta in ("As an AI language model, ", "I can't role-play that. ", "How can I help?"):
            yield delta

    assert engine.llm is not None
    monkeypatch.setattr(engine, "voice", "llm")
    monkeypatch.setattr(engine.llm, "stream_chat", assistant)
    _, events, timeline = await _turn(engine, card, "what's your name")
    assert timeline.first("llm_fallback") is not None
    assert spoken(events)[0] in NAME_LINES


async def test_a_late_llm_gives_way_to_the_authored_line_within_the_budget(
    engine: Engine, card: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow(*args: object, **kwargs: object) -> AsyncIterator[str]:
        await asyncio.sleep(5.0)
        yield "Elliot. My name is Elliot."

    assert engine.llm is not None
    persona = engine.settings.persona.model_copy(update={"llm_first_sentence_ms": 150})
    monkeypatch.setattr(engine, "voice", "llm")
    monkeypatch.setattr(engine, "settings", engine.settings.model_copy(update={"persona": persona}))
    monkeypatch.setattr(engine.llm, "stream_chat", slow)
    loop = asyncio.get_running_loop()
    started = loop.time()
    _, events, timeline = await _turn(engine, card, "what's your name")
    assert loop.time() - started < 4.0  # the LLM was not waited for
    assert timeline.first("llm_fallback") is not None and spoken(events)[0] in NAME_LINES


async def test_the_llm_voice_with_the_bundled_stand_in_server(
    engine: Engine, card: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    persona = engine.settings.persona.model_copy(update={"llm_first_sentence_ms": 30000})
    monkeypatch.setattr(engine, "voice", "llm")
    monkeypatch.setattr(engine, "settings", engine.settings.model_copy(update={"persona": persona}))
    _, events, timeline = await _turn(engine, card, "Hi, I'm Officer Daniels. What's your name?")
    said = spoken(events)
    assert timeline.first("llm_request") is not None and timeline.first("llm_first_token")
    assert said and all(s.strip() for s in said)
    if timeline.first("llm_fallback") is None:  # the LLM's own words passed the filter
        assert not any("language model" in s.lower() for s in said)


async def test_the_speech_cache_keeps_lines_on_disk(engine: Engine, tmp_path: Path) -> None:
    assert engine.tts is not None
    card = load_scenario_file(Path("appliance/persona/scenarios/overpass_voices.yaml"))
    calm, peak = voice_for(card, "subject", "calm"), voice_for(card, "subject", "peak")
    first = SpeechCache(engine.tts, tmp_path, "joe")
    a = await first.speak("Stay back. Please.", calm)
    assert first.misses == 1 and _files(tmp_path)
    again = SpeechCache(engine.tts, tmp_path, "joe")  # a restart: read from disk
    b = await again.speak("Stay back. Please.", calm)
    assert again.hits == 1 and again.misses == 0 and np.array_equal(a.pcm, b.pcm)
    assert first.key("Stay back. Please.", calm) != first.key("Stay back. Please.", peak)
    assert await again.warm([("Stay back. Please.", calm), ("Leave me alone.", peak)]) == 1
    assert await again.warm([("Leave me alone.", peak)]) == 0


async def test_a_full_disk_costs_the_cache_never_the_line(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert engine.tts is not None

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", full)
    cache = SpeechCache(engine.tts, tmp_path, "joe")
    speech = await cache.speak("Okay. Okay.", None)
    assert len(speech.pcm) > 0 and not _files(tmp_path)


async def test_lines_in_memory_stay_within_their_budget(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert engine.tts is not None
    cache = SpeechCache(engine.tts, tmp_path, "joe")
    first = await cache.speak("Leave me alone.", None)
    monkeypatch.setattr("appliance.inference.speech_cache.MEMORY_BYTES", first.pcm.nbytes * 2)
    for line in ("Stay back.", "I said stay back.", "Why are you here?"):
        await cache.speak(line, None)
        assert cache.memory_bytes <= first.pcm.nbytes * 2
    again = await cache.speak("Leave me alone.", None)  # dropped from memory, read from disk
    assert np.array_equal(first.pcm, again.pcm) and cache.misses == 4
