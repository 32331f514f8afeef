"""Garbage-collection pauses of the measuring process: a gap it sees may be its own stall.

The soak's headset clients run in the benchmark's process and keep every reply frame they
receive; a collection that walks them holds the interpreter lock while frames arrive, and the
next frame is stamped late. ``GcPauses`` times every collection of at least ``min_ms`` so each
underrun can be matched with a stall of the measuring side.
"""

from __future__ import annotations

import gc
import time
from typing import Any


class GcPauses:
    """Collections of this process (monotonic start, ms, generation) while installed."""

    def __init__(self, min_ms: float = 5.0) -> None:
        self.min_ms = min_ms
        self.pauses: list[tuple[float, float, int]] = []
        self._started = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.monotonic()
            return
        ms = (time.monotonic() - self._started) * 1000.0
        if ms >= self.min_ms:
            self.pauses.append((self._started, round(ms, 1), int(info.get("generation", -1))))

    def longest_within(self, start: float, end: float) -> float:
        """The longest pause overlapping ``[start, end]`` (monotonic seconds), 0 when none."""
        return max(
            (ms for at, ms, _ in self.pauses if at <= end and at + ms / 1000.0 >= start),
            default=0.0,
        )
