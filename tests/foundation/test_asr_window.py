"""Whisper on a window fitted to the utterance: the full window's words; a loop is redone whole."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from appliance.engine import Engine
from appliance.inference.asr import WhisperASR, first_of_loop, plausible
from appliance.inference.models import resolve_models
from appliance.settings import Settings

pytestmark = pytest.mark.slow

LINES = [
    "Take your time.",  # under 1.5 s: a window cut to it drops words, so it is padded to 4 s
    "Take your time. I'm staying right here with you.",
    "Nobody is in trouble here. I just want to make sure everybody is safe.",
]


def words(text: str) -> list[str]:
    return "".join(c for c in text.lower() if c.isalnum() or c in " '").split()


def test_a_loop_or_too_many_words_is_implausible() -> None:
    assert plausible("What's your name?", 0.9)
    assert not plausible("What's your name " * 12, 0.9)  # more words than anyone says in 0.9 s
    assert not plausible("Can you hear me? " * 6, 20.0)  # few words a second, but one phrase again
    assert not plausible("Put it down. Put it down.", 1.6)  # a short line doubled
    assert not plausible("Take your time", 2.4)  # stopped after the first of two sentences
    assert plausible("Take your time. I'm staying right here with you.", 2.4)


def test_a_decode_that_repeats_its_phrase_to_the_cap_keeps_the_phrase() -> None:
    loop = "What's your name? What's your name? What's your name? What's your"
    assert first_of_loop(loop, 1.1) == "What's your name?"
    assert first_of_loop("Put it down. Put it down.", 1.6) is None  # said twice: not a loop
    assert first_of_loop("Okay, I understand.", 1.8) is None
    assert first_of_loop("Take Take Take Take Take Take Take Take Take", 1.0) is None  # "Take"


async def test_fitted_window_hears_what_the_full_window_hears(
    engine: Engine, settings: Settings, speak: Callable[[str], np.ndarray]
) -> None:
    assert settings.models.asr_window_margin_s > 0  # on by default
    full = WhisperASR.configured(
        settings.models, resolve_models(settings).asr_dir, fit_window_margin_s=None
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
