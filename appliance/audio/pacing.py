"""20 ms frames at 48 kHz released at their due time: the outbound reply and the listen-in mix."""

from __future__ import annotations

import asyncio
import fractions
import time

from av import AudioFrame

from appliance.audio.frames import Int16PCM

RATE = 48_000
FRAME = 960  # 20 ms at 48 kHz
_TIME_BASE = fractions.Fraction(1, RATE)
LATE_S = 0.020  # a frame released this much after its due time leaves a gap the client hears


class FramePacer:
    """Waits until each next frame is due on the monotonic clock; counts frames made late."""

    def __init__(self) -> None:
        self._start: float | None = None
        self.pts = 0  # the current frame's timestamp, in samples
        self.late_frames = 0  # frames produced after their due time (pacing underruns)

    async def next(self) -> int:
        """Wait for the next frame's due time; its timestamp."""
        now = time.monotonic()
        if self._start is None:
            self._start = now
        else:
            self.pts += FRAME
            due = self._start + self.pts / RATE
            if due > now:
                await asyncio.sleep(due - now)
            # Late on waking counts too: a loop busy past the due time holds the frame back.
            if time.monotonic() - due > LATE_S:
                self.late_frames += 1
        return self.pts


def s16_frame(pcm: Int16PCM, pts: int) -> AudioFrame:
    """One mono 48 kHz frame of ``pcm`` with timestamp ``pts``."""
    frame = AudioFrame(format="s16", layout="mono", samples=len(pcm))
    frame.planes[0].update(pcm.tobytes())
    frame.sample_rate = RATE
    frame.pts = pts
    frame.time_base = _TIME_BASE
    return frame
