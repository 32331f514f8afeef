"""Password checks kept from starving live sessions: one at a time, at low CPU priority, bounded.

argon2id is slow and memory-hard by design (about 64 MiB and several threads per check). A flood
of log-ins, one check per attempt, would otherwise take the CPU the live calls' speech models
need. So checks run on one worker thread whose CPU priority is lowered (argon2's own threads
inherit it), and only a few may wait: the rest are told at once to try again shortly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from appliance.records.passwords import verify_password
from appliance.web.http_errors import TooManyAttempts

MAX_RUNNING = 1  # argon2 already uses several threads per check
MAX_PENDING = 4  # admitted checks waiting behind the running one
BUSY_RETRY_S = 5
NICE = 19  # a live session's threads run at 0: they win the CPU whenever they want it


class LoginsBusy(TooManyAttempts):
    """Too many log-ins are being checked right now; try again in a few seconds."""

    code = "logins_busy"


def _lower_priority() -> None:
    """Lower this thread's CPU priority (Linux: per thread; threads it starts inherit it)."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed: run as is
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)


class PasswordChecks:
    """Verify passwords off the event loop: ``MAX_RUNNING`` at once, ``MAX_PENDING`` waiting."""

    def __init__(self, running: int = MAX_RUNNING, pending: int = MAX_PENDING) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=running, thread_name_prefix="password-check", initializer=_lower_priority
        )
        self._admitted = 0
        self._limit = running + pending

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
            return await loop.run_in_executor(
                self._executor, verify_password, stored_hash, password
            )
        finally:
            self._admitted -= 1

    def close(self) -> None:
        """Stop the worker thread (checks still queued are dropped)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
