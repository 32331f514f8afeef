"""The instructor console's live feed: every session event, fanned out to bounded queues."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from appliance.turn.events import Event

QUEUE_SIZE = 256


@dataclass(frozen=True)
class FeedItem:
    """One event of one session."""

    session_id: str
    event: Event

    def to_json(self) -> dict[str, object]:
        """The event's JSON, tagged with its session."""
        return {"session_id": self.session_id, **self.event.to_json()}


class EventFeed:
    """Publish session events; each subscriber gets its own queue, dropping its oldest when full."""

    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[FeedItem]] = set()

    def publish(self, session_id: str, event: Event) -> None:
        """Fan one event out, tagged with its session."""
        item = FeedItem(session_id, event)
        for queue in self._subscribers:
            if queue.full():  # a slow console must not hold back sessions: freshest events win
                queue.get_nowait()
            queue.put_nowait(item)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[FeedItem]]:
        """A queue of every event published while the ``with`` block lasts."""
        queue: asyncio.Queue[FeedItem] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)
