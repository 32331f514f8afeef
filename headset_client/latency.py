"""Client-side turn timing from levels: officer's last voiced frame, reply onset, reply stop."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from appliance.audio.frames import FloatPCM, rms_dbfs

SILENCE_DBFS = -45.0
FRAME_S = 0.02


@dataclass(frozen=True)
class FrameLevel:
    """One received frame: arrival time (monotonic s), level (dBFS) and place in the recording."""

    at: float
    dbfs: float
    offset: int
    length: int

    def voiced(self, threshold_dbfs: float = SILENCE_DBFS) -> bool:
        """Whether the frame is louder than the silence threshold."""
        return self.dbfs > threshold_dbfs


@dataclass(frozen=True)
class Stop:
    """Where received audio went quiet: ``settled`` once the silence lasted long enough."""

    settled: bool
    last_voiced: FrameLevel | None


def voiced_end(
    samples: FloatPCM,
    sample_rate: int,
    threshold_dbfs: float = SILENCE_DBFS,
    frame_s: float = FRAME_S,
) -> int | None:
    """Sample index just past the last voiced frame of a clip; None when no frame is voiced."""
    step = max(1, round(sample_rate * frame_s))
    for start in range(((len(samples) - 1) // step) * step, -1, -step):
        if rms_dbfs(samples[start : start + step]) > threshold_dbfs:
            return min(len(samples), start + step)
    return None


def _index_at(frames: Sequence[FrameLevel], t: float) -> int:
    return bisect.bisect_left(frames, t, key=lambda f: f.at)


def first_voiced_after(
    frames: Sequence[FrameLevel], t: float, threshold_dbfs: float = SILENCE_DBFS
) -> FrameLevel | None:
    """The first voiced frame that arrived at or after ``t``."""
    for frame in frames[_index_at(frames, t) :]:
        if frame.voiced(threshold_dbfs):
            return frame
    return None


def last_voiced_after(
    frames: Sequence[FrameLevel], t: float, threshold_dbfs: float = SILENCE_DBFS
) -> FrameLevel | None:
    """The latest voiced frame that arrived at or after ``t``."""
    start = _index_at(frames, t)
    for i in range(len(frames) - 1, start - 1, -1):
        if frames[i].voiced(threshold_dbfs):
            return frames[i]
    return None


def trailing_silence_s(
    frames: Sequence[FrameLevel], since: float, threshold_dbfs: float = SILENCE_DBFS
) -> float:
    """How long the received audio has been silent, counting from ``since`` at the earliest."""
    if not frames:
        return 0.0
    last = last_voiced_after(frames, since, threshold_dbfs)
    return frames[-1].at - (last.at if last is not None else since)


def stop_before_gap(
    frames: Sequence[FrameLevel],
    since: float,
    not_before: float,
    gap_s: float,
    threshold_dbfs: float = SILENCE_DBFS,
) -> Stop:
    """The last voiced frame since ``since`` before the first ``gap_s`` silence past ``not_before``.

    Used for barge-in: ``since`` is when the officer started talking and ``not_before`` when the
    appliance announced the barge-in, so a pause in the reply before the barge-in does not count.
    """
    last: FrameLevel | None = None
    for frame in frames[_index_at(frames, since) :]:
        if frame.voiced(threshold_dbfs):
            last = frame
        elif frame.at >= not_before and frame.at - (last.at if last else since) >= gap_s:
            return Stop(True, last)
    return Stop(False, last)
