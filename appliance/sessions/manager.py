"""The appliance's live sessions: creation within the cap, lookup, ending, and what they leave."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from appliance.engine import Engine
from appliance.errors import ApplianceError, SessionConflict, SessionNotFound, SessionsFull
from appliance.persona.lines import prepare as prepare_lines
from appliance.persona.scenario import load_scenario
from appliance.records.audio import AudioPolicy, register_audio
from appliance.records.db import Database
from appliance.records.sessions import record_session_start, save_session
from appliance.sessions.feed import EventFeed
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


class SessionManager:
    """Owns every live session; an async context manager that ends them all on exit."""

    def __init__(
        self,
        engine: Engine,
        transcripts_dir: Path,
        reviewer: Reviewer,
        records: Database | None = None,
        audio: AudioPolicy | None = None,
    ) -> None:
        self.engine = engine
        self.audio = audio  # sessions are recorded only with records to register them in
        self.reviewer = reviewer
        self.records = records
        self.reviews: dict[str, dict[str, Any]] = {}
        self.feed = EventFeed()
        self.capacity = engine.settings.server.max_sessions
        self.live: dict[str, LiveSession] = {}
        self.finished: dict[str, dict[str, Any]] = {}
        self._dir = transcripts_dir
        self._dir.mkdir(parents=True, exist_ok=True)
        self._listeners: list[CapacityListener] = []
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> SessionManager:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def free(self) -> int:
        """Free session slots."""
        return self.capacity - len(self.live)

    def on_capacity(self, listener: CapacityListener) -> None:
        """Call ``listener(free)`` whenever the number of free slots changes."""
        self._listeners.append(listener)

    async def _announce(self) -> None:
        for listener in self._listeners:
            try:
                await listener(self.free)
            except Exception:  # an advertisement failing must not fail a session
                log.exception("capacity listener failed")

    async def create(self, officer: dict[str, str], scenario_id: str) -> LiveSession:
        """Start a session for an officer on a scenario, if a slot is free."""
        scenario = load_scenario(scenario_id)
        analyzer = self.engine.analyzer
        assert analyzer is not None
        await self.engine.analysis_thread.call(prepare_lines, scenario, analyzer.encoder)
        async with self._lock:
            if self.free <= 0:
                raise SessionsFull(
                    f"all {self.capacity} session slots are in use; "
                    "end a session or try again shortly"
                )
            session_id = secrets.token_urlsafe(9)
            keep = self.audio is not None and self.records is not None
            session = LiveSession(
                session_id,
                officer,
                scenario,
                self.engine,
                self._ended,
                self.feed,
                record_to=self.audio.path_for(session_id) if keep and self.audio else None,
            )
            self.live[session.id] = session
        log.info("session created", extra={"session": session.id, "scenario": scenario_id})
        if self.records is not None:
            await record_session_start(self.records, session.conversation.transcript())
        await self._announce()
        return session

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
        if session_id in self.finished or (self._dir / f"{Path(session_id).name}.json").is_file():
            raise SessionConflict(
                f"session {session_id!r} has ended: listen-in and watching are for live"
                " sessions; replay its recording from the finished sessions"
            )
        raise SessionNotFound(f"no live session {session_id!r}")

    def transcript(self, session_id: str) -> dict[str, Any]:
        """The transcript of a live or finished session."""
        if session_id in self.live:
            return self.live[session_id].conversation.transcript()
        if session_id in self.finished:
            return self.finished[session_id]
        path = self._dir / f"{Path(session_id).name}.json"
        if path.is_file():
            return dict(json.loads(path.read_text()))
        raise SessionNotFound(f"no session {session_id!r}")

    async def end(self, session_id: str, outcome: str = "ended") -> str:
        """End a live session; returns its outcome."""
        session = self.get(session_id)
        await session.end(outcome)
        return session.outcome or outcome

    async def _ended(self, session: LiveSession) -> None:
        """Keep what the session leaves (transcript, review, records) and free its slot."""
        transcript = session.conversation.transcript()
        transcript["outcome"] = session.outcome
        transcript["ended_at_s"] = round(session.now(), 3)
        self.finished[session.id] = transcript
        self.live.pop(session.id, None)
        await self._announce()
        review = await self._review(transcript)
        await asyncio.to_thread(self._write, session.id, transcript, review)
        if self.records is not None:
            try:
                await save_session(self.records, transcript, review)
                recorded = session.audio.recorded
                if recorded is not None and self.audio is not None:
                    await self.records.run(
                        register_audio, self.audio.section, session.id, recorded
                    )
            except ApplianceError as exc:  # the JSON copy above is kept; say what failed
                log.error(
                    "session not saved to records: %s", exc.message, extra={"session": session.id}
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
        self.review(session_id)  # same errors as the JSON: unknown, still live, not scorable
        return await self.reviewer.html(self.transcript(session_id))

    def review(self, session_id: str) -> dict[str, Any]:
        """The review JSON of a finished session."""
        if session_id in self.reviews:
            return self.reviews[session_id]
        path = self._dir / f"{Path(session_id).name}.review.json"
        if path.is_file():
            return dict(json.loads(path.read_text()))
        if session_id in self.live:
            raise SessionConflict(
                f"session {session_id!r} is still live; its review comes when it ends"
            )
        raise SessionNotFound(f"no review for session {session_id!r}")

    def _write(
        self, session_id: str, transcript: dict[str, Any], review: dict[str, Any] | None
    ) -> None:
        docs = {f"{session_id}.json": transcript}
        if review is not None:
            docs[f"{session_id}.review.json"] = review
        for name, doc in docs.items():
            tmp = self._dir / f"{name}.tmp"
            tmp.write_text(json.dumps(doc, indent=1))
            tmp.replace(self._dir / name)

    async def close(self) -> None:
        """End every live session (appliance shutdown)."""
        await asyncio.gather(*(s.end("shutdown") for s in list(self.live.values())))
