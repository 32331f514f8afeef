"""Live feed for the instructor console: every session event, fanned out to bounded subscriber queues."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

QUEUE_SIZE = 256


class EventFeed:
    """Publish session events; each subscriber gets its own queue, dropping its oldest when full."""

    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()

    def publish(self, session_id: str, event: dict[str, Any]) -> None:
        """Fan one event out, tagged with its session."""
        item = {"session_id": session_id, **event}
        for queue in self._subscribers:
            if queue.full():  # a slow console must not hold back sessions: freshest events win
                queue.get_nowait()
            queue.put_nowait(item)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        """A queue of every event published while the ``with`` block lasts."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)
