"""One-vs-rest logistic regression over [sentence embedding ⊕ rule features], in plain numpy.

The weights are small (23 × ~410 floats), committed as ``data/act_classifier.json``; they are
recomputed, bit for bit, by ``python -m appliance.review.train_acts`` from the labeled set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from appliance.errors import ModelError
from appliance.review.act_vocabulary import ACTS
from appliance.review.embedding import SentenceEncoder
from appliance.review.utterance_rules import lexical_features, segments

FloatArray = npt.NDArray[np.float64]

DATA_DIR = Path(__file__).parent / "data"
WEIGHTS_PATH = DATA_DIR / "act_classifier.json"
LABELED_PATH = DATA_DIR / "utterances.jsonl"


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


def segment_features(encoder: SentenceEncoder, text: str) -> FloatArray:
    """Feature rows for the whole utterance and each of its sentences (row 0 = whole utterance)."""
    parts = list(segments(text))
    emb = encoder.encode_many(parts).astype(np.float64)
    lex = np.stack([lexical_features(p) for p in parts]).astype(np.float64)
    return np.hstack([emb, lex])


def _sigmoid(z: FloatArray) -> FloatArray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


@dataclass(frozen=True)
class ActClassifier:
    """Standardise, one logistic unit per act; on when any segment passes its threshold."""

    weights: FloatArray  # (acts, features)
    bias: FloatArray  # (acts,)
    mean: FloatArray  # (features,)
    scale: FloatArray  # (features,)
    thresholds: FloatArray  # (acts,)

    def probabilities(self, rows: FloatArray) -> FloatArray:
        """Per-act probability for an utterance: the max over its segment rows."""
        z = ((rows - self.mean) / self.scale) @ self.weights.T + self.bias
        return np.asarray(_sigmoid(z).max(axis=0), dtype=np.float64)

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        """Write the weights as JSON (floats round-trip exactly)."""
        data = {
            "acts": list(ACTS),
            "weights": self.weights.tolist(),
            "bias": self.bias.tolist(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "thresholds": self.thresholds.tolist(),
        }
        path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> ActClassifier:
        """Read the committed weights; a clear error if missing or made for another vocabulary."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            arrays = [
                np.asarray(data[k], dtype=np.float64)
                for k in ("weights", "bias", "mean", "scale", "thresholds")
            ]
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(
                f"cannot read the act classifier {path} ({exc}); "
                "rebuild it with: python -m appliance.review.train_acts"
            ) from exc
        if tuple(data.get("acts", ())) != ACTS:
            raise ModelError(f"{path} was trained for another act vocabulary; retrain it")
        return cls(*arrays)


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
        p = _sigmoid(xb @ theta)
        grad = xb.T @ (sample_w * (p - y)) + reg * theta
        hess = (xb * (sample_w * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return theta[:-1], float(theta[-1])


# Acts only the rules decide: the classifier cannot see the subject's name, and it mistakes any
# short word for an encourager.
RULE_ONLY = frozenset({"name_use", "minimal_encourager"})
# Acts that cost the officer most: without a rule's word-level evidence the classifier alone must be
# this sure ("You sound frustrated" reads close to "you sound ridiculous" in embedding space).
HARSH_WITHOUT_RULE = {"disrespect": 0.7, "threat": 0.7}


def decide_acts(
    rule_acts: frozenset[str], vetoed: frozenset[str], probs: FloatArray, thresholds: FloatArray
) -> frozenset[str]:
    """Final acts: a sure rule hit or a probability over threshold, unless the form vetoes it."""
    chosen = set(rule_acts)
    for i, act in enumerate(ACTS):
        bar = max(thresholds[i], HARSH_WITHOUT_RULE.get(act, 0.0))
        if act not in RULE_ONLY and probs[i] >= bar:
            chosen.add(act)
    return frozenset(chosen - vetoed)
