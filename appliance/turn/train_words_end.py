"""Fit the words-end model: ``python -m appliance.turn.train_words_end``.

Examples come from the officer turns the act classifier trains on (``dialogue/data``, training
split only): each whole turn is a line that ends (1); each prefix of it that stops inside a
sentence goes on (0); a prefix that stops at a sentence's end is left out (the officer may or may
not go on). The cut-in benchmark's lines (both sets) are excluded, so it measures unseen lines.
Features seen fewer than twice are dropped; class-balanced L2 logistic regression by Newton's
method, deterministic: the same files give the same weights.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

import numpy as np

from appliance.dialogue.training.data import load_dialogue_items, load_labeled
from appliance.dialogue.training.weights import fit_logistic
from appliance.turn.words_end import WEIGHTS_PATH, features, words_of

L2 = 3.0
MIN_COUNT = 2
_SENTENCE_END = re.compile(r"[.?!]$")


def officer_lines(excluded: set[str]) -> list[str]:
    """Training-split officer turns, without the excluded lines (compared as words)."""
    lines = [it.text for it in load_labeled() if it.split == "train"]
    lines += [it.text for it in load_dialogue_items()]
    return [line for line in lines if " ".join(words_of(line)) not in excluded]


def examples(line: str) -> list[tuple[list[str], int]]:
    """The line's mid-sentence prefixes (0) and the whole line (1)."""
    tokens = line.split()
    out = [
        (words_of(" ".join(tokens[:i])), 0)
        for i in range(1, len(tokens))
        if not _SENTENCE_END.search(tokens[i - 1])
    ]
    out.append((words_of(line), 1))
    return [(w, y) for w, y in out if w]


def fit(lines: list[str]) -> tuple[dict[str, float], float]:
    """The weights of each kept feature, and the bias."""
    data = [e for line in lines for e in examples(line)]
    counts = Counter(f for w, _ in data for f in features(w))
    vocab = sorted(f for f, c in counts.items() if c >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    x = np.zeros((len(data), len(vocab)))
    for row, (w, _) in enumerate(data):
        for f in features(w):
            if f in index:
                x[row, index[f]] = 1.0
    y = np.array([label for _, label in data], dtype=np.float64)
    weights, bias = fit_logistic(x, y, L2)
    return {f: round(float(v), 5) for f, v in zip(vocab, weights, strict=True)}, round(bias, 5)


def main() -> int:
    """Rebuild ``data/words_end.json``."""
    from benchmarks.cut_in_set import held_out_texts  # a development tool: run from the repository

    lines = officer_lines({" ".join(words_of(t)) for t in held_out_texts()})
    weights, bias = fit(lines)
    WEIGHTS_PATH.write_text(
        json.dumps({"lines": len(lines), "l2": L2, "bias": bias, "weights": weights}, indent=0)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(lines)} lines, {len(weights)} features → {WEIGHTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
