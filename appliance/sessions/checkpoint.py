"""A live session's turns written to the records as they happen: a crash loses one turn at most."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from appliance.errors import ApplianceError
from appliance.records.checkpoints import checkpoint_session
from appliance.records.db import Database
from appliance.records.disk import StorageHealth

log = logging.getLogger(__name__)


class TurnCheckpoints:
    """One writer per live session: ``changed()`` after a turn; ``run()`` writes what is new."""

    def __init__(
        self,
        records: Database,
        transcript: Callable[[], dict[str, Any]],
        storage: StorageHealth | None = None,
    ) -> None:
        self._records = records
        self._transcript = transcript
        self._storage = storage
        self._dirty = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self.kept = 0  # turns already in the records
        self._written: list[Any] = []  # those turns, as written

    def changed(self) -> None:
        """A turn was added: write it soon (thread-safe: officer turns come from a model thread)."""
        self._loop.call_soon_threadsafe(self._dirty.set)

    async def run(self) -> None:
        """Write new turns as they come, until cancelled (the session's end saves it whole)."""
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            await self.write()

    async def write(self) -> None:
        """Write the turns and events not yet in the records; a failure is retried next turn."""
        transcript = self._transcript()
        turns = list(transcript.get("turns") or [])
        # A turn recorded late can land before turns already written (it started first): the
        # records are rewritten from the first turn that is not what was written there.
        first = next(
            (i for i, (a, b) in enumerate(zip(self._written, turns, strict=False)) if a != b),
            self.kept,
        )
        try:
            self.kept = await self._records.run(checkpoint_session, transcript, first)
            self._written = turns
        except ApplianceError as exc:
            log.error(
                "turns not written: %s", exc.message, extra={"session": transcript["session_id"]}
            )
            if self._storage is not None:
                self._storage.failed(exc.message)
