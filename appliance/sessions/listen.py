"""Listen-in: a console's receive-only WebRTC peer that hears both sides of a live session."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from appliance.audio.listen_track import MixTrack
from appliance.errors import SignallingError

log = logging.getLogger(__name__)


class ListenPeer:
    """One listener: officer and subject mixed on one track; it sends the session nothing."""

    def __init__(self, on_closed: Callable[[ListenPeer], None]) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # LAN only, as the session
        self.track = MixTrack()
        self._on_closed = on_closed
        self._closed = False
        self._drains: set[asyncio.Task[None]] = set()
        self.pc.on("connectionstatechange", self._on_state)
        self.pc.on("track", self._on_track)

    async def answer(self, sdp: str) -> RTCSessionDescription:
        """Answer the console's offer (non-trickle: the answer carries every ICE candidate)."""
        if not re.search(r"^m=audio ", sdp, re.MULTILINE):
            raise SignallingError("the listen-in offer needs an audio section (receive-only)")
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        except (ValueError, KeyError, IndexError, AssertionError, TypeError) as exc:
            await self.close()
            raise SignallingError(f"malformed SDP offer: {exc or type(exc).__name__}") from None
        self.pc.addTrack(self.track)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return self.pc.localDescription

    def _on_track(self, track: MediaStreamTrack) -> None:
        # A listener should send nothing; if a browser sends anyway, read and drop it.
        async def drain() -> None:
            with contextlib.suppress(MediaStreamError):
                while True:
                    await track.recv()

        task = asyncio.ensure_future(drain())
        self._drains.add(task)
        task.add_done_callback(self._drains.discard)

    async def _on_state(self) -> None:
        if self.pc.connectionState in ("failed", "closed"):
            await self.close()

    async def close(self) -> None:
        """Stop the track and the peer connection (once); the session forgets this listener."""
        if self._closed:
            return
        self._closed = True
        self.track.stop()
        for task in list(self._drains):
            task.cancel()
        await self.pc.close()
        self._on_closed(self)
