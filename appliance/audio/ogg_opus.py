"""Compressed recordings: 48 kHz stereo int16 PCM written as Opus in an Ogg file (PyAV)."""

from __future__ import annotations

import fractions
from pathlib import Path
from types import TracebackType
from typing import Self

import av
import numpy as np

from appliance.errors import AudioInputError

RATE = 48_000
FRAME = 960  # 20 ms: a frame size the Opus encoder takes
BIT_RATE = 48_000  # both voices stay clear at 24 kb/s a channel (about 21 MB an hour)
_TIME_BASE = fractions.Fraction(1, RATE)


class OggOpusWriter:
    """Write stereo 48 kHz int16 samples (shape ``(n, 2)``) to ``path``; blocking, one thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._container = av.open(str(path), mode="w", format="ogg")
        except (OSError, av.FFmpegError) as exc:
            raise AudioInputError(f"{path}: cannot write a recording ({exc})") from exc
        self._stream = self._container.add_stream("libopus", rate=RATE, layout="stereo")
        self._stream.bit_rate = BIT_RATE
        self._pending = np.zeros((0, 2), dtype=np.int16)
        self._pts = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def seconds(self) -> float:
        """Seconds written so far (including what waits for a whole frame)."""
        return (self._pts + len(self._pending)) / RATE

    def write(self, stereo: np.ndarray) -> None:
        """Append samples; whole 20 ms frames are encoded now, the rest waits for more."""
        pcm = np.concatenate([self._pending, np.asarray(stereo, dtype=np.int16).reshape(-1, 2)])
        whole = len(pcm) - len(pcm) % FRAME
        for start in range(0, whole, FRAME):
            self._encode(pcm[start : start + FRAME])
        self._pending = pcm[whole:]

    def _encode(self, block: np.ndarray | None) -> None:
        frame = None
        if block is not None:
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(block).reshape(1, -1), format="s16", layout="stereo"
            )
            frame.sample_rate = RATE
            frame.pts = self._pts
            frame.time_base = _TIME_BASE
            self._pts += len(block)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        """Pad the last frame with silence, flush the encoder and close the file (once)."""
        if self._container is None:
            return
        try:
            if len(self._pending):
                tail = np.zeros((FRAME, 2), dtype=np.int16)
                tail[: len(self._pending)] = self._pending
                self._pending = tail[:0]
                self._encode(tail)
            self._encode(None)
        finally:
            self._container.close()
            self._container = None  # type: ignore[assignment]
