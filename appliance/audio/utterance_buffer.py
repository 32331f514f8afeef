"""A rolling buffer of one stream's 16 kHz audio, addressed by absolute sample index.

The audio lives in one array allocated with the buffer: appending writes into it and trimming
only moves an index, so a live call's 50 frames a second allocate nothing. (Re-joining the held
30 s on every frame made the event loop allocate and free ~2 MB per frame and session, which
fragmented the heap: the appliance's memory crept up for as long as calls went on.)
"""

from __future__ import annotations

import numpy as np

from appliance.audio.frames import FloatPCM

SPARE_FRACTION = 3  # room beyond ``keep_samples`` (a third of it) before the held audio moves


class UtteranceBuffer:
    """Keeps recent audio; ``slice(a, b)`` returns a copy of samples [a, b) still held."""

    def __init__(self, keep_samples: int) -> None:
        self._keep = keep_samples
        self._store: FloatPCM = np.zeros(
            keep_samples + max(keep_samples // SPARE_FRACTION, 1), np.float32
        )
        self._at = 0  # index in ``_store`` of the first held sample
        self._base = 0  # absolute index of the first held sample
        self._len = 0

    @property
    def end(self) -> int:
        """Absolute index one past the last sample."""
        return self._base + self._len

    def append(self, samples: FloatPCM) -> None:
        """Add audio at the end."""
        n = len(samples)
        if not n:
            return
        if self._at + self._len + n > len(self._store):
            self._make_room(n)
        stop = self._at + self._len
        self._store[stop : stop + n] = samples
        self._len += n

    def _make_room(self, n: int) -> None:
        """Move the held audio to the front, or into a larger array if it still would not fit."""
        held = self._len
        if held + n > len(self._store):  # an utterance longer than the buffer: grow (rare)
            store: FloatPCM = np.zeros(max(held + n, 2 * len(self._store)), np.float32)
            store[:held] = self._store[self._at : self._at + held]
            self._store = store
        else:
            # In steps no longer than the move, so source and target never overlap and numpy
            # needs no temporary copy.
            step = self._at
            for i in range(0, held, step):
                k = min(step, held - i)
                self._store[i : i + k] = self._store[self._at + i : self._at + i + k]
        self._at = 0

    def slice(self, start: int, stop: int) -> FloatPCM:
        """Samples [start, stop) that are still held (clipped to what is held), as a copy."""
        lo = max(start, self._base) - self._base
        hi = max(min(stop, self.end), self._base) - self._base
        if hi <= lo:
            return np.zeros(0, np.float32)
        return self._store[self._at + lo : self._at + hi].copy()

    def trim(self, keep_from: int) -> None:
        """Forget audio before ``keep_from``, but always hold the last ``keep_samples``."""
        cut = min(keep_from, self.end - self._keep) - self._base
        if cut <= 0:
            return
        self._at += cut
        self._base += cut
        self._len -= cut
