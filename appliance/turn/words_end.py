"""Whether an officer's line ends at these words: a text prior on the turn's end.

The turn-end model hears prosody; it cannot hear that "Do you remember" or "Your sister told me"
usually go on ("… what you took tonight?"). This model reads the words so far (Whisper's text,
any case or punctuation) and says how often officers' lines end there: a logistic regression over
the last one to three words, the first one or two, and the length, fitted on the officer turns
of the dialogue corpus (every whole turn ends; every mid-sentence prefix of one goes on;
``python -m appliance.turn.train_words_end`` rebuilds ``data/words_end.json``).
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).parent / "data" / "words_end.json"
_WORD = re.compile(r"[a-z']+")


def words_of(text: str) -> list[str]:
    """Lower-case words without punctuation, as an unpunctuated recogniser would give them."""
    return _WORD.findall(text.lower().replace("’", "'"))


def features(words: list[str]) -> list[str]:
    """The named features of a word sequence (non-empty)."""
    n = len(words)
    out = [
        f"l1={words[-1]}",
        f"f1={words[0]}",
        "n=" + (str(n) if n < 6 else "6-8" if n < 9 else "9+"),
    ]
    if n >= 2:
        out += [f"l2={words[-2]}_{words[-1]}", f"p1={words[-2]}", f"f2={words[0]}_{words[1]}"]
    if n >= 3:
        out.append(f"l3={words[-3]}_{words[-2]}_{words[-1]}")
    return out


class WordsEnd:
    """The fitted weights: feature name → weight, and a bias."""

    def __init__(self, weights: dict[str, float], bias: float) -> None:
        self.weights = weights
        self.bias = bias

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> WordsEnd:
        """Read a weights file written by the trainer."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]))

    def logit(self, text: str) -> float:
        """Log-odds that the line ends after ``text`` (very low for no words)."""
        words = words_of(text)
        if not words:
            return -10.0
        return self.bias + sum(self.weights.get(f, 0.0) for f in features(words))

    def probability(self, text: str) -> float:
        """Probability that the line ends after ``text``."""
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.logit(text)))))


@cache
def bundled() -> WordsEnd:
    """The weights shipped with the appliance (read once)."""
    return WordsEnd.load()
