"""Officer utterances of varied length (about 1–8 s), synthesized with the bundled Piper voice."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import numpy as np

from appliance.audio.frames import SAMPLE_RATE, FloatPCM, int16_to_float, resample
from appliance.inference.models import resolve_models
from appliance.inference.tts import PiperTTS
from appliance.settings import Settings

# Realistic officer lines from crisis and de-escalation calls, short to long.
OFFICER_LINES: tuple[str, ...] = (
    "Can you hear me?",
    "Hey, I'm Officer Daniels.",
    "What's your name?",
    "Take your time. I'm staying right here.",
    "It sounds like you've had a really rough night.",
    "Are you thinking about hurting yourself right now?",
    "I can see you're upset. Can you tell me what's going on tonight?",
    "Nobody is in trouble here. I just want to make sure everybody is safe.",
    "Is there someone you trust, a friend or family member, that we could call for you?",
    "You said the voices get louder at night. What are they telling you right now, "
    "and how long has it been like this?",
    "Here's what I'd like to do. Let's step back from the railing together, and we'll sit "
    "down by my car and talk about getting you some help.",
    "I hear that you're exhausted and scared, and that makes sense. I'm not going anywhere. "
    "What would help you feel a little safer right now?",
)
# Spoken over the subject's reply to interrupt it (longer than the barge-in minimum).
BARGE_IN_LINE = "Sorry to cut you off, I hear you, go on and tell me more."
# Asked before the barge-in so the subject's reply is long enough to talk over.
OPEN_QUESTION = "Tell me everything that happened to you today, from the moment you woke up."


@dataclass(frozen=True)
class Utterance:
    """One synthesized officer line, 16 kHz mono float32."""

    text: str
    samples: FloatPCM
    sample_rate: int = SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class UtteranceSet:
    """The turn utterances plus the two lines of the barge-in exchange."""

    turns: tuple[Utterance, ...]
    open_question: Utterance
    barge_in: Utterance
    synth_s: float


async def synthesize_lines(
    settings: Settings, texts: tuple[str, ...] = OFFICER_LINES
) -> UtteranceSet:
    """Synthesize every line with the configured Piper voice (done before any measured run)."""
    paths = await asyncio.to_thread(resolve_models, settings)
    tts = PiperTTS(paths.tts_onnx, paths.tts_config, use_cuda=False)
    await tts.start()
    started = time.monotonic()

    async def speak(text: str) -> Utterance:
        speech = await tts.synthesize(text)
        pcm = resample(int16_to_float(speech.pcm), speech.sample_rate, SAMPLE_RATE)
        return Utterance(text, np.ascontiguousarray(pcm, dtype=np.float32))

    try:
        turns = tuple([await speak(t) for t in texts])
        return UtteranceSet(
            turns,
            await speak(OPEN_QUESTION),
            await speak(BARGE_IN_LINE),
            round(time.monotonic() - started, 2),
        )
    finally:
        await asyncio.to_thread(tts.close)
