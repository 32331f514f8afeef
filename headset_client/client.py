"""A headset in code: one WebRTC session, speaking audio and timing the subject's replies."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
from aiortc import (
    RTCConfiguration,
    RTCDataChannel,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamTrack

from appliance.audio.frames import Audio, FloatPCM, write_wav
from appliance.errors import ApplianceError
from appliance.turn.events import (
    ErrorEvent,
    Event,
    EventError,
    SessionEnded,
    SpeechStart,
    TranscriptFinal,
    TurnTiming,
    from_json,
)
from headset_client.latency import (
    SILENCE_DBFS,
    FrameLevel,
    first_voiced_after,
    last_voiced_after,
    stop_before_gap,
    trailing_silence_s,
)
from headset_client.mic_track import MicTrack, Utterance
from headset_client.pinning import trust
from headset_client.recorder import RECORD_RATE, Recorder
from headset_client.signalling import (
    SessionInfo,
    SignallingError,
    create_session,
    end_session,
    fetch_transcript,
    send_offer,
)

log = logging.getLogger(__name__)

DEFAULT_OFFICER = {"id": "reference-client", "name": "Officer Reference"}
DEFAULT_SCENARIO = "overpass_voices"


class TurnError(ApplianceError):
    """The appliance reported an ``error`` event instead of replying to this turn."""

    code = "turn_failed"


@dataclass(frozen=True)
class ChannelEvent:
    """One typed event from the ``events`` data channel, with its monotonic receive time."""

    event: Event
    received_at: float

    @property
    def type(self) -> str:
        """The event's wire type."""
        return self.event.type

    @property
    def data(self) -> dict[str, Any]:
        """The event as JSON (what was sent)."""
        return self.event.to_json()


@dataclass(frozen=True)
class ReplyResult:
    """The subject's reply to one utterance, as this client received it."""

    latency_ms: float  # officer's last voiced frame sent → first voiced reply frame received
    text: str  # what the subject said after the officer stopped (transcript.final, else captions)
    heard: str  # what the appliance transcribed of the officer (transcript.final, officer)
    audio: FloatPCM  # the reply's audio, first to last voiced frame, 48 kHz mono
    stages_ms: dict[str, float]  # the appliance's per-stage timings (turn.timing), if sent
    events: tuple[ChannelEvent, ...]  # everything received on the channel during the turn
    utterance: Utterance
    first_frame_at: float
    last_frame_at: float
    sample_rate: int = RECORD_RATE


@dataclass(frozen=True)
class BargeInResult:
    """How fast the subject's audio stopped when the officer talked over it."""

    speech_started_at: float  # the officer's first frame of the interrupting utterance left
    event: ChannelEvent  # the appliance's ``barge_in`` event
    last_voiced_at: float | None  # subject's last voiced frame received (None: none after speech)
    stop_after_event_ms: float | None  # last voiced reply frame − barge_in event received
    stop_after_speech_ms: float | None  # last voiced reply frame − officer started speaking
    utterance: Utterance


@dataclass
class _Changes:
    """Wakes waiters whenever a frame or an event arrives (no polling)."""

    pulse: asyncio.Event = field(default_factory=asyncio.Event)

    def notify(self) -> None:
        self.pulse.set()

    async def until(self, ready: Callable[[], Any], deadline: float, what: str) -> Any:
        """Wait until ``ready()`` returns something truthy; ``TimeoutError`` at ``deadline``."""
        loop = asyncio.get_running_loop()
        while not (result := ready()):
            self.pulse.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out waiting for {what}")
            try:
                await asyncio.wait_for(self.pulse.wait(), remaining)
            except TimeoutError:
                continue
        return result


class HeadsetClient:
    """One officer session: ``async with HeadsetClient(url) as c``, then ``say``, ``wait_reply``."""

    def __init__(
        self,
        base_url: str,
        *,
        officer: Mapping[str, str] | None = None,
        scenario_id: str = DEFAULT_SCENARIO,
        api_path: str = "/api",
        threshold_dbfs: float = SILENCE_DBFS,
        connect_timeout_s: float = 20.0,
        http_timeout_s: float = 60.0,
        on_event: Callable[[ChannelEvent], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        token: str | None = None,
        tls_fingerprint: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.officer = dict(officer or DEFAULT_OFFICER)
        self.scenario_id = scenario_id
        self.api_path = api_path
        self.threshold_dbfs = threshold_dbfs
        self.connect_timeout_s = connect_timeout_s
        self.events: list[ChannelEvent] = []
        self.session: SessionInfo | None = None
        self.ended: dict[str, Any] | None = None
        self._http_timeout_s = http_timeout_s
        self._on_event = on_event
        self._transport = transport
        # A paired device's bearer token; the appliance then takes the officer from it.
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        # The SHA-256 of the appliance's certificate (zeroconf TXT ``tls``): trusted alone.
        self.tls_fingerprint = tls_fingerprint
        self._changes = _Changes()
        self._http: httpx.AsyncClient | None = None
        self._pc: RTCPeerConnection | None = None
        self._channel: RTCDataChannel | None = None
        self.mic = MicTrack(threshold_dbfs)
        self.recorder = Recorder(on_frame=lambda _f: self._changes.notify())
        self._last_utterance: Utterance | None = None
        self._state = "new"

    # ---- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        verify = await trust(self.base_url, self.tls_fingerprint)
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=self._http_timeout_s,
            transport=self._transport,
            headers=self._headers,
            verify=verify,
        )
        try:
            self.session = await create_session(
                self._http, self.officer, self.scenario_id, self.api_path
            )
            await self._connect(self.session)
        except BaseException:
            await self._close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.session is not None and self.ended is None:
                try:
                    await self.end()
                except SignallingError as end_exc:
                    if exc_type is None:
                        raise
                    log.warning("could not end session %s: %s", self.session.session_id, end_exc)
        finally:
            await self._close()

    async def _connect(self, session: SessionInfo) -> None:
        assert self._http is not None
        # A LAN appliance: host candidates only (aiortc would otherwise ask a public STUN server).
        pc = self._pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        connected, opened = asyncio.Event(), asyncio.Event()

        @pc.on("connectionstatechange")
        def _state() -> None:
            self._state = pc.connectionState
            if pc.connectionState in ("connected", "failed", "closed"):
                connected.set()
            self._changes.notify()

        @pc.on("track")
        def _track(track: MediaStreamTrack) -> None:
            if track.kind == "audio":
                self.recorder.start(track)

        channel = self._channel = pc.createDataChannel("events", ordered=True)
        channel.on("open", opened.set)
        channel.on("message", self._on_message)
        pc.addTransceiver(self.mic, direction="sendrecv")
        await pc.setLocalDescription(await pc.createOffer())  # gathers ICE: non-trickle
        answer = await send_offer(self._http, session.offer_url, pc.localDescription.sdp)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        except (ValueError, KeyError, IndexError, AssertionError, TypeError) as exc:
            raise SignallingError(
                f"the appliance's SDP answer is unusable: {exc}", code="bad_response"
            ) from exc
        try:
            await asyncio.wait_for(
                asyncio.gather(connected.wait(), opened.wait()), self.connect_timeout_s
            )
        except TimeoutError:
            raise SignallingError(
                f"no WebRTC connection within {self.connect_timeout_s:g} s "
                f"(state {pc.connectionState}, events channel {channel.readyState})",
                code="connection_failed",
            ) from None
        if pc.connectionState != "connected":
            raise SignallingError(
                f"WebRTC connection {pc.connectionState}", code="connection_failed"
            )

    def _on_message(self, message: str | bytes) -> None:
        try:
            typed = from_json(message)
        except EventError as exc:
            log.warning("dropped a message on the events channel (%s): %r", exc, message[:200])
            return
        event = ChannelEvent(typed, time.monotonic())
        self.events.append(event)
        if self._on_event is not None:
            self._on_event(event)
        self._changes.notify()

    def send(self, message: Event | str) -> None:
        """Send one message to the appliance on the events channel (a headset's pose samples)."""
        if self._channel is None or self._channel.readyState != "open":
            raise SignallingError("the events channel is not open", code="not_started")
        self._channel.send(message if isinstance(message, str) else message.dumps())

    async def end(self) -> dict[str, Any]:
        """End the session (DELETE), close the connection; return ``{"session_id", "outcome"}``."""
        if self.ended is not None:
            return self.ended
        if self._http is None or self.session is None:
            raise SignallingError("no session to end", code="not_started")
        self.ended = await end_session(self._http, self.session.session_id, self.api_path)
        await self._close_peer()
        return self.ended

    async def drop(self) -> None:
        """Vanish without ending the session: close the peer connection only (fault tests)."""
        session_id = self.session.session_id if self.session else ""
        self.ended = {"session_id": session_id, "dropped": True}
        await self._close_peer()

    async def transcript(self) -> dict[str, Any]:
        """The appliance's transcript JSON for this session (works after ``end`` too)."""
        if self._http is None or self.session is None:
            raise SignallingError("no session", code="not_started")
        return await fetch_transcript(self._http, self.session.session_id, self.api_path)

    async def _close_peer(self) -> None:
        self.mic.stop()
        if self._pc is not None:
            await self._pc.close()
        await self.recorder.stop()
        self._changes.notify()

    async def _close(self) -> None:
        try:
            await self._close_peer()
        finally:
            if self._http is not None:
                await self._http.aclose()

    # ---- speaking and listening --------------------------------------------------------------

    @property
    def connection_state(self) -> str:
        """The peer connection's state (``connected``, ``failed``, ``closed`` …)."""
        return self._state

    @property
    def frames(self) -> list[FrameLevel]:
        """Every received reply frame so far: arrival time, level, place in the recording."""
        return self.recorder.frames

    def recorded_audio(self) -> Audio:
        """Everything received from the subject so far, 48 kHz mono (silence included)."""
        return self.recorder.audio()

    def save_recording(self, path: Path) -> None:
        """Write the subject's received audio to a WAV file."""
        audio = self.recorded_audio()
        write_wav(path, audio.samples, audio.sample_rate)

    def events_of(self, *types: str, after: float = float("-inf")) -> list[ChannelEvent]:
        """Events of these types (any type when none given) received at or after ``after``."""
        return [e for e in self.events if (not types or e.type in types) and e.received_at >= after]

    async def wait_event(
        self, type_: str, timeout_s: float = 30.0, *, after: float = float("-inf")
    ) -> ChannelEvent:
        """The first event of ``type_`` received at/after ``after``, waiting up to ``timeout_s``."""
        deadline = asyncio.get_running_loop().time() + timeout_s

        def found() -> ChannelEvent | None:
            matches = self.events_of(type_, after=after)
            return matches[0] if matches else None

        result: ChannelEvent = await self._changes.until(found, deadline, f"a {type_!r} event")
        return result

    async def say(self, samples: FloatPCM, sample_rate: int) -> Utterance:
        """Speak one utterance in real time (silence follows); return once it has all been sent."""
        playback = self.mic.play(samples, sample_rate)
        utterance = await playback.done
        self._last_utterance = utterance
        return utterance

    async def wait_reply(
        self, timeout_s: float = 60.0, *, quiet_s: float = 0.3, max_gap_s: float = 5.0
    ) -> ReplyResult:
        """Wait for the subject's whole reply to the last utterance and time its onset.

        The reply is over once the appliance's ``turn.timing`` event for it has arrived and the
        audio has been quiet for ``quiet_s``, or after ``max_gap_s`` of silence with every
        ``persona.speech.start`` matched by an end. An ``error`` event before any reply audio
        raises ``TurnError``.
        """
        utterance = self._last_utterance
        if utterance is None:
            raise RuntimeError("say() an utterance before waiting for its reply")
        t0 = utterance.voiced_end_at
        deadline = asyncio.get_running_loop().time() + timeout_s

        def onset() -> FrameLevel | ChannelEvent | None:
            first = first_voiced_after(self.frames, t0, self.threshold_dbfs)
            if first is not None:
                return first
            errors = self.events_of("error", after=t0)
            if errors:
                return errors[0]
            return self._closed_event()

        started = await self._changes.until(onset, deadline, "the subject's reply audio")
        if isinstance(started, ChannelEvent) and isinstance(started.event, SessionEnded):
            outcome = started.event.outcome
            raise TurnError(f"the session ended ({outcome}) before a reply", code="session_ended")
        if isinstance(started, ChannelEvent) and isinstance(started.event, ErrorEvent):
            raise TurnError(started.event.message, code=started.event.code)
        first: FrameLevel = started

        def finished() -> bool:
            silent = trailing_silence_s(self.frames, first.at, self.threshold_dbfs)
            if self.events_of("turn.timing", after=t0) and silent >= quiet_s:
                return True
            speech = self.events_of("persona.speech.start", "persona.speech.end", after=t0)
            ends = sum(e.type == "persona.speech.end" for e in speech)
            balanced = ends > 0 and 2 * ends >= len(speech)
            return (balanced and silent >= max_gap_s) or self._closed_event() is not None

        await self._changes.until(finished, deadline, "the end of the subject's reply")
        last = last_voiced_after(self.frames, first.at, self.threshold_dbfs) or first
        turn_events = tuple(self.events_of(after=utterance.started_at))
        # Text and timings come after the officer stopped: earlier ones belong to a reply cut off.
        replies = tuple(self.events_of(after=t0))
        return ReplyResult(
            latency_ms=(first.at - t0) * 1000.0,
            text=_subject_text(replies),
            heard=" ".join(
                e.event.text
                for e in replies
                if isinstance(e.event, TranscriptFinal) and e.event.speaker == "officer"
            ),
            audio=self.recorder.audio(first.offset, last.offset + last.length).samples,
            stages_ms=_stages(replies),
            events=turn_events,
            utterance=utterance,
            first_frame_at=first.at,
            last_frame_at=last.at,
        )

    async def barge_in(
        self, samples: FloatPCM, sample_rate: int, *, timeout_s: float = 30.0, gap_s: float = 0.5
    ) -> BargeInResult:
        """Talk over the subject and measure when its audio stopped (the turn after it goes on).

        Returns once the utterance is sent, the appliance's ``barge_in`` event has arrived and the
        subject's audio has been silent for ``gap_s`` after that event.
        """
        playback = self.mic.play(samples, sample_rate)
        speech_at = await playback.started
        deadline = asyncio.get_running_loop().time() + timeout_s
        event = await self.wait_event("barge_in", timeout_s, after=speech_at)

        def stopped() -> bool:
            return stop_before_gap(
                self.frames, speech_at, event.received_at, gap_s, self.threshold_dbfs
            ).settled

        await self._changes.until(stopped, deadline, "the subject's audio to stop")
        stop = stop_before_gap(
            self.frames, speech_at, event.received_at, gap_s, self.threshold_dbfs
        )
        utterance = await playback.done
        self._last_utterance = utterance
        last = stop.last_voiced
        return BargeInResult(
            speech_started_at=speech_at,
            event=event,
            last_voiced_at=last.at if last else None,
            stop_after_event_ms=(last.at - event.received_at) * 1000.0 if last else None,
            stop_after_speech_ms=(last.at - speech_at) * 1000.0 if last else None,
            utterance=utterance,
        )

    def _closed_event(self) -> ChannelEvent | None:
        ended = self.events_of("session.ended")
        if ended:
            return ended[0]
        if self._state in ("failed", "closed"):
            return ChannelEvent(
                ErrorEvent("connection_lost", f"WebRTC connection {self._state}"), time.monotonic()
            )
        return None


def _subject_text(events: tuple[ChannelEvent, ...]) -> str:
    finals = [
        e.event.text
        for e in events
        if isinstance(e.event, TranscriptFinal) and e.event.speaker != "officer"
    ]
    if finals:
        return " ".join(finals)
    return " ".join(e.event.text for e in events if isinstance(e.event, SpeechStart))


def _stages(events: tuple[ChannelEvent, ...]) -> dict[str, float]:
    for e in events:
        if isinstance(e.event, TurnTiming):
            return dict(e.event.stages_ms)
    return {}
