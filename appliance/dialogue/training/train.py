"""Train the act classifier from the labeled set: ``python -m appliance.dialogue.training.train``.

Deterministic: fixed folds, a fixed regularisation grid, Newton's method; the same labeled file
gives the same ``data/act_classifier.json``. Only the ``train`` split is used; ``heldout`` is left
for ``python -m appliance.dialogue.training.evaluate``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from appliance.dialogue.acts import ACTS
from appliance.dialogue.classifier import (
    DATA_DIR,
    WEIGHTS_PATH,
    ActClassifier,
    FloatArray,
    decide_acts,
    segment_features,
    sigmoid,
)
from appliance.dialogue.embedding import SentenceEncoder
from appliance.dialogue.rules import RuleHits, apply_rules

LABELED_PATH = DATA_DIR / "utterances.jsonl"

L2_GRID = (3.0, 10.0, 30.0, 100.0)
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.30, 0.91, 0.05))
FOLDS = 5


@dataclass(frozen=True)
class LabeledUtterance:
    """One hand-labeled officer utterance from the training set."""

    id: str
    text: str
    acts: frozenset[str]
    split: str
    subject_name: str | None = None


def load_labeled(path: Path = LABELED_PATH) -> list[LabeledUtterance]:
    """The labeled officer utterances (JSON lines), in file order."""
    items: list[LabeledUtterance] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row: dict[str, Any] = json.loads(line)
        unknown = set(row["acts"]) - set(ACTS)
        if unknown:
            raise ValueError(f"{row['id']}: unknown acts {sorted(unknown)}")
        items.append(
            LabeledUtterance(
                row["id"],
                row["text"],
                frozenset(row["acts"]),
                row["split"],
                row.get("subject_name"),
            )
        )
    return items


def fit_logistic(x: FloatArray, y: FloatArray, l2: float) -> tuple[FloatArray, float]:
    """Class-balanced L2 logistic regression by Newton's method (exact and deterministic)."""
    n, d = x.shape
    pos = float(y.sum())
    if pos in (0.0, float(n)):
        return np.zeros(d), (10.0 if pos else -10.0)
    sample_w = np.where(y > 0, n / (2.0 * pos), n / (2.0 * (n - pos)))
    xb = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(50):
        p = sigmoid(xb @ theta)
        grad = xb.T @ (sample_w * (p - y)) + reg * theta
        hess = (xb * (sample_w * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def save_weights(model: ActClassifier, path: Path = WEIGHTS_PATH) -> None:
    """Write the weights as JSON for ``ActClassifier.load`` (floats round-trip exactly)."""
    data = {
        "acts": list(ACTS),
        "weights": model.weights.tolist(),
        "bias": model.bias.tolist(),
        "mean": model.mean.tolist(),
        "scale": model.scale.tolist(),
        "thresholds": model.thresholds.tolist(),
    }
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


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
    save_weights(model, WEIGHTS_PATH)
    print(f"wrote {WEIGHTS_PATH} (l2={best_l2:g}, {len(data)} training utterances)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
