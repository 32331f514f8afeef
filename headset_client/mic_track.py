"""The headset's microphone: an audio track pacing 20 ms frames in real time, silence when idle."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from appliance.audio.frames import FloatPCM, Int16PCM, float_to_int16, resample
from headset_client.latency import SILENCE_DBFS, voiced_end

MIC_RATE = 48_000
FRAME_SAMPLES = 960  # 20 ms at 48 kHz
MAX_LAG_S = 0.2  # further behind than this (a stalled loop), re-anchor instead of bursting


@dataclass(frozen=True)
class Utterance:
    """When one utterance left the microphone (monotonic seconds)."""

    started_at: float
    voiced_end_at: float
    ended_at: float
    duration_s: float


@dataclass(eq=False)
class Playback:
    """An utterance queued on the microphone; ``started`` and ``done`` resolve as it is sent."""

    pcm: Int16PCM
    voiced_end: int
    started: asyncio.Future[float]
    done: asyncio.Future[Utterance]
    offset: int = 0
    voiced_end_at: float | None = field(default=None)

    def send(self, out: Int16PCM, at: int, now: float) -> int:
        """Copy the next samples into ``out[at:]`` for a frame sent at ``now``; return how many."""
        if not self.started.done():
            self.started.set_result(now)
        take = min(len(out) - at, len(self.pcm) - self.offset)
        out[at : at + take] = self.pcm[self.offset : self.offset + take]
        if self.offset < self.voiced_end <= self.offset + take:
            self.voiced_end_at = now
        self.offset += take
        if self.offset >= len(self.pcm) and not self.done.done():
            started = self.started.result()
            self.done.set_result(
                Utterance(
                    started_at=started,
                    voiced_end_at=self.voiced_end_at if self.voiced_end_at is not None else now,
                    ended_at=now,
                    duration_s=len(self.pcm) / MIC_RATE,
                )
            )
        return take


class MicTrack(MediaStreamTrack):
    """Sends queued utterances as 48 kHz mono s16 frames paced by timestamp; silence in between."""

    kind = "audio"

    def __init__(self, threshold_dbfs: float = SILENCE_DBFS) -> None:
        super().__init__()
        self._threshold = threshold_dbfs
        self._queue: deque[Playback] = deque()
        self._start: float | None = None
        self._pts = 0

    def play(self, samples: FloatPCM, sample_rate: int) -> Playback:
        """Queue one utterance (mono float32, any rate) to be sent after anything already queued."""
        if self.readyState != "live":
            raise MediaStreamError("the microphone track has ended")
        if len(samples) == 0:
            raise ValueError("an utterance needs at least one sample")
        mono = resample(np.asarray(samples, dtype=np.float32), sample_rate, MIC_RATE)
        end = voiced_end(mono, MIC_RATE, self._threshold)
        loop = asyncio.get_running_loop()
        playback = Playback(
            pcm=float_to_int16(mono),
            voiced_end=len(mono) if end is None else end,
            started=loop.create_future(),
            done=loop.create_future(),
        )
        self._queue.append(playback)
        return playback

    @property
    def busy(self) -> bool:
        """Whether an utterance is queued or being sent."""
        return bool(self._queue)

    async def _pace(self) -> None:
        if self._start is None:
            self._start = time.monotonic()
            return
        self._pts += FRAME_SAMPLES
        delay = self._start + self._pts / MIC_RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -MAX_LAG_S:
            self._start -= delay

    def next_frame(self, now: float) -> AudioFrame:
        """Build the frame due now from the queue (silence where nothing is queued)."""
        pcm = np.zeros(FRAME_SAMPLES, dtype=np.int16)
        filled = 0
        while filled < FRAME_SAMPLES and self._queue:
            playback = self._queue[0]
            filled += playback.send(pcm, filled, now)
            if playback.done.done():
                self._queue.popleft()
        frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = MIC_RATE
        frame.pts = self._pts
        frame.time_base = Fraction(1, MIC_RATE)
        return frame

    async def recv(self) -> AudioFrame:
        """The next 20 ms frame, released at its real-time due moment."""
        if self.readyState != "live":
            raise MediaStreamError
        await self._pace()
        return self.next_frame(time.monotonic())

    def stop(self) -> None:
        """End the track; utterances not yet sent fail."""
        while self._queue:
            playback = self._queue.popleft()
            for future in (playback.started, playback.done):
                if not future.done():
                    future.set_exception(MediaStreamError("the microphone track ended"))
                    future.exception()  # mark retrieved: nobody may be waiting on it
        super().stop()
