"""What a finished session leaves: the records first, then its JSON copy; held while disks are full.

The records database is the session's home; the JSON files beside it are a copy. A full or failing
disk never loses a session: what could not be saved stays in memory (still served) and is saved
again every ``retry_s`` until it is, and the storage state says what failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from pathlib import Path
from types import TracebackType
from typing import Any

from appliance.errors import ApplianceError, RecordNotFound, SessionNotFound, StorageFull
from appliance.records.db import Database
from appliance.records.disk import StorageHealth, describe_os_error
from appliance.records.reviews import get_review
from appliance.records.sessions import save_session, transcript_of

log = logging.getLogger(__name__)
RETRY_S = 15.0


class SessionStore:
    """Saves finished sessions and finds them again (memory, then JSON copy, then records)."""

    def __init__(
        self,
        folder: Path,
        records: Database | None,
        storage: StorageHealth | None = None,
        retry_s: float = RETRY_S,
    ) -> None:
        self.folder = folder
        self.records = records
        self.storage = storage or StorageHealth(folder)
        self.retry_s = retry_s
        self.unsaved: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self._copies: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self._retrier: asyncio.Task[None] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    async def __aenter__(self) -> SessionStore:
        self._retrier = asyncio.create_task(self._retry_forever(), name="session-store-retry")
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._retrier is not None:
            self._retrier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retrier
        await self.retry()
        for session_id in self.unsaved:
            log.error("session lost at shutdown: disk still full", extra={"session": session_id})

    @property
    def pending(self) -> bool:
        """Whether finished sessions wait in memory for disk space."""
        return bool(self.unsaved or self._copies)

    async def save(self, transcript: dict[str, Any], review: dict[str, Any] | None) -> str | None:
        """Keep a finished session; None when all is on disk, else what failed (it is retried)."""
        session_id = str(transcript["session_id"])
        problem = await self._to_records(session_id, transcript, review)
        copied = await self._copy(session_id, transcript, review)
        if copied is not None:
            self._copies[session_id] = (transcript, review)
        if problem is None and copied is None:
            self.storage.written()
        return problem or copied

    async def _to_records(
        self, session_id: str, transcript: dict[str, Any], review: dict[str, Any] | None
    ) -> str | None:
        if self.records is None:
            return None
        try:
            await save_session(self.records, transcript, review)
        except StorageFull as exc:
            self.unsaved[session_id] = (transcript, review)
            self.storage.failed(exc.message)
            log.error("session not saved: %s", exc.message, extra={"session": session_id})
            return exc.message
        except ApplianceError as exc:  # a refused record (e.g. signed off): retrying cannot help
            log.error("session not saved: %s", exc.message, extra={"session": session_id})
            return None
        self.unsaved.pop(session_id, None)
        return None

    async def _copy(
        self, session_id: str, transcript: dict[str, Any], review: dict[str, Any] | None
    ) -> str | None:
        try:
            await asyncio.to_thread(self._write, session_id, transcript, review)
        except OSError as exc:
            where = Path(exc.filename) if exc.filename else self.folder
            detail = describe_os_error(exc, where)
            self.storage.failed(detail)
            log.error("session JSON copy not written: %s", detail, extra={"session": session_id})
            return detail
        self._copies.pop(session_id, None)
        return None

    def _write(
        self, session_id: str, transcript: dict[str, Any], review: dict[str, Any] | None
    ) -> None:
        docs = {f"{session_id}.json": transcript}
        if review is not None:
            docs[f"{session_id}.review.json"] = review
        for name, doc in docs.items():
            tmp = self.folder / f"{name}.tmp"
            try:
                tmp.write_text(json.dumps(doc, indent=1))
                tmp.replace(self.folder / name)
            except OSError:
                tmp.unlink(missing_ok=True)  # no half-written copies left behind
                raise

    async def retry(self) -> None:
        """Save again what a full disk kept in memory (the records, then the JSON copies)."""
        for session_id, (transcript, review) in list(self.unsaved.items()):
            if await self._to_records(session_id, transcript, review) is not None:
                return
            log.info("session saved after a storage failure", extra={"session": session_id})
        for session_id, (transcript, review) in list(self._copies.items()):
            if await self._copy(session_id, transcript, review) is not None:
                return
        if not self.pending:
            self.storage.written()

    async def _retry_forever(self) -> None:
        while True:
            await asyncio.sleep(self.retry_s)
            if self.pending:
                await self.retry()

    def held(self, session_id: str) -> dict[str, Any] | None:
        """A finished session's transcript still in memory (not yet on disk), if any."""
        for pending in (self.unsaved, self._copies):
            if session_id in pending:
                return pending[session_id][0]
        return None

    def read_copy(self, session_id: str, suffix: str = "") -> dict[str, Any] | None:
        """The JSON copy ``<id><suffix>.json``, if written."""
        path = self.folder / f"{Path(session_id).name}{suffix}.json"
        return dict(json.loads(path.read_text())) if path.is_file() else None

    async def transcript(self, session_id: str) -> dict[str, Any]:
        """A finished session's transcript: memory, the JSON copy, or the records."""
        found = self.held(session_id) or self.read_copy(session_id)
        if found is not None:
            return found
        if self.records is not None:
            with contextlib.suppress(RecordNotFound):
                return await self.records.run(transcript_of, session_id)
        raise SessionNotFound(f"no session {session_id!r}")

    async def review(self, session_id: str) -> dict[str, Any] | None:
        """A finished session's review JSON from the copy or the records, if it has one."""
        found = self.read_copy(session_id, ".review")
        if found is None and self.records is not None:
            with contextlib.suppress(RecordNotFound):
                body = (await self.records.run(get_review, session_id))["review"]
                found = dict(body) if isinstance(body, dict) else None
        return found
