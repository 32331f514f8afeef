"""ASR while the officer speaks: a finished sentence before a pause is kept, only the rest is new;
after a pause mid-sentence the next pass takes the utterance whole."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import numpy as np
import pytest

from appliance.audio.frames import SAMPLE_RATE
from appliance.engine import Engine
from appliance.inference.asr import Transcription
from appliance.settings import Settings
from appliance.turn.listening import Listening
from benchmarks.asr_window import word_errors
from benchmarks.cut_in_set import AlignedVoice

pytestmark = pytest.mark.slow

PAD = SAMPLE_RATE * 96 // 1000


@pytest.fixture(scope="module")
def voice(settings: Settings) -> AlignedVoice:
    return AlignedVoice(settings)


class Recorder:
    """Spawns like a call, and keeps the length of audio each pass was given."""

    def __init__(self, engine: Engine) -> None:
        assert engine.asr is not None
        self.asr = engine.asr
        self.lengths: list[float] = []
        transcribe = self.asr.transcribe

        async def spy(samples: Any, before: str = "") -> Transcription:
            self.lengths.append(len(samples) / SAMPLE_RATE)
            return await transcribe(samples, before)

        self.spy = spy

    def spawn(self, coro: Awaitable[Any], name: str, *, report: bool = True) -> asyncio.Task[Any]:
        return asyncio.ensure_future(coro)


@pytest.mark.parametrize(("segments", "keep"), [(True, True), (True, False), (False, True)])
async def test_only_the_stretch_after_a_finished_sentence_is_new(
    engine: Engine,
    voice: AlignedVoice,
    segments: bool,
    keep: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = "Take your time.", "I'm staying right here with you."
    a, b = voice.speak(first)[0], voice.speak(second)[0]
    pause = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    audio = np.concatenate([a, pause, b, pause])
    recorder = Recorder(engine)
    monkeypatch.setattr(recorder.asr, "transcribe", recorder.spy)
    listening = Listening(recorder.asr, recorder.spawn, segments=segments)

    def clip(lo: int, hi: int) -> np.ndarray:
        return audio[lo:hi]

    kept = listening.pause(clip, 0, len(a), PAD)
    listening.resume(keep=keep)  # the officer went on after the first sentence
    end = len(a) + len(pause) + len(b)
    final = listening.pause(clip, 0, end, PAD)
    assert listening.at(end) is final and listening.at(end - 1) is None
    heard = await final
    assert word_errors(f"{first} {second}", heard.text) <= 1, heard
    if segments and keep:
        assert word_errors(first, (await kept).text) <= 1
        # the second pass heard the second sentence, not the whole utterance again
        assert recorder.lengths[-1] < (len(pause) + len(b) + PAD) / SAMPLE_RATE + 0.01
    else:
        assert kept.cancelled()
        assert recorder.lengths[-1] >= (end + PAD) / SAMPLE_RATE - 0.01
