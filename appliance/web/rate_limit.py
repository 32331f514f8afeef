"""Counting failed attempts per key in a sliding window (log-ins, room-code guesses)."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 10_000  # bound memory under a flood of distinct keys


class FailureLimiter:
    """At most ``limit`` failures per key in ``window_s``; then wait until the oldest ages out."""

    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it may now."""
        times = self._recent(key)
        if len(times) < self.limit:
            return 0
        return max(1, math.ceil(times[0] + self.window_s - self._clock()))

    def fail(self, key: str) -> None:
        """Count one failure for ``key``."""
        if key not in self._failures and len(self._failures) >= MAX_KEYS:
            self._prune()
        times = self._recent(key)
        times.append(self._clock())
        self._failures[key] = times

    def count(self, key: str) -> int:
        """Failures of ``key`` within the window."""
        return len(self._recent(key))

    def clear_after(self, key: str) -> int:
        """Seconds until every failure of ``key`` has aged out; 0 when it has none."""
        times = self._recent(key)
        if not times:
            return 0
        return max(1, math.ceil(times[-1] + self.window_s - self._clock()))

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures (after a success)."""
        self._failures.pop(key, None)

    def clear(self) -> int:
        """Forget every key's failures; how many keys had failures within the window."""
        active = sum(1 for key in list(self._failures) if self._recent(key))
        self._failures.clear()
        return active

    def _prune(self) -> None:
        for key in list(self._failures):
            if not self._recent(key):
                del self._failures[key]
        while len(self._failures) >= MAX_KEYS:  # still full: drop the oldest keys
            del self._failures[next(iter(self._failures))]
