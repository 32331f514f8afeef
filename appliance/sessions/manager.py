"""The appliance's live sessions: creation within the cap, lookup, ending, and what they leave."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from appliance.engine import Engine
from appliance.errors import (
    ApplianceError,
    SessionConflict,
    SessionNotFound,
    SessionsFull,
    StageUnavailable,
    StorageFull,
)
from appliance.persona.lines import prepare as prepare_lines
from appliance.persona.scenario import load_scenario
from appliance.records.audio import AudioPolicy, register_audio
from appliance.records.checkpoints import interrupt_orphans
from appliance.records.db import Database
from appliance.records.disk import StorageHealth
from appliance.records.sessions import record_session_start
from appliance.sessions.checkpoint import TurnCheckpoints
from appliance.sessions.feed import EventFeed
from appliance.sessions.keeping import SessionStore
from appliance.sessions.live import LiveSession

log = logging.getLogger(__name__)
CapacityListener = Callable[[int], Awaitable[None]]


class Reviewer(Protocol):
    """Scores a finished transcript (``appliance/review/reviewer.py``); errors when it cannot."""

    async def review(self, transcript: dict[str, Any]) -> dict[str, Any]:
        """The review JSON."""
        ...

    async def html(self, transcript: dict[str, Any]) -> str:
        """The review page."""
        ...


class DemoBusy(SessionConflict):
    """A demo call was asked for while another one runs (one demo at a time)."""

    code = "demo_busy"


class SessionManager:
    """Owns every live session; an async context manager that ends them all on exit."""

    def __init__(
        self,
        engine: Engine,
        transcripts_dir: Path,
        reviewer: Reviewer,
        records: Database | None = None,
        audio: AudioPolicy | None = None,
        storage: StorageHealth | None = None,
    ) -> None:
        self.engine = engine
        self.audio = audio  # sessions are recorded only with records to register them in
        self.reviewer = reviewer
        self.records = records
        self.storage = storage or StorageHealth(transcripts_dir)
        self.store = SessionStore(transcripts_dir, records, self.storage)
        self.reviews: dict[str, dict[str, Any]] = {}
        self.feed = EventFeed()
        self.capacity = engine.settings.server.max_sessions
        self.connect_timeout_s = engine.settings.server.connect_timeout_s
        self.live: dict[str, LiveSession] = {}
        self.finished: dict[str, dict[str, Any]] = {}
        self._listeners: list[CapacityListener] = []
        self._quiet = asyncio.Event()  # set when the last live call ends
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> SessionManager:
        if self.records is not None:  # sessions a crash left live: closed before any new one
            for session_id in await self.records.run(interrupt_orphans):
                log.warning("session was interrupted", extra={"session": session_id})
        await self.store.__aenter__()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.close()
        finally:
            await self.store.__aexit__(et, e, tb)

    @property
    def free(self) -> int:
        """Free session slots."""
        return self.capacity - len(self.live)

    def on_capacity(self, listener: CapacityListener) -> None:
        """Call ``listener(free)`` whenever the number of free slots changes."""
        self._listeners.append(listener)

    async def quiet(self) -> None:
        """Return once no call is live: background work that would take the CPU from a call
        (the authored lines synthesized ahead) waits for it."""
        while self.live:
            self._quiet.clear()
            await self._quiet.wait()

    async def _announce(self) -> None:
        if not self.live:
            self._quiet.set()
        for listener in self._listeners:
            try:
                await listener(self.free)
            except Exception:  # an advertisement failing must not fail a session
                log.exception("capacity listener failed")

    async def create(
        self, officer: dict[str, str], scenario_id: str, *, demo: bool = False
    ) -> LiveSession:
        """Start a session for an officer on a scenario, if a slot is free and every stage works.

        A session whose device does not connect within ``server.connect_timeout_s`` ends by
        itself; a create that fails (e.g. the disk is full) leaves its slot free. ``demo``: a
        demo call, refused while another one runs.
        """
        scenario = load_scenario(scenario_id)
        self._check_stages()
        analyzer = self.engine.analyzer
        assert analyzer is not None
        await self.engine.analysis_thread.call(prepare_lines, scenario, analyzer.encoder)
        async with self._lock:
            if demo and any(s.conversation.demo for s in self.live.values()):
                raise DemoBusy(
                    "a demo call is already running on this appliance; try again when it ends"
                    f" (a demo lasts at most {scenario.time_limit_min:g} minutes)"
                )
            if self.free <= 0:
                raise SessionsFull(
                    f"all {self.capacity} session slots are in use; "
                    "end a session or try again shortly"
                )
            session_id = secrets.token_urlsafe(9)
            # a demo caller is nobody on record: their voice is never kept
            keep = self.audio is not None and self.records is not None and not demo
            session = LiveSession(
                session_id,
                officer,
                scenario,
                self.engine,
                self._ended,
                self.feed,
                record_to=self.audio.path_for(session_id) if keep and self.audio else None,
                demo=demo,
            )
            self.live[session.id] = session
        log.info("session created", extra={"session": session.id, "scenario": scenario_id})
        try:
            if self.records is not None:
                await record_session_start(self.records, session.conversation.transcript())
        except BaseException as exc:
            self.live.pop(session.id, None)
            if not self.live:
                self._quiet.set()
            await session.discard()
            if isinstance(exc, StorageFull):
                self.storage.failed(exc.message)
            raise
        if not self.store.pending:  # the disk took a write and nothing waits for space
            self.storage.written()
        if self.records is not None:
            keeper = TurnCheckpoints(self.records, session.conversation.transcript, self.storage)
            session.conversation.on_turn = keeper.changed
            session.call.spawn(keeper.run(), "checkpoint")
        session.expire_unless_connected(self.connect_timeout_s)
        await self._announce()
        return session

    def _check_stages(self) -> None:
        """Refuse new sessions while a model stage is failed (``/healthz`` says which)."""
        failed = {k: h for k, h in self.engine.health().items() if h.state == "failed"}
        if failed:
            named = "; ".join(f"{k}: {h.detail or 'failed'}" for k, h in failed.items())
            raise StageUnavailable(
                f"no new sessions while a model stage is failed ({named});"
                " they start again once it recovers (see /healthz)"
            )

    def get(self, session_id: str) -> LiveSession:
        """A live session by id."""
        session = self.live.get(session_id)
        if session is None:
            raise SessionNotFound(f"no live session {session_id!r}")
        return session

    def live_session(self, session_id: str) -> LiveSession:
        """A live session; one that has ended is a conflict (409), not an unknown one (404)."""
        if session_id in self.live:
            return self.live[session_id]
        if session_id in self.finished or self.store.read_copy(session_id) is not None:
            raise SessionConflict(
                f"session {session_id!r} has ended: listen-in and watching are for live"
                " sessions; replay its recording from the finished sessions"
            )
        raise SessionNotFound(f"no live session {session_id!r}")

    def transcript(self, session_id: str) -> dict[str, Any]:
        """The transcript of a live session, or of a finished one from memory or its JSON copy."""
        if session_id in self.live:
            return self.live[session_id].conversation.transcript()
        if session_id in self.finished:
            return self.finished[session_id]
        found = self.store.read_copy(session_id)
        if found is None:
            raise SessionNotFound(f"no session {session_id!r}")
        return found

    async def stored_transcript(self, session_id: str) -> dict[str, Any]:
        """Any session's transcript: live, this run's, its JSON copy, or the records."""
        try:
            return self.transcript(session_id)
        except SessionNotFound:
            return await self.store.transcript(session_id)

    async def end(self, session_id: str, outcome: str = "ended") -> str:
        """End a live session; returns its outcome, or raises ``StorageFull`` if it is not saved."""
        session = self.get(session_id)
        await session.end(outcome)
        if session_id in self.store.unsaved:
            raise StorageFull(
                f"session {session_id} ended, but the disk is full and it could not be saved to"
                " the records; it is kept in memory and saved as soon as space is freed"
                " (/healthz shows the storage state)"
            )
        return session.outcome or outcome

    async def _ended(self, session: LiveSession) -> None:
        """Free the session's slot, then keep what it leaves (records first, then the copy)."""
        transcript = session.conversation.transcript()
        transcript["outcome"] = session.outcome
        transcript["ended_at_s"] = round(session.now(), 3)
        self.finished[session.id] = transcript
        self.live.pop(session.id, None)
        await self._announce()
        review = await self._review(transcript)
        if await self.store.save(transcript, review) is None:
            # on disk now (records and JSON copy): memory does not grow with every session
            self.finished.pop(session.id, None)
            self.reviews.pop(session.id, None)
        recorded = session.audio.recorded
        if recorded is not None and self.audio is not None and self.records is not None:
            try:
                await self.records.run(register_audio, self.audio.section, session.id, recorded)
            except ApplianceError as exc:  # the session is saved; only its recording is not
                log.error(
                    "recording not registered: %s", exc.message, extra={"session": session.id}
                )
        log.info("session ended", extra={"session": session.id, "outcome": session.outcome})

    async def _review(self, transcript: dict[str, Any]) -> dict[str, Any] | None:
        """The review JSON, or None when the transcript cannot be scored (no officer turns)."""
        try:
            body = await self.reviewer.review(transcript)
        except ApplianceError as exc:
            log.info("no review: %s", exc.message, extra={"session": transcript["session_id"]})
            return None
        self.reviews[transcript["session_id"]] = body
        return body

    async def review_html(self, session_id: str) -> str:
        """The review page of a finished session (scores are deterministic, so it is recomputed)."""
        await self.stored_review(session_id)  # same errors as the JSON: unknown, live, unscorable
        return await self.reviewer.html(await self.stored_transcript(session_id))

    def review(self, session_id: str) -> dict[str, Any]:
        """The review JSON of a finished session (this run's, or its JSON copy)."""
        if session_id in self.reviews:
            return self.reviews[session_id]
        found = self.store.read_copy(session_id, ".review")
        if found is not None:
            return found
        if session_id in self.live:
            raise SessionConflict(
                f"session {session_id!r} is still live; its review comes when it ends"
            )
        raise SessionNotFound(f"no review for session {session_id!r}")

    async def stored_review(self, session_id: str) -> dict[str, Any]:
        """The review JSON of any finished session, from the records if need be."""
        try:
            return self.review(session_id)
        except SessionNotFound:
            found = await self.store.review(session_id)
            if found is None:
                raise
            return found

    async def close(self) -> None:
        """End every live session (appliance shutdown)."""
        await asyncio.gather(*(s.end("shutdown") for s in list(self.live.values())))
