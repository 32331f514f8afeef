"""ASR while the officer speaks: each finished sentence is transcribed at the pause after it.

At every pause (the endpointer's ``silence_start``) a pass starts over the speech since the last
kept pass, with the words heard before it as Whisper's context. If the officer goes on after a
finished sentence ("Take your time. | I'm staying right here."), that pass is kept as the
utterance's words so far, and when the turn ends only what came after it is left to transcribe.
After a pause mid-sentence ("I want to | help you") the pass is dropped: a fragment heard without
the words after it is often misheard ("I want it"), so the next pass takes the sentence whole.
When the officer goes on before the pass is in (a long first sentence takes longer to transcribe
than a short pause lasts), the pass runs on and its own words decide, once in, whether it is kept.
Each pass keeps the ASR's guards (loop trimming, plausibility, full-window redo).
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


@dataclass(frozen=True)
class _Kept:
    """The words kept so far and the sample they reach (none yet: the utterance's start)."""

    words: Transcription | None
    end: int


async def _after(
    asr: WhisperASR, kept: Awaitable[_Kept] | None, audio: FloatPCM, start: int, pad: int
) -> Transcription:
    """The words kept (once settled), then what ``audio`` (from ``start``) holds after them."""
    prior = await kept if kept is not None else None
    if prior is None or prior.words is None:
        return await asr.transcribe(audio)
    begin = prior.end + pad - start  # from the pause on: no word in both
    heard = await asr.transcribe(audio[begin:], prior.words.text)
    return Transcription(
        f"{prior.words.text} {heard.text}".strip(),
        prior.words.audio_s + heard.audio_s,
        min(prior.words.no_speech_prob, heard.no_speech_prob),
    )


async def _settle(
    latest: _Pass,
    before: Awaitable[_Kept] | None,
    keep: bool | None,
    ends_sentence: Callable[[str], bool],
    start: int,
) -> _Kept:
    """The pause's pass if it is kept (``keep``, or its words end a sentence), else what was
    kept before it (a failed pass is not kept: the next pass hears its stretch again)."""
    await asyncio.wait([latest.task])  # its outcome, without raising it: this task may be cancelled
    task = latest.task
    heard = None if task.cancelled() or task.exception() is not None else task.result()
    if heard is not None and (keep or ends_sentence(heard.text)):
        return _Kept(heard, latest.end)
    return await before if before is not None else _Kept(None, start)


class Listening:
    """The speculative transcription of one utterance (``segments=False``: whole at each pause).

    ``ends_sentence`` says whether a pass's words end a finished sentence, for a pass the
    officer went on after before it was in.
    """

    def __init__(
        self,
        asr: WhisperASR,
        spawn: Spawn,
        *,
        segments: bool = True,
        ends_sentence: Callable[[str], bool] = lambda text: False,
    ) -> None:
        self._asr = asr
        self._spawn = spawn
        self._segments = segments
        self._ends_sentence = ends_sentence
        self._start = 0
        self._kept: asyncio.Task[_Kept] | None = None  # the words up to the last kept pause
        self._latest: _Pass | None = None  # the pass of the pause in progress

    def pause(
        self, audio: Callable[[int, int], FloatPCM], start: int, voice_end: int, pad: int
    ) -> asyncio.Task[Transcription]:
        """A pause began at ``voice_end``: transcribe what is new since the last kept pass."""
        self._start = start
        kept = self._kept if self._segments else None
        coro = _after(self._asr, kept, audio(start, voice_end + pad), start, pad)
        task: asyncio.Task[Transcription] = self._spawn(coro, "asr-speculative", report=False)
        self._latest = _Pass(task, voice_end)
        return task

    def resume(self, *, keep: bool | None) -> None:
        """The officer went on: keep the pause's pass as the words so far (``keep``: after a
        finished sentence, with segments on), drop it (False), or let its words decide once in
        (None)."""
        latest, self._latest = self._latest, None
        if latest is None:
            return
        if self._segments and keep is not False:
            if keep or not latest.task.done() or self._keeps(latest.task):
                settle = _settle(latest, self._kept, keep, self._ends_sentence, self._start)
                self._kept = self._spawn(settle, "asr-kept", report=False)
                return
        latest.task.cancel()  # dropped unstarted if still queued

    def _keeps(self, task: asyncio.Task[Transcription]) -> bool:
        """Whether a finished pass's words end a sentence (a failed one is not kept)."""
        if task.cancelled() or task.exception() is not None:
            return False
        return self._ends_sentence(task.result().text)

    @property
    def pending(self) -> asyncio.Task[Transcription] | None:
        """The pass of the pause in progress, if any."""
        return self._latest.task if self._latest is not None else None

    def at(self, voice_end: int) -> asyncio.Task[Transcription] | None:
        """The pass covering the utterance up to ``voice_end``, if one was started there."""
        latest = self._latest
        return latest.task if latest is not None and latest.end == voice_end else None
