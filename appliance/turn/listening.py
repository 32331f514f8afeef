"""ASR while the officer speaks: each finished sentence is transcribed at the pause after it.

At every pause (the endpointer's ``silence_start``) a pass starts over the speech since the last
kept pass, with the words heard before it as Whisper's context. If the officer goes on after a
finished sentence (the turn-end check said so: "Take your time. | I'm staying right here."), that
pass is kept as the utterance's words so far, and when the turn ends only what came after it is
left to transcribe. After a pause mid-sentence ("I want to | help you") the pass is dropped: a
fragment heard without the words after it is often misheard ("I want it"), so the next pass takes
the sentence whole. Each pass keeps the ASR's guards (loop trimming, plausibility, full-window
redo).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from appliance.audio.frames import FloatPCM
from appliance.inference.asr import Transcription, WhisperASR

Spawn = Callable[..., "asyncio.Task[Any]"]


@dataclass(frozen=True)
class _Pass:
    """A transcription of the utterance from its start to the voice end of one pause."""

    task: asyncio.Task[Transcription]
    end: int  # absolute sample where the voice stopped at that pause


async def _after(
    asr: WhisperASR, before: Awaitable[Transcription] | None, audio: FloatPCM
) -> Transcription:
    """The words before (once heard) followed by this stretch's."""
    prior = await before if before is not None else None
    heard = await asr.transcribe(audio, prior.text if prior else "")
    if prior is None:
        return heard
    return Transcription(
        f"{prior.text} {heard.text}".strip(),
        prior.audio_s + heard.audio_s,
        min(prior.no_speech_prob, heard.no_speech_prob),
    )


class Listening:
    """The speculative transcription of one utterance (``segments=False``: whole at each pause)."""

    def __init__(self, asr: WhisperASR, spawn: Spawn, *, segments: bool = True) -> None:
        self._asr = asr
        self._spawn = spawn
        self._segments = segments
        self._kept: _Pass | None = None  # the words up to the last pause the officer went on after
        self._latest: _Pass | None = None  # the pass of the pause in progress

    def pause(
        self, audio: Callable[[int, int], FloatPCM], start: int, voice_end: int, pad: int
    ) -> asyncio.Task[Transcription]:
        """A pause began at ``voice_end``: transcribe what is new since the last kept pass."""
        kept = self._kept if self._segments else None
        begin = kept.end + pad if kept is not None else start  # the pause: no word in both
        coro = _after(self._asr, kept.task if kept else None, audio(begin, voice_end + pad))
        task: asyncio.Task[Transcription] = self._spawn(coro, "asr-speculative", report=False)
        self._latest = _Pass(task, voice_end)
        return task

    def resume(self, *, keep: bool) -> None:
        """The officer went on: keep the pause's pass as the words so far (after a finished
        sentence, with segments on), or drop it."""
        latest, self._latest = self._latest, None
        if latest is None:
            return
        if self._segments and keep:
            self._kept = latest
        else:
            latest.task.cancel()  # dropped unstarted if still queued

    @property
    def pending(self) -> asyncio.Task[Transcription] | None:
        """The pass of the pause in progress, if any."""
        return self._latest.task if self._latest is not None else None

    def at(self, voice_end: int) -> asyncio.Task[Transcription] | None:
        """The pass covering the utterance up to ``voice_end``, if one was started there."""
        latest = self._latest
        return latest.task if latest is not None and latest.end == voice_end else None
