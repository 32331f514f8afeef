"""One turn implementation: the same utterance gives the same events offline and over WebRTC."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from appliance.audio.frames import SAMPLE_RATE, write_wav
from appliance.converse import converse
from appliance.engine import Engine
from headset_client import HeadsetClient

Speak = Callable[[str], np.ndarray]
LINE = "Hi, I'm Officer Daniels with the police department. What's your name?"


def shape(types: Sequence[str]) -> list[str]:
    """A turn's event types from the officer's final transcript to its timing.

    Speculative captions exist only live, and the persona clock may send a state change while
    the subject talks; the subject's spoken lines (start/end pairs) count as one step.
    """
    first = types.index("transcript.final")
    out: list[str] = []
    for kind in types[first : types.index("turn.timing") + 1]:
        if kind == "transcript.partial" or (kind == "persona.state" and "persona.state" in out):
            continue
        kind = "lines" if kind.startswith("persona.speech.") else kind
        if out[-1:] != [kind] or kind != "lines":
            out.append(kind)
    return out


async def test_converse_and_a_live_session_run_the_same_turn(
    engine: Engine, app_url: str, device_token: str, speak: Speak, tmp_path: Path
) -> None:
    audio = speak(LINE)
    wav = tmp_path / "officer.wav"
    write_wav(wav, np.concatenate([np.zeros(SAMPLE_RATE // 2, np.float32), audio]), SAMPLE_RATE)
    offline = await converse(engine, wav, tmp_path / "reply.wav", scenario_id="overpass_voices")

    async with HeadsetClient(
        app_url,
        officer={"id": "badge-7", "name": "Officer Daniels"},
        scenario_id="overpass_voices",
        token=device_token,
    ) as client:
        await client.say(audio, SAMPLE_RATE)
        reply = await client.wait_reply(timeout_s=120)
        await client.end()

    expected = ["transcript.final", "persona.state", "lines", "transcript.final", "turn.timing"]
    assert shape([e["type"] for e in offline.events]) == expected, offline.events
    assert shape([e.type for e in reply.events]) == expected, [e.data for e in reply.events]
    officer_offline = offline.events[0]
    officer_live = next(e.data for e in reply.events if e.type == "transcript.final")
    assert officer_offline["speaker"] == officer_live["speaker"] == "officer"
    assert (
        "daniels" in officer_offline["text"].lower() and "daniels" in officer_live["text"].lower()
    )
