"""One-vs-rest logistic regression over a turn's rows (``features.py``), in plain numpy.

Each row (the whole turn, then each sentence) gets per-act probabilities; a sentence's form rules
some out (a question is no reflection, a plain statement no question); the turn's probability of
an act is the highest over its rows. The weights are small (23 × ~430 floats), committed as
``data/act_classifier.json``; they are recomputed, bit for bit, by
``python -m appliance.dialogue.training.train`` from the labeled sets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from appliance.dialogue.acts import ACTS
from appliance.dialogue.features import FEATURE_DIM, QUESTION, STATEMENT, TurnRows
from appliance.dialogue.rules import QUESTION_ACTS, REFLECTIVE_ACTS
from appliance.errors import ModelError

FloatArray = npt.NDArray[np.float64]

DATA_DIR = Path(__file__).parent / "data"
WEIGHTS_PATH = DATA_DIR / "act_classifier.json"


FORM_MASKS: dict[str, frozenset[str]] = {
    QUESTION: REFLECTIVE_ACTS,
    STATEMENT: QUESTION_ACTS,
}


def row_mask(forms: tuple[str, ...]) -> FloatArray:
    """1 where a row may carry an act, 0 where its form rules the act out (rows × acts)."""
    mask = np.ones((len(forms), len(ACTS)))
    for r, form in enumerate(forms):
        for i, act in enumerate(ACTS):
            if act in FORM_MASKS.get(form, frozenset()):
                mask[r, i] = 0.0
    return mask


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

    def row_probabilities(self, turn: TurnRows) -> FloatArray:
        """Per-row, per-act probabilities, zero where the row's form rules the act out."""
        rows = np.where(np.isnan(turn.rows), self.mean, turn.rows)  # missing context: the mean
        z = ((rows - self.mean) / self.scale) @ self.weights.T + self.bias
        return np.asarray(sigmoid(z) * row_mask(turn.forms), dtype=np.float64)

    def probabilities(self, turn: TurnRows) -> FloatArray:
        """Per-act probability for a turn: the highest over its rows."""
        return np.asarray(self.row_probabilities(turn).max(axis=0), dtype=np.float64)

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
        if arrays[0].shape != (len(ACTS), FEATURE_DIM):
            raise ModelError(f"{path} was trained on other features; retrain it")
        return cls(*arrays)


# Acts only the rules decide: the classifier cannot see the subject's name, and it mistakes any
# short word for an encourager.
RULE_ONLY = frozenset({"name_use", "minimal_encourager"})
# Acts that cost the officer most: without a rule's word-level evidence the classifier alone must be
# this sure ("You sound frustrated" reads close to "you sound ridiculous" in embedding space).
HARSH_WITHOUT_RULE = {"disrespect": 0.85, "threat": 0.7}


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
