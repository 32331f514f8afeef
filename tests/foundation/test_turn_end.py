"""The turn-end model on synthesized speech: finished sentences against ones cut mid-way."""

from __future__ import annotations

import numpy as np
import pytest

from appliance.audio.frames import SAMPLE_RATE
from appliance.audio.turn_end import FRAMES, MEL_BANDS, WINDOW
from appliance.engine import Engine
from appliance.settings import Settings
from appliance.turn.endpoint import open_ended
from benchmarks.cut_in_set import AlignedVoice, paused

pytestmark = pytest.mark.slow

FINISHED = (
    "Hey, I'm Officer Daniels.",
    "Thank you for talking with me.",
    "Where are you staying right now?",
    "That sounds really frightening.",
)
# Cut where the officer would stop to think: the words so far leave the sentence open.
UNFINISHED = (
    "I'm wondering if | you've eaten anything today.",
    "If you could just | put the knife on the ground.",
    "The store manager just | wants you to leave for today.",
    "My name is Officer Daniels, and I'm here to | make sure you're okay.",
)
TRAILING = np.zeros(SAMPLE_RATE // 5, dtype=np.float32)  # 200 ms of silence, as when it is asked


@pytest.fixture(scope="module")
def voice(settings: Settings) -> AlignedVoice:
    return AlignedVoice(settings)


def test_features_are_the_last_eight_seconds_padded_in_front(engine: Engine) -> None:
    model = engine.turn_end
    assert model is not None
    rng = np.random.default_rng(3)
    long = (rng.standard_normal(WINDOW + SAMPLE_RATE * 2) * 0.1).astype(np.float32)
    assert model.features(long).shape == (MEL_BANDS, FRAMES)
    assert np.array_equal(model.features(long), model.features(long[-WINDOW:]))
    short = long[: SAMPLE_RATE // 2]
    padded = np.concatenate([np.zeros(WINDOW - len(short), np.float32), short])
    assert np.array_equal(model.features(short), model.features(padded))


def test_finished_sentences_score_above_sentences_cut_mid_way(
    engine: Engine, voice: AlignedVoice
) -> None:
    model = engine.turn_end
    assert model is not None
    lead = np.zeros(SAMPLE_RATE // 4, dtype=np.float32)
    finished = [model.probability(np.concatenate([voice.speak(t)[0], TRAILING])) for t in FINISHED]
    unfinished = []
    for text in UNFINISHED:
        utt = paused(voice, text, 600.0, lead)
        before = utt.samples[: utt.pause_at]
        unfinished.append(model.probability(np.concatenate([before, TRAILING])))
    threshold = engine.settings.turn.turn_end_threshold
    assert sum(p >= threshold for p in finished) >= 3, finished
    assert sum(p < threshold for p in unfinished) >= 3, unfinished
    assert np.mean(finished) - np.mean(unfinished) > 0.5, (finished, unfinished)


@pytest.mark.parametrize(
    ("text", "open_"),
    [
        ("I want to", True),
        ("I'm wondering if...", True),
        ("The clinician and I", True),
        ("Before we do anything else, I need to know-", True),
        ("Tell me more about", True),
        ("Have you been?", True),  # a question cut short reads as one
        ("Is it okay if I?", True),
        ("Could you tell me?", True),  # "… your name?"
        ("I need you", True),  # "… to step back"
        ("Can you hear me?", False),
        ("I'm here to help you.", False),
        ("Okay.", False),
        ("Can you help me?", False),
        ("How long has it been like this?", False),  # a question closed on "this"
        ("Can you tell me what's been going on?", True),  # "… for you lately?"
        ("Tell me more about.", True),  # … but not a statement
        ("", False),
    ],
)
def test_words_that_leave_a_sentence_open(text: str, open_: bool) -> None:
    assert open_ended(text) is open_
