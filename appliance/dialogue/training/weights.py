"""Class-balanced logistic regression by Newton's method, and the weights file it produces."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from appliance.dialogue.acts import ACTS
from appliance.dialogue.classifier import WEIGHTS_PATH, ActClassifier, FloatArray, sigmoid

STEP_TOLERANCE = 1e-7


def fit_logistic(
    x: FloatArray, y: FloatArray, l2: float, init: FloatArray | None = None
) -> tuple[FloatArray, float]:
    """Class-balanced L2 logistic regression by Newton's method (deterministic).

    The gradient is exact (float64), so the optimum is; the Hessian is accumulated in float32,
    which only affects how fast the steps shrink. ``init`` (weights then bias) warm-starts it.
    """
    n, d = x.shape
    pos = float(y.sum())
    if pos in (0.0, float(n)):
        return np.zeros(d), (10.0 if pos else -10.0)
    sample_w = np.where(y > 0, n / (2.0 * pos), n / (2.0 * (n - pos)))
    xb = np.hstack([x, np.ones((n, 1))])
    xb32 = xb.astype(np.float32)
    theta = np.zeros(d + 1) if init is None else np.array(init, dtype=np.float64)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(60):
        p = sigmoid(xb @ theta)
        grad = xb.T @ (sample_w * (p - y)) + reg * theta
        h = (sample_w * p * (1 - p)).astype(np.float32)
        hess = ((xb32 * h[:, None]).T @ xb32).astype(np.float64) + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if float(np.abs(step).max()) < STEP_TOLERANCE:
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
