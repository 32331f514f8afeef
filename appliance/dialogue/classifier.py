"""One-vs-rest logistic regression over [sentence embedding ⊕ rule features], in plain numpy.

The weights are small (23 × ~410 floats), committed as ``data/act_classifier.json``; they are
recomputed, bit for bit, by ``python -m appliance.dialogue.training.train`` from the labeled set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from appliance.dialogue.acts import ACTS
from appliance.dialogue.embedding import SentenceEncoder
from appliance.dialogue.rules import lexical_features, segments
from appliance.errors import ModelError

FloatArray = npt.NDArray[np.float64]

DATA_DIR = Path(__file__).parent / "data"
WEIGHTS_PATH = DATA_DIR / "act_classifier.json"


def segment_features(encoder: SentenceEncoder, text: str) -> FloatArray:
    """Feature rows for the whole utterance and each of its sentences (row 0 = whole utterance)."""
    parts = list(segments(text))
    emb = encoder.encode_many(parts).astype(np.float64)
    lex = np.stack([lexical_features(p) for p in parts]).astype(np.float64)
    return np.hstack([emb, lex])


def sigmoid(z: FloatArray) -> FloatArray:
    """The logistic function, clipped so large inputs cannot overflow."""
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
        return np.asarray(sigmoid(z).max(axis=0), dtype=np.float64)

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
                "rebuild it with: python -m appliance.dialogue.training.train"
            ) from exc
        if tuple(data.get("acts", ())) != ACTS:
            raise ModelError(f"{path} was trained for another act vocabulary; retrain it")
        return cls(*arrays)


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
