"""One single-thread executor per blocking model: the call and any generator draining run there.

A model's thread runs at a lower CPU priority than the event loop (``MODEL_NICE``): on two cores
the loop's work (pacing and encoding reply frames, reading the officer's audio) is short and
late-sensitive, a model's is long and not. Linux keeps a nice value per thread and a thread
starts with its creator's, so the threads a model starts from its own (CTranslate2's and
onnxruntime's pools) run lower too.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)
MODEL_NICE = 5  # nice steps below the event loop (CPU share 1024 : 335 when both want it)


def lower_priority(steps: int) -> None:
    """Run the calling thread ``steps`` nice steps lower (a warning where the OS refuses)."""
    if steps <= 0:
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + steps)
    except (OSError, AttributeError) as exc:  # AttributeError: no setpriority on this OS
        log.warning("cannot lower the priority of %s: %s", threading.current_thread().name, exc)


class ModelThread:
    """A named single worker thread that owns one blocking model."""

    def __init__(self, name: str, *, nice: int = MODEL_NICE) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=name, initializer=lower_priority, initargs=(nice,)
        )

    async def call(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``fn`` in the model's thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Stop the thread once queued work is done."""
        self._pool.shutdown(wait=True, cancel_futures=True)
