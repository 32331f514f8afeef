"""The session's audio tap without a network: both sides land on the session clock by their own
timestamps, stalls and bursts included, and the recording is a real Ogg/Opus stereo file."""

from __future__ import annotations

import fractions
from pathlib import Path

import av
import numpy as np

from appliance.sessions.audio_tap import SessionAudio

RATE, FRAME = 48_000, 960


class Clock:
    """A session clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def tone(hz: float, n: int = FRAME, level: float = 8000.0) -> np.ndarray:
    return (np.sin(2 * np.pi * hz * np.arange(n) / RATE) * level).astype(np.int16)


def inbound(pcm: np.ndarray, pts: int) -> av.AudioFrame:
    """A decoded WebRTC frame as aiortc hands it over: stereo s16 with its RTP time."""
    both = np.repeat(pcm, 2).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(both, format="s16", layout="stereo")
    frame.sample_rate, frame.pts, frame.time_base = RATE, pts, fractions.Fraction(1, RATE)
    return frame


def decode(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


def level(channel: np.ndarray, start: float, end: float) -> float:
    part = channel[int(start * RATE) : int(end * RATE)]
    return float(np.sqrt(np.mean(part.astype(np.float64) ** 2)))


async def test_both_sides_keep_their_place_through_a_stall_and_a_burst(tmp_path: Path) -> None:
    clock = Clock()
    tap = SessionAudio(clock, tmp_path / "s.ogg")
    clock.t = 0.5  # the peer connects half a second into the session
    pts = 1_000_000  # RTP time starts anywhere
    for k in range(200):  # 4 s each side; the officer speaks during second 1–2 of their audio
        officer = tone(300) if 50 <= k < 100 else np.zeros(FRAME, np.int16)
        subject = tone(900) if 150 <= k < 200 else np.zeros(FRAME, np.int16)
        if k == 100:
            clock.t += 1.0  # the event loop stalls for a second ...
        burst = 100 <= k < 150  # ... and both sides catch up in a burst at one clock reading
        if not burst:
            clock.t += FRAME / RATE
        tap.officer(inbound(officer, pts + k * FRAME))
        tap.subject(subject)
    path = await tap.close()
    assert path == tmp_path / "s.ogg" and tap.recorded == path
    stereo = decode(path)
    assert abs(stereo.shape[1] / RATE - 4.5) < 0.1  # the stall added nothing
    left, right = stereo[0], stereo[1]
    assert level(left, 1.6, 2.4) > 0.1 and level(right, 1.6, 2.4) < 0.01  # officer: 1.5–2.5 s
    assert level(right, 3.6, 4.4) > 0.1 and level(left, 3.6, 4.4) < 0.01  # subject: 3.5–4.5 s


async def test_a_side_processed_late_still_lands_on_its_own_time(tmp_path: Path) -> None:
    clock = Clock()
    tap = SessionAudio(clock, tmp_path / "late.ogg")
    for k in range(300):  # 6 s; the officer speaks in second 2–3
        clock.t += FRAME / RATE
        tap.subject(np.zeros(FRAME, np.int16))
        if k < 50:  # the first second arrives on time ...
            tap.officer(inbound(np.zeros(FRAME, np.int16), k * FRAME))
    for k in range(50, 300):  # ... the rest five seconds late, in one go (a busy consumer)
        clock.t += 0.001
        officer = tone(300) if 100 <= k < 150 else np.zeros(FRAME, np.int16)
        tap.officer(inbound(officer, k * FRAME))
    path = await tap.close()
    assert path is not None
    left = decode(path)[0]
    assert level(left, 2.1, 2.9) > 0.1 and level(left, 3.2, 5.0) < 0.01


async def test_nothing_heard_nothing_kept(tmp_path: Path) -> None:
    tap = SessionAudio(Clock(), tmp_path / "empty.ogg")
    assert await tap.close() is None and not (tmp_path / "empty.ogg").exists()


async def test_without_recording_or_listeners_the_tap_does_nothing() -> None:
    tap = SessionAudio(Clock())
    tap.officer(inbound(tone(300), 0))
    tap.subject(tone(900))
    assert tap.listeners == 0 and await tap.close() is None
