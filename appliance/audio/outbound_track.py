"""Outbound audio track: 20 ms frames paced by timestamp, queued speech or silence, quick flush."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from appliance.audio.frames import Int16PCM
from appliance.audio.pacing import FRAME, RATE, FramePacer, s16_frame

Callback = Callable[[], None]


@dataclass
class _Clip:
    pcm: Int16PCM
    pos: int
    on_start: Callback | None
    on_end: Callback | None


class PacedAudioTrack(MediaStreamTrack):
    """Plays queued clips in order; silence when idle. Only the clips are buffered, so a flush
    silences the voice from the next 20 ms frame on."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._clips: deque[_Clip] = deque()
        self._pacer = FramePacer()
        self._silence = np.zeros(FRAME, dtype=np.int16)
        self._idle = asyncio.Event()
        self._idle.set()
        self.frames_sent = 0
        self.on_frame: Callable[[Int16PCM], None] | None = None  # sees each frame as it leaves

    @property
    def speaking(self) -> bool:
        """Whether speech is queued or playing."""
        return bool(self._clips)

    @property
    def queued_s(self) -> float:
        """Seconds of speech left to play."""
        return sum(len(c.pcm) - c.pos for c in self._clips) / RATE

    def play(
        self, pcm: Int16PCM, *, on_start: Callback | None = None, on_end: Callback | None = None
    ) -> None:
        """Queue 48 kHz mono int16 speech.

        ``on_start``/``on_end`` fire as its first/last frame goes out.
        """
        if len(pcm):
            self._clips.append(_Clip(pcm, 0, on_start, on_end))
            self._idle.clear()

    async def wait_idle(self) -> None:
        """Return once everything queued has been played (or flushed)."""
        await self._idle.wait()

    def flush(self) -> float:
        """Drop all queued speech now; return the seconds dropped."""
        dropped = self.queued_s
        self._clips.clear()
        self._idle.set()
        return dropped

    def _next_samples(self) -> Int16PCM:
        out = np.zeros(FRAME, dtype=np.int16)
        filled = 0
        while filled < FRAME and self._clips:
            clip = self._clips[0]
            if clip.pos == 0 and clip.on_start:
                clip.on_start()
            take = min(FRAME - filled, len(clip.pcm) - clip.pos)
            out[filled : filled + take] = clip.pcm[clip.pos : clip.pos + take]
            clip.pos += take
            filled += take
            if clip.pos >= len(clip.pcm):
                self._clips.popleft()
                if clip.on_end:
                    clip.on_end()
                if not self._clips:
                    self._idle.set()
        return out if filled else self._silence

    @property
    def late_frames(self) -> int:
        """Frames produced after their due time (pacing underruns)."""
        return self._pacer.late_frames

    async def recv(self) -> AudioFrame:
        """The next 20 ms frame, released at its due time."""
        if self.readyState != "live":
            raise MediaStreamError
        pts = await self._pacer.next()
        samples = self._next_samples()
        if self.on_frame is not None:
            self.on_frame(samples)
        frame = s16_frame(samples, pts)
        self.frames_sent += 1
        return frame
