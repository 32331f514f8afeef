"""The call's rolling audio buffer: the stream's samples by absolute index, without churn."""

import tracemalloc

import numpy as np

from appliance.audio.frames import SAMPLE_RATE
from appliance.audio.utterance_buffer import UtteranceBuffer

FRAME = 320  # 20 ms at 16 kHz, as a live call appends it


def test_slices_are_the_stream_across_trims_moves_and_growth() -> None:
    rng = np.random.default_rng(7)
    keep = 4_000
    buf = UtteranceBuffer(keep_samples=keep)
    stream = rng.standard_normal(200_000).astype(np.float32)
    pos = 0
    while pos < len(stream):
        n = int(rng.integers(1, 3 * FRAME))
        buf.append(stream[pos : pos + n])
        pos = min(pos + n, len(stream))
        if rng.random() < 0.7:  # idle: forget what is older than a second
            buf.trim(pos - 1_000)
        a = int(rng.integers(max(0, pos - 2 * keep), pos + 1))
        b = int(rng.integers(a, pos + 500))
        lo = max(a, pos - keep) if rng.random() < 0.5 else a
        got = buf.slice(lo, b)
        held_from = buf.end - len(buf.slice(0, buf.end))
        want = stream[max(lo, held_from) : min(b, pos)]
        assert buf.end == pos and np.array_equal(got, want)
    assert len(buf.slice(0, buf.end)) >= keep  # the last ``keep_samples`` are always held


def test_a_long_utterance_is_held_whole() -> None:
    buf = UtteranceBuffer(keep_samples=1_000)
    speech = np.arange(10_000, dtype=np.float32)
    for i in range(0, len(speech), FRAME):  # no trim while the officer speaks
        buf.append(speech[i : i + FRAME])
    assert np.array_equal(buf.slice(0, buf.end), speech)


def test_a_slice_taken_stays_as_it_was() -> None:
    buf = UtteranceBuffer(keep_samples=2 * FRAME)
    buf.append(np.ones(FRAME, np.float32))
    taken = buf.slice(0, FRAME)
    for _ in range(20):
        buf.append(np.zeros(FRAME, np.float32))
        buf.trim(buf.end - FRAME)
    assert np.array_equal(taken, np.ones(FRAME, np.float32))


def test_a_live_call_allocates_no_audio_per_frame() -> None:
    keep = SAMPLE_RATE * 30
    buf = UtteranceBuffer(keep_samples=keep)
    frame = np.full(FRAME, 0.1, np.float32)
    for _ in range(keep // FRAME + 10):  # full: from now on every idle frame trims
        buf.append(frame)
        buf.trim(buf.end - SAMPLE_RATE)
    tracemalloc.start()
    try:
        for _ in range(50 * 60):  # a minute of an idle officer's frames
            buf.append(frame)
            buf.trim(buf.end - SAMPLE_RATE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024  # the 30 s held are ~1.9 MB: never copied, never reallocated
