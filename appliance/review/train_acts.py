"""Train the act classifier from the labeled set: ``python -m appliance.review.train_acts``.

Deterministic: fixed folds, a fixed regularisation grid, Newton's method; the same labeled file
gives the same ``data/act_classifier.npz``. Only the ``train`` split is used; ``heldout`` is left
for ``python -m appliance.review.evaluate``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from appliance.review.act_classifier import (
    WEIGHTS_PATH,
    ActClassifier,
    FloatArray,
    LabeledUtterance,
    decide_acts,
    fit_logistic,
    load_labeled,
    segment_features,
)
from appliance.review.act_vocabulary import ACTS
from appliance.review.embedding import SentenceEncoder
from appliance.review.utterance_rules import RuleHits, apply_rules

L2_GRID = (3.0, 10.0, 30.0, 100.0)
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.30, 0.91, 0.05))
FOLDS = 5


@dataclass(frozen=True)
class Prepared:
    """An utterance with its feature rows, rule hits and label vector."""

    item: LabeledUtterance
    rows: FloatArray
    hits: RuleHits
    labels: FloatArray


def prepare(encoder: SentenceEncoder, items: list[LabeledUtterance]) -> list[Prepared]:
    """Features, rule hits and label vectors for labeled utterances."""
    out = []
    for it in items:
        labels = np.asarray([1.0 if a in it.acts else 0.0 for a in ACTS])
        out.append(
            Prepared(
                it,
                segment_features(encoder, it.text),
                apply_rules(it.text, it.subject_name),
                labels,
            )
        )
    return out


def fit(data: list[Prepared], l2: float, thresholds: FloatArray) -> ActClassifier:
    """Fit one logistic unit per act on the whole-utterance rows."""
    x = np.stack([d.rows[0] for d in data])
    y = np.stack([d.labels for d in data])
    mean = x.mean(axis=0)
    scale = np.maximum(x.std(axis=0), 1e-3)
    xs = (x - mean) / scale
    weights, bias = [], []
    for i in range(len(ACTS)):
        w, b = fit_logistic(xs, y[:, i], l2)
        weights.append(w)
        bias.append(b)
    return ActClassifier(np.stack(weights), np.asarray(bias), mean, scale, thresholds)


def _f1(tp: float, fp: float, fn: float) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def out_of_fold(data: list[Prepared], l2: float) -> FloatArray:
    """Out-of-fold act probabilities for every training utterance (fold = index mod 5)."""
    probs = np.zeros((len(data), len(ACTS)))
    for k in range(FOLDS):
        train = [d for i, d in enumerate(data) if i % FOLDS != k]
        model = fit(train, l2, np.full(len(ACTS), 0.5))
        for i, d in enumerate(data):
            if i % FOLDS == k:
                probs[i] = model.probabilities(d.rows)
    return probs


def tune_thresholds(data: list[Prepared], probs: FloatArray) -> tuple[FloatArray, float]:
    """Per-act threshold maximising F1 of the combined (rules + classifier) decision; macro F1."""
    best = np.full(len(ACTS), 0.5)
    scores = []
    for i, act in enumerate(ACTS):
        best_f1 = -1.0
        for t in THRESHOLD_GRID:
            tp = fp = fn = 0.0
            for d, p in zip(data, probs, strict=True):
                th = np.full(len(ACTS), 2.0)
                th[i] = t
                on = act in decide_acts(d.hits.acts, d.hits.vetoed, p, th)
                truth = d.labels[i] > 0
                tp += on and truth
                fp += on and not truth
                fn += truth and not on
            f1 = _f1(tp, fp, fn)
            if f1 > best_f1 + 1e-9:
                best_f1, best[i] = f1, t
        scores.append(best_f1)
    return best, float(np.mean(scores))


def main(argv: list[str] | None = None) -> int:
    """Train on the train split, pick L2 and thresholds by 5-fold CV, write the weights."""
    encoder = SentenceEncoder.load()
    items = [it for it in load_labeled() if it.split == "train"]
    data = prepare(encoder, items)
    best_l2, best_thr, best_score = L2_GRID[0], np.full(len(ACTS), 0.5), -1.0
    for l2 in L2_GRID:
        thresholds, score = tune_thresholds(data, out_of_fold(data, l2))
        print(f"l2={l2:g}: cross-validated macro F1 {score:.3f}")
        if score > best_score + 1e-9:
            best_l2, best_thr, best_score = l2, thresholds, score
    model = fit(data, best_l2, best_thr)
    model.save(WEIGHTS_PATH)
    print(f"wrote {WEIGHTS_PATH} (l2={best_l2:g}, {len(data)} training utterances)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
