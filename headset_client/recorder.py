"""Consume the subject's audio track to its end, keeping the audio and each frame's level."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from appliance.audio.frames import (
    Audio,
    FloatPCM,
    Int16PCM,
    float_to_int16,
    int16_to_float,
    resample,
    rms_dbfs,
    to_mono,
)
from headset_client.latency import FrameLevel

log = logging.getLogger(__name__)

RECORD_RATE = 48_000


def frame_to_mono(frame: AudioFrame, sample_rate: int = RECORD_RATE) -> FloatPCM:
    """A decoded audio frame (any layout, s16 or float) as mono float32 at ``sample_rate``."""
    data = frame.to_ndarray()
    channels = len(frame.layout.channels)
    interleaved = data.T if frame.format.is_planar else data.reshape(-1, channels)
    if interleaved.dtype == np.int16:
        samples = int16_to_float(interleaved.astype(np.int16))
    else:
        samples = interleaved.astype(np.float32)
    return resample(to_mono(samples), frame.sample_rate, sample_rate)


class Recorder:
    """Reads every frame of an inbound track as it arrives (a track nobody reads grows memory)."""

    def __init__(self, on_frame: Callable[[FrameLevel], None] | None = None) -> None:
        self.frames: list[FrameLevel] = []
        self._chunks: list[Int16PCM] = []
        self._length = 0
        self._on_frame = on_frame
        self._task: asyncio.Task[None] | None = None
        self.ended = asyncio.Event()

    def add(self, frame: AudioFrame, at: float | None = None) -> FrameLevel:
        """Record one frame received at ``at`` (monotonic seconds; now by default)."""
        mono = frame_to_mono(frame)
        level = FrameLevel(
            at=time.monotonic() if at is None else at,
            dbfs=rms_dbfs(mono),
            offset=self._length,
            length=len(mono),
        )
        self._chunks.append(float_to_int16(mono))
        self._length += len(mono)
        self.frames.append(level)
        if self._on_frame is not None:
            self._on_frame(level)
        return level

    def start(self, track: MediaStreamTrack) -> None:
        """Start consuming ``track`` in the background until it ends or ``stop`` is called."""
        if self._task is not None:
            raise RuntimeError("this recorder already consumes a track")
        self._task = asyncio.get_running_loop().create_task(self._consume(track))

    async def _consume(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                frame = await track.recv()
                if isinstance(frame, AudioFrame):
                    self.add(frame)
        except MediaStreamError:
            pass
        finally:
            self.ended.set()

    async def stop(self) -> None:
        """Stop consuming and wait for the consumer to finish."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task})

    def audio(self, start: int = 0, end: int | None = None) -> Audio:
        """The recording (or samples ``start:end`` of it) as 48 kHz mono float32."""
        if self._chunks and len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        pcm = self._chunks[0] if self._chunks else np.zeros(0, np.int16)
        return Audio(int16_to_float(pcm[start:end]), RECORD_RATE)
