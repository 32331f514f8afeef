"""The words-end model: officers' lines read as going on where they stop mid-sentence."""

import numpy as np

from appliance.turn.train_words_end import examples, officer_lines
from appliance.turn.words_end import WordsEnd, bundled, features, words_of
from benchmarks.cut_in_set import HELD_OUT_PAUSED, PAUSE_MARK, held_out_texts


def test_lines_it_never_saw_read_as_going_on_at_their_pause() -> None:
    """The held-out set's paused lines: the words before the pause end a line less often than
    the whole line does (the model never trained on these lines)."""
    model = bundled()
    before = [model.probability(line.split(PAUSE_MARK)[0]) for line in HELD_OUT_PAUSED]
    whole = [model.probability(line.replace(PAUSE_MARK, " ")) for line in HELD_OUT_PAUSED]
    lower = sum(b < w for b, w in zip(before, whole, strict=True))
    assert lower >= 0.9 * len(HELD_OUT_PAUSED), (lower, list(zip(before, whole, strict=True)))
    assert float(np.median(before)) < 0.3 < 0.6 < float(np.median(whole)), (before, whole)


def test_case_and_punctuation_do_not_matter() -> None:
    model = bundled()
    assert model.probability("Do you remember?") == model.probability("do you remember")
    assert words_of("I’m here, uh… to help!") == ["i'm", "here", "uh", "to", "help"]
    assert model.probability("") < 1e-3


def test_prefixes_at_a_sentence_end_are_left_out() -> None:
    got = examples("Take your time. I'm staying right here.")
    assert (["take", "your", "time"], 0) not in got and (["take", "your", "time"], 1) not in got
    assert (["take"], 0) in got and (["take", "your", "time", "i'm"], 0) in got
    assert got[-1] == (["take", "your", "time", "i'm", "staying", "right", "here"], 1)


def test_the_benchmark_lines_are_not_trained_on() -> None:
    excluded = {" ".join(words_of(t)) for t in held_out_texts()}
    kept = {" ".join(words_of(t)) for t in officer_lines(excluded)}
    assert kept and not kept & excluded


def test_weights_score_the_named_features() -> None:
    model = WordsEnd({"l1=me": -2.0, "f1=tell": 0.5}, bias=1.0)
    assert features(["tell", "me"])[:2] == ["l1=me", "f1=tell"]
    assert model.logit("Tell me") == 1.0 - 2.0 + 0.5
