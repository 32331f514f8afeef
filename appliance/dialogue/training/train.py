"""Train the act classifier: ``python -m appliance.dialogue.training.train``.

Deterministic: fixed folds (by conversation), a fixed regularisation grid, Newton's method; the
same labelled files give the same ``data/act_classifier.json``. A turn is labelled as a whole,
but read sentence by sentence, so sentence labels are inferred (multiple-instance learning): a
first model, fitted on whole turns, picks which sentence of a multi-sentence turn carries each of
its acts; the final model is fitted on whole turns and sentences together. Only training data is
used (``data.training_items``); the held-out sets are for ``evaluate``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from appliance.dialogue.acts import ACTS
from appliance.dialogue.classifier import (
    WEIGHTS_PATH,
    ActClassifier,
    FloatArray,
    decide_acts,
    row_mask,
)
from appliance.dialogue.coercion import CoercionJudge
from appliance.dialogue.embedding import SentenceEncoder
from appliance.dialogue.features import TurnRows, turn_rows
from appliance.dialogue.meaning import HarshMeaning
from appliance.dialogue.rules import RuleHits, apply_rules
from appliance.dialogue.training.data import LabeledUtterance, _unit, training_items
from appliance.dialogue.training.weights import fit_logistic, save_weights

# Cross-validated macro F1 was flat over 3 / 10 / 30 (0.785 / 0.787 / 0.786): one value keeps
# a retrain affordable on the appliance's CPU.
L2_GRID = (10.0,)
ASSIGN_L2 = 10.0
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.30, 0.91, 0.05))
FOLDS = 5
SECOND_SENTENCE_BAR = 0.5


@dataclass(frozen=True)
class Prepared:
    """A labelled turn with its rows, rule hits, turn labels and (after assignment) row labels."""

    item: LabeledUtterance
    turn: TurnRows
    hits: RuleHits
    labels: FloatArray
    row_labels: FloatArray


def prepare(encoder: SentenceEncoder, items: list[LabeledUtterance]) -> list[Prepared]:
    """Rows, rule hits and labels for labelled turns (each distinct text encoded once)."""
    cache: dict[str, np.ndarray] = {}

    def encode(text: str) -> np.ndarray:
        if text not in cache:
            cache[text] = encoder.encode(text)
        return cache[text]

    judge = CoercionJudge(encoder)
    meaning = HarshMeaning(encoder)
    out = []
    for it in items:
        labels = np.asarray([1.0 if a in it.acts else 0.0 for a in ACTS])
        turn = turn_rows(encode, it.text, it.heard)
        rows = np.tile(labels, (len(turn.forms), 1))
        hits = apply_rules(it.text, it.subject_name, coercive=judge, meaning=meaning)
        out.append(Prepared(it, turn, hits, labels, rows))
    return out


def fold_of(d: Prepared) -> int:
    """The cross-validation fold of a turn: its whole group (conversation) stays together."""
    return int(_unit(d.item.group) * FOLDS)


def fit(
    data: list[Prepared],
    l2: float,
    thresholds: FloatArray,
    *,
    whole_only: bool = False,
    warm: ActClassifier | None = None,
) -> ActClassifier:
    """Fit one logistic unit per act on the turns' rows (only whole-turn rows if asked).

    ``warm``: a model fitted on similar data, to start Newton's method from (fewer steps).
    """
    xs_, ys_ = [], []
    for d in data:
        take = 1 if whole_only else len(d.turn.forms)
        xs_.append(d.turn.rows[:take])
        ys_.append(d.row_labels[:take])
    x, y = np.vstack(xs_), np.vstack(ys_)
    mean = np.nanmean(x, axis=0)  # context features are missing (NaN) for lone utterances
    x = np.where(np.isnan(x), mean, x)
    scale = np.maximum(x.std(axis=0), 1e-3)
    xs = (x - mean) / scale
    weights, bias = [], []
    for i in range(len(ACTS)):
        init = None if warm is None else np.append(warm.weights[i], warm.bias[i])
        w, b = fit_logistic(xs, y[:, i], l2, init)
        weights.append(w)
        bias.append(b)
    return ActClassifier(np.stack(weights), np.asarray(bias), mean, scale, thresholds)


def assign_rows(data: list[Prepared], model: ActClassifier) -> list[Prepared]:
    """Sentence labels for multi-sentence turns: each act goes to the sentence that carries it."""
    out = []
    for d in data:
        if len(d.turn.forms) == 1:
            out.append(d)
            continue
        p = model.row_probabilities(d.turn)[1:]
        allowed = row_mask(d.turn.forms)[1:]
        rows = np.zeros((len(d.turn.forms), len(ACTS)))
        rows[0] = d.labels
        for i in np.flatnonzero(d.labels):
            if allowed[:, i].any():
                best = int(np.argmax(np.where(allowed[:, i] > 0, p[:, i], -1.0)))
                rows[1 + best, i] = 1.0
                also = (p[:, i] >= SECOND_SENTENCE_BAR) * allowed[:, i]
                rows[1:, i] = np.maximum(rows[1:, i], also)
        out.append(Prepared(d.item, d.turn, d.hits, d.labels, rows))
    return out


def _f1(tp: float, fp: float, fn: float) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def out_of_fold(data: list[Prepared], l2: float, warm: ActClassifier) -> FloatArray:
    """Out-of-fold act probabilities for every training turn."""
    probs = np.zeros((len(data), len(ACTS)))
    folds = [fold_of(d) for d in data]
    for k in range(FOLDS):
        train = [d for d, f in zip(data, folds, strict=True) if f != k]
        model = fit(train, l2, np.full(len(ACTS), 0.5), warm=warm)
        for i, (d, f) in enumerate(zip(data, folds, strict=True)):
            if f == k:
                probs[i] = model.probabilities(d.turn)
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
    """Assign sentence labels, pick L2 and thresholds by 5-fold CV, write the weights."""
    started = time.monotonic()
    encoder = SentenceEncoder.load()
    items = training_items()
    written = sum(not it.derived for it in items)
    derived = len(items) - written
    print(
        f"{len(items)} training turns ({written} written, {derived} ASR-style copies)", flush=True
    )
    data = prepare(encoder, items)
    first = fit(data, ASSIGN_L2, np.full(len(ACTS), 0.5), whole_only=True)
    data = assign_rows(data, first)
    rows = sum(len(d.turn.forms) for d in data)
    print(f"{rows} rows; features ready in {time.monotonic() - started:.0f} s", flush=True)
    best_l2, best_thr, best_score = L2_GRID[0], np.full(len(ACTS), 0.5), -1.0
    warm = first
    for l2 in L2_GRID:
        warm = fit(data, l2, np.full(len(ACTS), 0.5), warm=warm)
        thresholds, score = tune_thresholds(data, out_of_fold(data, l2, warm))
        print(f"l2={l2:g}: cross-validated macro F1 {score:.3f}", flush=True)
        if score > best_score + 1e-9:
            best_l2, best_thr, best_score = l2, thresholds, score
    model = fit(data, best_l2, best_thr)
    save_weights(model, WEIGHTS_PATH)
    print(f"wrote {WEIGHTS_PATH} (l2={best_l2:g}) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
