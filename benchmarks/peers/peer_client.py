"""A headset for the Pipecat peer: the reference client's microphone and recorder, its signalling.

The officer's audio goes out through the same ``MicTrack`` (real-time 20 ms Opus frames) and the
reply is timed by the same ``Recorder`` and level rules as ``HeadsetClient``: from the frame that
carried the officer's last voiced sample to the first voiced reply frame received. Pipecat's
SmallWebRTC answers a plain ``POST /offer`` (non-trickle); it sends no per-turn events, so a reply
is over after ``quiet_s`` of received silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from appliance.audio.frames import FloatPCM
from headset_client.latency import (
    SILENCE_DBFS,
    FrameLevel,
    first_voiced_after,
    last_voiced_after,
)
from headset_client.mic_track import MicTrack, Utterance
from headset_client.recorder import Recorder


@dataclass(frozen=True)
class PeerReply:
    """One reply as received: onset latency and the span of its voiced frames."""

    latency_ms: float
    first_frame_at: float
    last_frame_at: float
    heard: str  # Pipecat's transcript of the officer (RTVI ``user-transcription``, final)
    text: str  # what the bot said (RTVI ``bot-tts-text``)


class PeerClient:
    """``async with PeerClient(url) as c``: ``say`` an utterance, ``wait_reply`` for its answer."""

    def __init__(self, base_url: str, *, connect_timeout_s: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.connect_timeout_s = connect_timeout_s
        self.mic = MicTrack(SILENCE_DBFS)
        self._pulse = asyncio.Event()
        self.recorder = Recorder(on_frame=lambda _f: self._pulse.set())
        self._pc: RTCPeerConnection | None = None
        self._last: Utterance | None = None
        self.messages: list[tuple[float, dict[str, Any]]] = []  # RTVI messages, received at

    @property
    def frames(self) -> list[FrameLevel]:
        """Every reply frame received so far."""
        return self.recorder.frames

    async def __aenter__(self) -> Self:
        pc = self._pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        connected = asyncio.Event()

        @pc.on("connectionstatechange")
        def _state() -> None:
            if pc.connectionState in ("connected", "failed", "closed"):
                connected.set()

        @pc.on("track")
        def _track(track: MediaStreamTrack) -> None:
            if track.kind == "audio":
                self.recorder.start(track)

        # Pipecat's web client opens one data channel; the bot sends its RTVI messages on it.
        channel = pc.createDataChannel("rtvi", ordered=True)
        channel.on("message", self._on_message)
        pc.addTransceiver(self.mic, direction="sendrecv")
        await pc.setLocalDescription(await pc.createOffer())
        async with httpx.AsyncClient(timeout=self.connect_timeout_s) as http:
            response = await http.post(
                f"{self.base_url}/offer", json={"sdp": pc.localDescription.sdp, "type": "offer"}
            )
            response.raise_for_status()
            answer = response.json()
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        await asyncio.wait_for(connected.wait(), self.connect_timeout_s)
        if pc.connectionState != "connected":
            raise ConnectionError(f"WebRTC connection to the peer {pc.connectionState}")
        return self

    def _on_message(self, message: str | bytes) -> None:
        with contextlib.suppress(ValueError):
            data = json.loads(message)
            if isinstance(data, dict):
                self.messages.append((time.monotonic(), data))

    def _texts(self, kind: str, after: float) -> str:
        out = []
        for at, m in self.messages:
            data = m.get("data") or {}
            if at >= after and m.get("type") == kind and data.get("final", True):
                out.append(str(data.get("text", "")).strip())
        return " ".join(t for t in out if t)

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.mic.stop()
        if self._pc is not None:
            await self._pc.close()
        await self.recorder.stop()

    async def say(self, samples: FloatPCM, sample_rate: int) -> Utterance:
        """Speak one utterance in real time; return once it has all been sent."""
        self._last = await self.mic.play(samples, sample_rate).done
        return self._last

    async def _until(self, ready: Callable[[], bool], deadline: float, what: str) -> None:
        """Wait for ``ready()``, woken by each frame or every 100 ms (a silent track may stall)."""
        loop = asyncio.get_running_loop()
        while not ready():
            self._pulse.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out waiting for {what}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._pulse.wait(), min(remaining, 0.1))

    async def wait_reply(self, timeout_s: float = 60.0, *, quiet_s: float = 2.0) -> PeerReply:
        """Time the onset of the reply to the last utterance; return once it has gone quiet."""
        if self._last is None:
            raise RuntimeError("say() an utterance before waiting for its reply")
        t0 = self._last.voiced_end_at
        deadline = asyncio.get_running_loop().time() + timeout_s
        await self._until(
            lambda: first_voiced_after(self.frames, t0) is not None, deadline, "reply audio"
        )
        first = first_voiced_after(self.frames, t0)
        assert first is not None

        def quiet() -> bool:
            last = last_voiced_after(self.frames, first.at) or first
            return time.monotonic() - last.at >= quiet_s

        with contextlib.suppress(TimeoutError):  # the onset is measured; a long reply may go on
            await self._until(quiet, deadline, "the end of the reply")
        last = last_voiced_after(self.frames, first.at) or first
        return PeerReply(
            latency_ms=(first.at - t0) * 1000.0,
            first_frame_at=first.at,
            last_frame_at=last.at,
            heard=self._texts("user-transcription", self._last.started_at),
            text=self._texts("bot-tts-text", t0),
        )
