"""The streaming endpointer on real synthesized speech with silences of known length."""

from collections.abc import Callable

import numpy as np
import pytest

from appliance.audio.endpointing import Endpointer, VADEvent
from appliance.audio.frames import SAMPLE_RATE, rms_dbfs
from appliance.audio.vad import CHUNK
from appliance.engine import Engine

Speak = Callable[[str], np.ndarray]
TOLERANCE_S = 0.100


def voiced_bounds(x: np.ndarray) -> tuple[float, float]:
    """First and last 10 ms frame above -45 dBFS: the ground truth of where speech is."""
    hop = SAMPLE_RATE // 100
    loud = [i for i in range(0, len(x) - hop, hop) if rms_dbfs(x[i : i + hop]) > -45.0]
    return loud[0] / SAMPLE_RATE, (loud[-1] + hop) / SAMPLE_RATE


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def run(engine: Engine, audio: np.ndarray, chunk: int = 320) -> list[VADEvent]:
    """Feed in 20 ms pieces, as the live path does."""
    assert engine.vad is not None
    ep = Endpointer(engine.vad.stream(), engine.settings.turn)
    events: list[VADEvent] = []
    for i in range(0, len(audio), chunk):
        events += ep.feed(audio[i : i + chunk])
    return events + ep.flush()


@pytest.fixture(scope="module")
def clips(speak: Speak) -> tuple[np.ndarray, np.ndarray]:
    return (
        speak("Sir, my name is Officer Daniels, and I am here to help you."),
        speak("Can you tell me what is going on today?"),
    )


def test_two_utterances_with_known_silences(
    engine: Engine, clips: tuple[np.ndarray, np.ndarray]
) -> None:
    a, b = clips
    lead, gap = 0.8, 1.5
    audio = np.concatenate([silence(lead), a, silence(gap), b, silence(1.0)])
    a0, a1 = voiced_bounds(a)
    b0, b1 = voiced_bounds(b)
    truth = [
        ("speech_start", lead + a0),
        ("speech_end", lead + a1),
        ("speech_start", lead + len(a) / SAMPLE_RATE + gap + b0),
        ("speech_end", lead + len(a) / SAMPLE_RATE + gap + b1),
    ]
    events = [e for e in run(engine, audio) if e.kind in ("speech_start", "speech_end")]
    assert [e.kind for e in events] == [k for k, _ in truth]
    for event, (_, t) in zip(events, truth, strict=True):
        assert abs(event.t - t) <= TOLERANCE_S, (event, t)


def test_endpoint_is_decided_after_the_configured_silence(
    engine: Engine, clips: tuple[np.ndarray, np.ndarray]
) -> None:
    """The wait is counted from the last confident chunk: the configured silence, plus Silero's
    one-chunk lag and at most two chunks of its fading probability between the thresholds (Piper
    samples its noise, so each synthesis fades a little differently: 1.056 s or 1.088 s over 30)."""
    a, _ = clips
    events = run(engine, np.concatenate([silence(0.5), a, silence(1.5)]))
    end = next(e for e in events if e.kind == "speech_end")
    waited = (end.decided_at - end.sample) / SAMPLE_RATE
    min_silence = engine.settings.turn.min_silence_ms / 1000
    assert min_silence <= waited <= min_silence + 3 * CHUNK / SAMPLE_RATE
    after_voice = end.decided_at / SAMPLE_RATE - (0.5 + voiced_bounds(a)[1])
    assert min_silence <= after_voice <= min_silence + 0.2


def test_short_pause_does_not_end_the_turn_but_speculates(
    engine: Engine, clips: tuple[np.ndarray, np.ndarray]
) -> None:
    a, b = clips
    pause = 0.3  # voiced-to-voiced: longer than speculative_asr_ms, shorter than min_silence_ms
    a1, b0 = voiced_bounds(a)[1], voiced_bounds(b)[0]
    joined = [
        silence(0.5),
        a[: int(a1 * SAMPLE_RATE)],
        silence(pause),
        b[int(b0 * SAMPLE_RATE) :],
        silence(1.0),
    ]
    kinds = [e.kind for e in run(engine, np.concatenate(joined))]
    assert kinds.count("speech_start") == 1 and kinds.count("speech_end") == 1
    assert "silence_start" in kinds and "speech_resume" in kinds
    assert kinds.index("silence_start") < kinds.index("speech_resume") < kinds.index("speech_end")


def test_silence_and_noise_give_no_events(engine: Engine) -> None:
    rng = np.random.default_rng(0)
    noise = (rng.standard_normal(SAMPLE_RATE * 2) * 0.003).astype(np.float32)
    assert run(engine, np.concatenate([silence(1.0), noise])) == []


def test_utterance_open_at_end_of_stream_is_closed(
    engine: Engine, clips: tuple[np.ndarray, np.ndarray]
) -> None:
    a, _ = clips
    events = run(engine, np.concatenate([silence(0.3), a[: len(a) // 2]]))
    assert [e.kind for e in events][-1] == "speech_end"
