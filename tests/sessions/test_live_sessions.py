"""End to end on loopback: the appliance and the reference client, real models, real WebRTC."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import numpy as np
import pytest

from appliance.audio.frames import SAMPLE_RATE, rms_dbfs
from appliance.discovery import browse
from appliance.engine import Engine
from appliance.errors import LLMError, TTSError
from appliance.settings import Settings
from headset_client import HeadsetClient
from headset_client.client import TurnError

Speak = Callable[[str], np.ndarray]
OFFICER = {"id": "badge-7", "name": "Officer Daniels"}
LINES = [
    (
        "Hi, I'm Officer Daniels with the police department. What's your name?",
        ("officer", "daniels", "name"),
    ),
    (
        "I can see you're really upset. Can you tell me what's going on tonight?",
        ("upset", "going on"),
    ),
    ("Take your time. I'm staying right here with you.", ("take your time", "staying")),
]


def said(text: str, *keys: str) -> bool:
    low = text.lower()
    return all(k in low for k in keys)


async def test_a_conversation_of_several_turns(
    app_url: str, device_token: str, speak: Speak
) -> None:
    async with HeadsetClient(
        app_url, officer=OFFICER, scenario_id="overpass_voices", token=device_token
    ) as client:
        for text, keys in LINES:
            await client.say(speak(text), SAMPLE_RATE)
            reply = await client.wait_reply(timeout_s=120)
            assert said(reply.heard, *keys), reply.heard
            assert reply.text.strip(), reply.events
            assert rms_dbfs(reply.audio) > -40.0
            assert reply.latency_ms > 0 and reply.stages_ms.get("total", 0) > 0
            # the speculative transcript is captioned before the endpoint confirms it
            partials = [e.data["text"] for e in reply.events if e.type == "transcript.partial"]
            assert partials and said(partials[-1], *keys), reply.events
            states = [e for e in reply.events if e.type == "persona.state"]
            assert states and 0 <= states[-1].data["agitation"] <= 100
        transcript = await client.transcript()
        await client.end()
        ended = await client.wait_event("session.ended", 10)
        assert ended.data["outcome"] == "ended"
    turns = transcript["turns"]
    officer = [t for t in turns if t["speaker"] == "officer"]
    subject = [t for t in turns if t["speaker"] == "subject"]
    assert len(officer) == 3 and len(subject) >= 3
    for (_text, keys), turn in zip(LINES, officer, strict=True):
        assert said(turn["text"], *keys)
        assert turn["features"]["words_per_minute"] > 0
    starts = [t["start"] for t in turns]
    assert starts == sorted(starts) and all(0 <= t["start"] <= t["end"] for t in turns)
    assert transcript["state_timeline"] and len(transcript["timings"]) == 3


async def test_barge_in_stops_the_subject_then_the_next_turn_works(
    app_url: str, device_token: str, speak: Speak
) -> None:
    long_question = speak(
        "Tell me everything that happened to you today, from the moment you woke up."
    )
    async with HeadsetClient(
        app_url, officer=OFFICER, scenario_id="bar_intoxicated", token=device_token
    ) as client:
        await client.say(long_question, SAMPLE_RATE)
        await client.wait_event("persona.speech.start", 120, after=client.events[-1].received_at)
        await asyncio.sleep(0.1)  # the subject is audibly talking now (an authored line is short)
        result = await client.barge_in(
            speak("Sorry to cut you off, I hear you, go on."), SAMPLE_RATE
        )
        assert result.stop_after_event_ms is not None
        assert result.stop_after_event_ms <= 200.0, result
        reply = await client.wait_reply(timeout_s=120)
        assert reply.text.strip() and rms_dbfs(reply.audio) > -40.0
        transcript = await client.transcript()
    interrupted = [t for t in transcript["turns"] if t.get("interrupted")]
    assert {t["speaker"] for t in interrupted} == {"subject", "officer"}


async def test_short_backchannel_does_not_interrupt(
    app_url: str, device_token: str, speak: Speak
) -> None:
    async with HeadsetClient(app_url, officer=OFFICER, token=device_token) as client:
        await client.say(speak("Can you tell me what's been going on for you lately?"), SAMPLE_RATE)
        await client.wait_event("persona.speech.start", 120, after=client.events[-1].received_at)
        mm = speak("Mm.")
        loud = np.flatnonzero(np.abs(mm) > 0.02)
        mm = mm[loud[0] : loud[-1] + 1]
        assert len(mm) / SAMPLE_RATE * 1000 < 400  # shorter than barge_in_min_ms
        await client.say(mm, SAMPLE_RATE)
        await asyncio.sleep(1.5)
        assert not client.events_of("barge_in")


async def test_two_sessions_at_once(app_url: str, device_token: str, speak: Speak) -> None:
    async def one(name: str, scenario: str, text: str) -> tuple[str, str]:
        async with HeadsetClient(
            app_url, officer={"id": name, "name": name}, scenario_id=scenario, token=device_token
        ) as c:
            await c.say(speak(text), SAMPLE_RATE)
            reply = await c.wait_reply(timeout_s=180)
            transcript = await c.transcript()
        assert rms_dbfs(reply.audio) > -40.0
        return reply.heard, transcript["scenario_id"]

    a, b = await asyncio.gather(
        one(
            "officer-a",
            "store_disorderly",
            "Ma'am, I'm Officer Reyes. Can you tell me what happened here?",
        ),
        one(
            "officer-b",
            "traffic_stop_filming",
            "Good evening sir, I stopped you because your tail light is out.",
        ),
    )
    assert said(a[0], "officer", "happened") and a[1] == "store_disorderly"
    assert said(b[0], "tail light") and b[1] == "traffic_stop_filming"


async def test_discovery_finds_the_running_appliance(
    app_url: str, device_token: str, settings: Settings
) -> None:
    found = await browse(timeout_s=5.0, room=settings.appliance.room, interfaces=["127.0.0.1"])
    mine = [f for f in found if f.port == int(app_url.rsplit(":", 1)[1])]
    assert mine, found
    props = mine[0].properties
    assert {"api", "ver", "room", "tls", "cap"} <= set(props)
    assert props["api"] == "/api" and props["room"] == settings.appliance.room
    free = int(props["cap"])
    async with HeadsetClient(app_url, officer=OFFICER, token=device_token):
        for _ in range(20):
            again = await browse(
                timeout_s=2.0, room=settings.appliance.room, interfaces=["127.0.0.1"]
            )
            caps = [int(f.properties["cap"]) for f in again if f.port == mine[0].port]
            if caps and caps[0] == free - 1:
                break
            await asyncio.sleep(0.5)
        assert caps == [free - 1]


@pytest.mark.parametrize("stage", ["llm", "tts"])
async def test_a_failing_stage_fails_the_turn_not_the_session(
    app_url: str,
    device_token: str,
    engine: Engine,
    speak: Speak,
    monkeypatch: pytest.MonkeyPatch,
    stage: str,
) -> None:
    failures = {"n": 0}

    async def broken_llm(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        failures["n"] += 1
        raise LLMError("LLM server at test failed: injected")
        yield ""  # pragma: no cover

    async def broken_tts(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        failures["n"] += 1
        raise TTSError("speech synthesis failed: injected")

    async with HeadsetClient(app_url, officer=OFFICER, token=device_token) as client:
        with monkeypatch.context() as m:
            if stage == "llm":
                m.setattr(engine, "voice", "llm")  # the LLM voices the subject
                m.setattr(engine.llm, "stream_chat", broken_llm)
            else:
                m.setattr(engine, "speech", None)  # no line cached ahead: Piper speaks each
                m.setattr(engine.tts, "synthesize", broken_tts)
            await client.say(speak("Hello, can you hear me?"), SAMPLE_RATE)
            with pytest.raises(TurnError) as err:
                await client.wait_reply(timeout_s=120)
        assert err.value.code == f"{stage}_failed" and failures["n"] >= 1
        assert len(client.events_of("error")) == 1
        await client.say(speak("I'm Officer Daniels. Are you safe right now?"), SAMPLE_RATE)
        reply = await client.wait_reply(timeout_s=120)
        assert reply.text.strip()
        transcript = await client.transcript()
    assert [t["speaker"] for t in transcript["turns"]].count("officer") == 2


async def test_client_vanishing_mid_reply_keeps_the_transcript(
    app_url: str, device_token: str, speak: Speak
) -> None:
    async with HeadsetClient(app_url, officer=OFFICER, token=device_token) as client:
        sid = client.session.session_id if client.session else ""
        await client.say(speak("Hi, I'm Officer Daniels. What's your name?"), SAMPLE_RATE)
        await client.wait_event("persona.speech.start", 120, after=client.events[-1].received_at)
        await client.drop()
        import httpx

        async with httpx.AsyncClient(
            base_url=app_url, headers={"Authorization": f"Bearer {device_token}"}
        ) as api:
            for _ in range(120):
                body = (await api.get(f"/api/sessions/{sid}/transcript")).json()
                if body.get("outcome"):
                    break
                await asyncio.sleep(0.5)
        assert body["outcome"] == "disconnected"
        assert any(
            t["speaker"] == "officer" and "daniels" in t["text"].lower() for t in body["turns"]
        )
        client.ended = body  # already over: nothing to DELETE
