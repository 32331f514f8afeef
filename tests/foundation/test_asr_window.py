"""Whisper on a window fitted to the utterance: same words as the full window, loops redone whole."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from appliance.engine import Engine
from appliance.inference.asr import WhisperASR, plausible
from appliance.inference.models import resolve_models
from appliance.settings import Settings

pytestmark = pytest.mark.slow

LINES = [
    "What's your name?",  # the fitted window loops on this one: it must be redone whole
    "Nobody is in trouble here. I just want to make sure everybody is safe.",
]


def words(text: str) -> list[str]:
    return "".join(c for c in text.lower() if c.isalnum() or c in " '").split()


def test_a_loop_or_too_many_words_is_implausible() -> None:
    assert plausible("What's your name?", 0.9)
    assert not plausible("What's your name " * 12, 0.9)  # more words than anyone says in 0.9 s
    assert not plausible("Can you hear me? " * 6, 20.0)  # few words a second, but one phrase again
    assert plausible("", 1.0)


async def test_fitted_window_hears_what_the_full_window_hears(
    engine: Engine, settings: Settings, speak: Callable[[str], np.ndarray]
) -> None:
    assert settings.models.asr_window_margin_s > 0  # on by default
    m = settings.models
    full = WhisperASR(
        resolve_models(settings).asr_dir,
        compute_type=m.asr_compute_type,
        threads=m.asr_threads,
        beam_size=m.asr_beam_size,
        fit_window_margin_s=None,
    )
    await full.start()
    try:
        for line in LINES:
            audio = speak(line)
            assert engine.asr is not None
            fitted = await engine.asr.transcribe(audio)
            whole = await full.transcribe(audio)
            assert words(fitted.text) == words(whole.text) == words(line), (fitted, whole)
    finally:
        full.close()
