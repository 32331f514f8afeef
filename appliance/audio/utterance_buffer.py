"""A rolling buffer of one stream's 16 kHz audio, addressed by absolute sample index."""

from __future__ import annotations

import numpy as np

from appliance.audio.frames import FloatPCM


class UtteranceBuffer:
    """Keeps recent audio; ``slice(a, b)`` returns the samples [a, b) of the stream still held."""

    def __init__(self, keep_samples: int) -> None:
        self._keep = keep_samples
        self._chunks: list[FloatPCM] = []
        self._base = 0  # absolute index of the first held sample
        self._len = 0

    @property
    def end(self) -> int:
        """Absolute index one past the last sample."""
        return self._base + self._len

    def append(self, samples: FloatPCM) -> None:
        """Add audio at the end."""
        if len(samples):
            self._chunks.append(samples)
            self._len += len(samples)

    def slice(self, start: int, stop: int) -> FloatPCM:
        """Samples [start, stop) that are still held (clipped to what is held)."""
        data = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
        self._chunks = [data] if len(data) else []
        lo, hi = (
            max(start, self._base) - self._base,
            max(min(stop, self.end), self._base) - self._base,
        )
        return data[lo:hi]

    def trim(self, keep_from: int) -> None:
        """Forget audio before ``keep_from``, but always hold the last ``keep_samples``."""
        cut = min(keep_from, self.end - self._keep) - self._base
        if cut <= 0:
            return
        data = np.concatenate(self._chunks)[cut:]
        self._chunks, self._base, self._len = [data], self._base + cut, len(data)
