"""Password checks kept from starving live sessions: one at a time, paced, at low CPU priority.

argon2id is slow and memory-hard by design (about 64 MiB, several threads and ~0.2 CPU seconds
per check here). A flood of log-ins, one check per attempt, would otherwise take the CPU the live
calls' speech models need. So checks run one after another on one worker thread whose CPU
priority is lowered (argon2's own threads inherit it), a check starts at most once a second, and
only a few may wait: the rest are told at once to try again shortly. A person logging in waits
a second or two at worst; a flood costs the appliance at most one check a second.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from appliance.inference.executor import lower_priority
from appliance.records.passwords import verify_password
from appliance.web.http_errors import TooManyAttempts

MAX_PENDING = 4  # admitted checks waiting behind the running one
MIN_INTERVAL_S = 1.0  # between the starts of two checks
BUSY_RETRY_S = 5
NICE = 19  # steps below a live session's loop: it wins the CPU whenever it wants it


class LoginsBusy(TooManyAttempts):
    """Too many log-ins are being checked right now; try again in a few seconds."""

    code = "logins_busy"


class PasswordChecks:
    """Verify passwords off the event loop: one at a time, paced, ``pending`` more waiting."""

    def __init__(self, pending: int = MAX_PENDING, min_interval_s: float = MIN_INTERVAL_S) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="password-check",
            initializer=lower_priority,
            initargs=(NICE,),
        )
        self._admitted = 0
        self._limit = 1 + pending
        self._min_interval_s = min_interval_s
        self._next_start = 0.0
        self._turn = asyncio.Lock()  # first come, first checked

    @property
    def admitted(self) -> int:
        """Checks running or waiting now."""
        return self._admitted

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; ``LoginsBusy`` when too many checks are already queued."""
        if self._admitted >= self._limit:
            raise LoginsBusy(
                f"the appliance is busy checking other log-ins: try again in {BUSY_RETRY_S} s",
                BUSY_RETRY_S,
            )
        self._admitted += 1
        try:
            loop = asyncio.get_running_loop()
            async with self._turn:
                await asyncio.sleep(max(0.0, self._next_start - loop.time()))
                self._next_start = loop.time() + self._min_interval_s
                return await loop.run_in_executor(
                    self._executor, verify_password, stored_hash, password
                )
        finally:
            self._admitted -= 1

    def close(self) -> None:
        """Stop the worker thread (checks still queued are dropped)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
