"""Both sides of a live session's audio: recorded to Ogg/Opus when kept, and heard by listeners.

The officer's side is what the appliance received (decoded inbound frames), the subject's what it
sent (each outbound 20 ms frame). Each side is laid on the session's clock by its own media
timestamps (RTP time for the officer, the paced track's frame count for the subject), anchored to
the clock at its first frame and again only when the timestamps jump: frames that arrive late or
in a burst (a busy event loop, a slow consumer) land where they belong, a gap (before the peer
connects, a sender that paused) is silence, and the recording's second *t* is the transcript's
second *t*. The recording is stereo: officer left, subject right.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from aiortc import RTCSessionDescription
from av import AudioFrame, AudioResampler

from appliance.audio.frames import Int16PCM
from appliance.audio.ogg_opus import RATE, OggOpusWriter
from appliance.errors import SessionConflict
from appliance.sessions.listen import ListenPeer

log = logging.getLogger(__name__)
SIDES = ("officer", "subject")
JUMP_S = 3.0  # timestamps that jump this far (a restarted sender) re-anchor the side to the clock
LAG_S = 30.0  # the recording waits this long for a late side before it counts as silent
BLOCK_S = 0.5  # hand the encoder this much at a time
MAX_LISTENERS = 4


class _Lane:
    """One side's samples on the session clock, waiting to be written."""

    def __init__(self) -> None:
        self.chunks: list[Int16PCM] = []
        self.pos = 0  # samples placed since session second 0, silence included
        self.taken = 0  # samples handed to the encoder

    def pad_to(self, pos: int) -> None:
        if pos > self.pos:
            self.chunks.append(np.zeros(pos - self.pos, dtype=np.int16))
            self.pos = pos

    def place(self, pcm: Int16PCM, start: int) -> None:
        """Put samples at sample ``start``: silence before them, overlap with the past dropped."""
        if start < self.pos:
            pcm = pcm[self.pos - start :]
            start = self.pos
        if not len(pcm):
            return
        self.pad_to(start)
        self.chunks.append(pcm)
        self.pos += len(pcm)

    def take(self, n: int) -> Int16PCM:
        data = np.concatenate(self.chunks) if self.chunks else np.zeros(0, dtype=np.int16)
        out = np.zeros(n, dtype=np.int16)
        out[: min(n, len(data))] = data[:n]
        self.chunks = [data[n:]] if len(data) > n else []
        self.taken += n
        return out


class _Recorder:
    """Encodes the two lanes as stereo on its own thread, half a second at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lanes = {side: _Lane() for side in SIDES}
        self.failed = False
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recording")
        self._writer: Future[OggOpusWriter] = self._thread.submit(OggOpusWriter, path)

    def place(self, side: str, pcm: Int16PCM, start: int) -> None:
        if self.failed:
            return
        self.lanes[side].place(pcm, start)
        ahead = max(lane.pos for lane in self.lanes.values())
        for lane in self.lanes.values():  # a side that stopped sending is silence after a while
            lane.pad_to(ahead - int(LAG_S * RATE))
        ready = min(lane.pos for lane in self.lanes.values()) - self.lanes["officer"].taken
        if ready >= BLOCK_S * RATE:
            self._write(ready)

    def _write(self, n: int) -> None:
        stereo = np.stack([self.lanes[side].take(n) for side in SIDES], axis=1)
        self._thread.submit(self._encode, stereo).add_done_callback(self._check)

    def _encode(self, stereo: np.ndarray) -> None:
        self._writer.result().write(stereo)

    def _check(self, done: Future[None]) -> None:
        error = done.exception()
        if error is not None and not self.failed:
            self.failed = True
            log.error("session recording stopped: %s", error)

    async def close(self) -> Path | None:
        """Write what is left, close the file; the path, or None when nothing was recorded."""
        if not self.failed:
            end = max(lane.pos for lane in self.lanes.values())
            rest = end - self.lanes["officer"].taken
            if rest > 0:
                self._write(rest)

        def finish() -> float:
            writer = self._writer.result()
            writer.close()
            return writer.seconds

        try:
            seconds = await asyncio.wrap_future(self._thread.submit(finish))
        except Exception as exc:  # a recording that cannot be finished is not kept
            log.error("session recording not kept: %s", exc)
            seconds, self.failed = 0.0, True
        finally:
            self._thread.shutdown(wait=False)
        if self.failed or seconds <= 0.0:  # a failed or empty recording is not kept
            self.path.unlink(missing_ok=True)
            return None
        return self.path


class SessionAudio:
    """A live session's audio tap: call ``officer``/``subject`` with each frame as it passes."""

    def __init__(self, clock: Callable[[], float], record_to: Path | None = None) -> None:
        self.clock = clock
        self.recorded: Path | None = None
        self._recorder = _Recorder(record_to) if record_to is not None else None
        self._listeners: set[ListenPeer] = set()
        self._resampler: AudioResampler | None = None
        self._anchors: dict[str, int] = {}  # per side: session sample of media timestamp 0
        self._next: dict[str, int] = {}  # per side: the media timestamp expected next
        self._subject_frames = 0

    @property
    def listeners(self) -> int:
        """Consoles listening in now."""
        return len(self._listeners)

    def _wanted(self) -> bool:
        return self._recorder is not None or bool(self._listeners)

    def officer(self, frame: AudioFrame) -> None:
        """One decoded inbound frame (any layout) of the officer's microphone."""
        if not self._wanted():
            return
        if self._resampler is None:
            self._resampler = AudioResampler(format="s16", layout="mono", rate=RATE)
        parts = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        if parts:
            pcm = np.concatenate(parts).astype(np.int16, copy=False)
            stamp = None
            if frame.pts is not None and frame.time_base is not None:
                stamp = round(frame.pts * frame.time_base * RATE)
            self._deliver("officer", pcm, stamp)

    def subject(self, pcm: Int16PCM) -> None:
        """One outbound 20 ms frame (48 kHz mono) as it leaves for the officer."""
        stamp = self._subject_frames * len(pcm)
        self._subject_frames += 1
        if self._wanted():
            self._deliver("subject", pcm, stamp)

    def _start(self, side: str, stamp: int | None, n: int) -> int:
        """The session sample where a chunk starts, from its media timestamp when it has one."""
        arrived = round(self.clock() * RATE) - n  # what the clock says (ends arriving now)
        if stamp is None:
            return arrived
        anchor, expected = self._anchors.get(side), self._next.get(side)
        if anchor is None or expected is None or abs(stamp - expected) > JUMP_S * RATE:
            anchor = self._anchors[side] = arrived - stamp
        self._next[side] = stamp + n
        return anchor + stamp

    def _deliver(self, side: str, pcm: Int16PCM, stamp: int | None) -> None:
        if self._recorder is not None:
            self._recorder.place(side, pcm, self._start(side, stamp, len(pcm)))
        for peer in self._listeners:
            peer.track.push(side, pcm)

    async def listen(self, sdp: str) -> RTCSessionDescription:
        """Add a receive-only listener from a console's offer; its answer."""
        if len(self._listeners) >= MAX_LISTENERS:
            raise SessionConflict(
                f"{MAX_LISTENERS} consoles are already listening in to this session;"
                " try again when one stops"
            )
        peer = ListenPeer(self._listeners.discard)
        answer = await peer.answer(sdp)
        self._listeners.add(peer)
        return answer

    async def close(self) -> Path | None:
        """Hang up every listener and finish the recording; the recording's path, if any."""
        for peer in list(self._listeners):
            with contextlib.suppress(Exception):
                await peer.close()
        if self._recorder is not None:
            self.recorded = await self._recorder.close()
            self._recorder = None
        return self.recorded
