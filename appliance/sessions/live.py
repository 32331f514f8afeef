"""One officer's live session: the WebRTC peer, its tracks and the ``events`` data channel.

Everything between the inbound audio and the reply audio is the transport-free ``Call``
(``appliance/turn/call.py``); this module only moves audio and events in and out.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiortc import RTCConfiguration, RTCDataChannel, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from appliance.audio.frames import float_to_int16, int16_to_float, resample
from appliance.audio.inbound import InboundConverter
from appliance.audio.outbound_track import PacedAudioTrack
from appliance.audio.pacing import RATE as OUT_RATE
from appliance.engine import Engine
from appliance.errors import SessionConflict, SignallingError
from appliance.inference.tts import Speech
from appliance.persona.scenario import Scenario
from appliance.sessions.audio_tap import SessionAudio
from appliance.sessions.feed import EventFeed
from appliance.sessions.jitter import hold_less
from appliance.turn.call import Call
from appliance.turn.conversation import Conversation
from appliance.turn.events import Event, SessionEnded
from appliance.turn.pose_input import PoseInput

log = logging.getLogger(__name__)


class TrackOutput:
    """The reply's ``Output`` on a paced WebRTC track: each line resampled to 48 kHz."""

    def __init__(self, track: PacedAudioTrack) -> None:
        self.track = track

    def play(
        self, speech: Speech, on_start: Callable[[], None], on_end: Callable[[], None]
    ) -> None:
        """Queue one line on the track (cached lines come at its rate: queued as they are)."""
        pcm = speech.pcm
        if speech.sample_rate != OUT_RATE:
            pcm = float_to_int16(resample(int16_to_float(pcm), speech.sample_rate, OUT_RATE))
        self.track.play(pcm, on_start=on_start, on_end=on_end)

    async def wait_idle(self) -> None:
        """Return once the track has played everything queued."""
        await self.track.wait_idle()

    def flush(self) -> float:
        """Silence the track from the next frame; the seconds dropped."""
        return self.track.flush()

    @property
    def speaking(self) -> bool:
        """Whether speech is queued or playing."""
        return self.track.speaking

    @property
    def late_frames(self) -> int:
        """Frames the track produced after their due time."""
        return self.track.late_frames

    @property
    def lead_s(self) -> float:
        """Callbacks fire as a line's first frame leaves."""
        return 0.0


class LiveSession:
    """Owns its peer connection and its call; ``end()`` closes everything it holds."""

    def __init__(
        self,
        session_id: str,
        officer: dict[str, str],
        scenario: Scenario,
        engine: Engine,
        on_ended: Callable[[LiveSession], Awaitable[None]],
        feed: EventFeed | None = None,
        record_to: Path | None = None,
        demo: bool = False,
    ) -> None:
        assert engine.analyzer is not None
        self.id = session_id
        self.scenario = scenario
        self.engine = engine
        self.conversation = Conversation(
            scenario,
            engine.analyzer,
            session_id=session_id,
            officer=officer,
            topic_threshold=engine.settings.persona.topic_threshold,
            demo=demo,
        )
        self.created = time.monotonic()
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # LAN only: no public STUN
        self.out = PacedAudioTrack()
        self.audio = SessionAudio(self.now, record_to)  # recording and listen-in
        self.out.on_frame = self.audio.subject
        self.call = Call(
            engine, self.conversation, TrackOutput(self.out), self.send, self.now, self._outcome
        )
        self.poses = PoseInput(self.conversation, self.send, self.now)  # headset sessions
        self.channel: RTCDataChannel | None = None
        self.outcome: str | None = None
        self._on_ended = on_ended
        self._feed = feed
        self._pending: list[str] = []
        self._offered = False
        self._tap_failed = False  # the recording/listen-in tap broke: the call goes on without
        self._inbound_timeout_s = engine.settings.server.inbound_timeout_s
        self._connected_at: float | None = None
        self._last_audio = 0.0
        self._ended = asyncio.Event()
        self.pc.on("datachannel", self._on_datachannel)
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_connection_state)

    def now(self) -> float:
        """Seconds since the session was created."""
        return time.monotonic() - self.created

    @property
    def errors(self) -> list[dict[str, str]]:
        """The failures of this session's turns, in order."""
        return self.call.errors

    def send(self, event: Event) -> None:
        """Send an event on the ``events`` data channel (queued until it opens) and the console."""
        if self._feed is not None:
            self._feed.publish(self.id, event)
        payload = event.dumps()
        if self.channel is None or self.channel.readyState != "open":
            self._pending.append(payload)
        elif self.pc.connectionState == "connected":
            # Not once the transport is gone: aiortc's flush task would fail unobserved.
            self.channel.send(payload)

    def _outcome(self, outcome: str) -> None:
        self.call.spawn(self.end(outcome), "end")

    # ---- signalling -------------------------------------------------------------------------

    async def accept_offer(self, sdp: str, type_: str) -> RTCSessionDescription:
        """Answer a non-trickle offer (the answer carries all ICE candidates)."""
        if self._offered:
            raise SessionConflict(
                f"session {self.id} already has a peer connection; start a new session"
            )
        if type_ != "offer":
            raise SignallingError(f"expected an SDP offer, got type {type_!r}")
        if not re.search(r"^m=audio ", sdp, re.MULTILINE):
            raise SignallingError("the offer has no audio track (the microphone must be sent)")
        self._offered = True
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        except (ValueError, KeyError, IndexError, AssertionError, TypeError) as exc:
            self._offered = False  # nothing was set up: the client may offer again
            raise SignallingError(f"malformed SDP offer: {exc or type(exc).__name__}") from None
        self.pc.addTrack(self.out)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        self.call.start()
        return self.pc.localDescription

    def _on_datachannel(self, channel: RTCDataChannel) -> None:
        if channel.label != "events":
            return
        self.channel = channel
        channel.on("message", self._on_message)
        for payload in self._pending:
            channel.send(payload)
        self._pending.clear()

    def _on_message(self, message: str | bytes) -> None:
        """The device's messages: only pose samples are expected (the gate drops the rest)."""
        if not self.ended:
            self.poses.receive(message)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":  # before any packet arrives (the offer is being answered)
            for receiver in self.pc.getReceivers():
                if receiver.track is track:
                    hold_less(receiver)
        self.call.spawn(self._consume(track), f"inbound-{track.kind}")

    async def _on_connection_state(self) -> None:
        if self.pc.connectionState == "connected" and self._connected_at is None:
            self._connected_at = time.monotonic()
        if self.pc.connectionState in ("failed", "closed"):
            self.call.spawn(self.end("disconnected"), "end")

    async def _consume(self, track: MediaStreamTrack) -> None:
        """Read every frame of an inbound track; audio goes to the call."""
        converter = InboundConverter() if track.kind == "audio" else None
        if converter is not None:
            self.call.spawn(self._watch_inbound(), "inbound-watch")
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if converter is not None:  # video or other kinds: read and dropped
                self._last_audio = time.monotonic()
                pcm = converter.convert(frame)  # type: ignore[arg-type]
                self._tap(frame)
                await self.call.feed(pcm)

    def _tap(self, frame: Any) -> None:
        """Hand a frame to the recording and listen-in; their failure never stops the call."""
        if self._tap_failed:
            return
        try:
            self.audio.officer(frame)
        except Exception:
            self._tap_failed = True
            log.exception("officer audio tap failed", extra={"session": self.id})

    async def _watch_inbound(self) -> None:
        """End the session once a connected device has sent no audio for a while.

        A connected device sends audio every 20 ms (silence included), so none for
        ``server.inbound_timeout_s`` means it is gone: the session ends then, not after ICE's
        30 s consent expiry. Silence is counted in ticks that came on time: while the event loop
        itself stalls, audio may be waiting unread, so that time does not count.
        """
        step = min(0.5, self._inbound_timeout_s / 4)
        silent, seen = 0.0, self._last_audio
        while True:
            before = time.monotonic()
            await asyncio.sleep(step)
            late = time.monotonic() - before - step
            if self._connected_at is None or self._last_audio != seen:
                silent, seen = 0.0, self._last_audio
                continue
            if late > step:
                continue
            silent += step
            if silent >= self._inbound_timeout_s:
                log.info("no audio from the device: it is gone", extra={"session": self.id})
                self.call.spawn(self.end("disconnected"), "end")
                return

    # ---- instructor controls and the end ----------------------------------------------------

    def inject(self, name: str) -> dict[str, Any]:
        """Apply an instructor inject from the scenario card; returns the new state event."""
        return self.call.inject(name).to_json()

    def nudge(self, delta: float, reason: str) -> dict[str, Any]:
        """Instructor override of the subject's agitation."""
        return self.call.nudge(delta, reason).to_json()

    async def listen(self, sdp: str) -> RTCSessionDescription:
        """Let a console listen in (receive-only) from its offer; the answer."""
        if self.ended:
            raise SessionConflict(f"session {self.id} has ended: listen-in is for live sessions")
        return await self.audio.listen(sdp)

    def expire_unless_connected(self, timeout_s: float) -> None:
        """End the session (``not_connected``) if its device is not connected in ``timeout_s``."""
        self.call.spawn(self._connect_deadline(timeout_s), "connect-deadline")

    async def _connect_deadline(self, timeout_s: float) -> None:
        await asyncio.sleep(timeout_s)
        if self.pc.connectionState != "connected":
            log.info("no device connected in time", extra={"session": self.id})
            await self.end("not_connected")

    async def discard(self) -> None:
        """Release a session that never started (its creation failed): nothing is reported."""
        self._ended.set()
        await self.call.close()
        self.out.stop()
        await self.pc.close()

    @property
    def ended(self) -> bool:
        """Whether the session is over."""
        return self._ended.is_set()

    async def end(self, outcome: str) -> None:
        """End the session once: stop every task, tell the client, close the peer."""
        if self._ended.is_set():
            return
        self._ended.set()
        self.outcome = outcome
        await self.call.close()
        self.send(SessionEnded(outcome, f"/api/sessions/{self.id}/review"))
        await asyncio.sleep(0.05)  # let the last event leave before the transport closes
        self.out.stop()
        await self.pc.close()
        await self.audio.close()
        await self._on_ended(self)

    def summary(self) -> dict[str, Any]:
        """A short description for listings and the console."""
        state = self.conversation.persona.state
        return {
            "session_id": self.id,
            "officer": self.conversation.officer,
            "scenario_id": self.scenario.id,
            "elapsed_s": round(self.now(), 1),
            "agitation": state.agitation,
            "stage": state.stage,
            "outcome": self.outcome,
            "turns": len(self.conversation.turns),
            "pose": self.poses.stats(),
        }
