"""A listener's track: both sides of a call mixed into one paced 48 kHz mono WebRTC track."""

from __future__ import annotations

from collections import deque

import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from appliance.audio.frames import Int16PCM
from appliance.audio.pacing import FRAME, FramePacer, s16_frame

PRIME = 2 * FRAME  # a side starts playing once 40 ms are buffered (absorbs network jitter)
MAX_BUFFER = 15 * FRAME  # more than 300 ms behind: the oldest samples go (stay near live)


class _Side:
    """One side's samples waiting to be mixed, with a small jitter buffer."""

    def __init__(self) -> None:
        self.chunks: deque[Int16PCM] = deque()
        self.size = 0
        self.primed = False

    def push(self, pcm: Int16PCM) -> None:
        self.chunks.append(pcm)
        self.size += len(pcm)
        while self.size - len(self.chunks[0]) >= MAX_BUFFER:
            self.size -= len(self.chunks.popleft())

    def take(self, n: int) -> Int16PCM:
        """``n`` samples, zero-padded when the side has run dry."""
        out = np.zeros(n, dtype=np.int16)
        if not self.primed:
            if self.size < PRIME:
                return out
            self.primed = True
        filled = 0
        while filled < n and self.chunks:
            head = self.chunks[0]
            k = min(n - filled, len(head))
            out[filled : filled + k] = head[:k]
            filled += k
            if k == len(head):
                self.chunks.popleft()
            else:
                self.chunks[0] = head[k:]
        self.size -= filled
        if filled < n:
            self.primed = False  # ran dry: wait for the buffer to fill again
        return out


class MixTrack(MediaStreamTrack):
    """Paces 20 ms frames in real time; each is the sum of what each side has buffered."""

    kind = "audio"

    def __init__(self, sides: tuple[str, ...] = ("officer", "subject")) -> None:
        super().__init__()
        self._sides = {name: _Side() for name in sides}
        self._pacer = FramePacer()

    def push(self, side: str, pcm: Int16PCM) -> None:
        """Queue 48 kHz mono int16 samples of one side."""
        if self.readyState == "live" and len(pcm):
            self._sides[side].push(pcm)

    async def recv(self) -> AudioFrame:
        """The next 20 ms of the mix, released at its due time."""
        if self.readyState != "live":
            raise MediaStreamError
        pts = await self._pacer.next()
        mix = sum((s.take(FRAME).astype(np.int32) for s in self._sides.values()), np.int32(0))
        return s16_frame(np.clip(mix, -32768, 32767).astype(np.int16), pts)
