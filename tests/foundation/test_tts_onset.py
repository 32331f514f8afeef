"""A reply's voice starts at once: Piper's near-silent lead-in is cut, its plosives kept."""

from __future__ import annotations

import numpy as np
import pytest

from appliance.engine import Engine
from appliance.inference.speech_cache import SpeechCache
from appliance.inference.tts import ONSET_LEAD_S, NeutralStyle, trim_lead

RATE = 22_050


def _first_voiced_ms(pcm: np.ndarray, rate: int, dbfs: float = -45.0) -> float:
    """Where the first 20 ms frame above ``dbfs`` begins, as the reference client hears it."""
    frame = rate // 50
    n = len(pcm) // frame
    x = pcm[: n * frame].astype(np.float64).reshape(n, frame) / 32768.0
    level = 10.0 * np.log10(np.mean(x * x, axis=1) + 1e-12)
    return float(np.flatnonzero(level > dbfs)[0]) * 20.0


def _tone(seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * 32767 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


def test_the_lead_in_is_cut_to_a_short_margin_before_the_voice() -> None:
    hiss = (np.random.default_rng(1).normal(0, 20, round(0.4 * RATE))).astype(np.int16)  # ~-64 dBFS
    pcm = np.concatenate([hiss, _tone(0.5, 0.3)])
    out = trim_lead(pcm, RATE)
    assert abs(len(pcm) - len(out) - 0.4 * RATE) <= ONSET_LEAD_S * RATE + RATE // 100
    assert np.array_equal(out[-len(_tone(0.5, 0.3)) :], _tone(0.5, 0.3))  # the voice untouched


def test_a_clip_that_starts_loud_or_is_silent_stays_whole() -> None:
    loud = _tone(0.3, 0.3)
    assert np.array_equal(trim_lead(loud, RATE), loud)
    silent = np.zeros(RATE // 2, dtype=np.int16)
    assert np.array_equal(trim_lead(silent, RATE), silent)
    assert len(trim_lead(np.zeros(3, dtype=np.int16), RATE)) == 3


@pytest.mark.slow
async def test_a_line_piper_opens_with_silence_is_voiced_within_40_ms(engine: Engine) -> None:
    # Untrimmed, this line opened with ~400 ms below -45 dBFS; Piper samples its noise, so try
    # a few syntheses.
    assert engine.tts is not None
    for _ in range(3):
        speech = await engine.tts.synthesize("Don't tell me it's fine!")
        assert _first_voiced_ms(speech.pcm, speech.sample_rate) <= 40.0
        assert speech.duration_s > 1.0  # the words are all there


@pytest.mark.slow
async def test_a_line_cached_before_the_trim_is_read_back_trimmed(engine: Engine, tmp_path) -> None:
    assert engine.tts is not None
    cache = SpeechCache(engine.tts, tmp_path, "voice")
    speech = await engine.tts.synthesize("Quiet!")
    old = np.concatenate([np.zeros(round(0.3 * speech.sample_rate), np.int16), speech.pcm])
    key = cache.key("Quiet!", NeutralStyle())
    path = tmp_path / key[:2] / f"{key}.npy"
    path.parent.mkdir(parents=True)
    np.save(path, old)
    heard = await cache.speak("Quiet!", NeutralStyle())
    assert cache.hits == 1
    assert _first_voiced_ms(heard.pcm, heard.sample_rate) <= 40.0
