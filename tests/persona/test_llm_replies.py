"""The real bundled LLM (SmolLM2-135M on llama.cpp) voicing each persona through the filter.

Asserts filter properties (short, speakable, in character), never wording.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from appliance.inference.llm_client import LLMClient
from appliance.inference.llm_server import LLMServer
from appliance.inference.models import bundled_llm
from appliance.persona.reply_filter import MAX_CHARS, MAX_SENTENCES
from appliance.persona.routing import SpokenLine
from appliance.persona.scenario import list_scenarios
from appliance.persona.subject import PersonaEngine
from appliance.settings import Settings
from tests.conftest import free_port

OPENER = "Hi, I'm Officer Daniels with the city police. What's going on today?"
_OUT_OF_CHARACTER = re.compile(r"\b(AI|assistant|language model|as an|role ?play)\b", re.I)


def check_reply(lines: list[SpokenLine], speakers: tuple[str, ...]) -> None:
    assert lines, "a reply always says something"
    for speaker in {ln.speaker for ln in lines}:
        assert speaker in speakers
        said = [ln.text for ln in lines if ln.speaker == speaker]
        assert 1 <= len(said) <= MAX_SENTENCES
        assert sum(len(s) + 1 for s in said) <= MAX_CHARS + 1
    for ln in lines:
        assert ln.text and any(ch.isalpha() for ch in ln.text)
        assert not re.search(r"[*\[\]()<>#`]", ln.text), ln.text
        assert not re.match(r"^\s*[A-Za-z][\w .'-]{0,30}:", ln.text), ln.text
        assert not _OUT_OF_CHARACTER.search(ln.text), ln.text
        assert all(ord(ch) < 0x2000 for ch in ln.text), ln.text


@pytest.mark.slow
async def test_bundled_llm_replies_pass_the_filter(settings: Settings, tmp_path: Path) -> None:
    cfg = settings.llm.model_copy(update={"port": free_port()})
    async with LLMServer(cfg, bundled_llm(), tmp_path / "llm.log") as server:
        client = LLMClient(server.base_url, cfg.served_name, max_tokens=60, seed=cfg.seed)
        try:
            for scenario in list_scenarios():
                for nudge in (0.0, 30.0):  # as dispatched, and pushed towards hostile
                    engine = PersonaEngine(scenario)
                    engine.nudge(nudge, t=0.0, reason="test")
                    history: list[dict[str, object]] = [{"speaker": "officer", "text": OPENER}]
                    for speaker in scenario.speakers:
                        f = engine.reply_filter(speaker)
                        lines: list[SpokenLine] = []
                        messages = engine.messages_for_reply(history, speaker=speaker)
                        async for delta in client.stream_chat(messages):
                            lines.extend(f.feed(delta))
                            if f.done:
                                break
                        lines.extend(f.finish())
                        check_reply(lines, scenario.speakers)
                        print(scenario.id, engine.state.stage, speaker, [ln.text for ln in lines])
                        history += [{"speaker": ln.speaker, "text": ln.text} for ln in lines]
        finally:
            await client.aclose()
