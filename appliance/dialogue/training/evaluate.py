"""Per-act precision and recall on the held-out labeled utterances.

Run: ``python -m appliance.dialogue.training.evaluate``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from appliance.dialogue.acts import ACTS
from appliance.dialogue.analysis import UtteranceAnalyzer, default_analyzer
from appliance.dialogue.training.train import load_labeled


@dataclass(frozen=True)
class ActScore:
    """Counts and rates for one act on the held-out split."""

    act: str
    support: int
    predicted: int
    true_positive: int

    @property
    def precision(self) -> float | None:
        """Share of predicted acts that are right (None when nothing was predicted)."""
        return self.true_positive / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """Share of labeled acts that were found (None when the act has no held-out examples)."""
        return self.true_positive / self.support if self.support else None


def evaluate(analyzer: UtteranceAnalyzer | None = None, split: str = "heldout") -> list[ActScore]:
    """Score the analyzer against the labeled utterances of one split."""
    analyzer = analyzer or default_analyzer()
    items = [it for it in load_labeled() if it.split == split]
    predicted = [analyzer.analyze(it.text, subject_name=it.subject_name).acts for it in items]
    scores = []
    for act in ACTS:
        support = sum(act in it.acts for it in items)
        pred = sum(act in p for p in predicted)
        tp = sum(act in it.acts and act in p for it, p in zip(items, predicted, strict=True))
        scores.append(ActScore(act, support, pred, tp))
    return scores


def format_table(scores: list[ActScore]) -> str:
    """A plain-text table with one row per act and micro-averaged totals."""

    def pct(v: float | None) -> str:
        return "   n/a" if v is None else f"{v:6.2f}"

    lines = [f"{'act':22s} {'support':>7s} {'pred':>5s} {'prec':>6s} {'recall':>6s}"]
    for s in scores:
        lines.append(
            f"{s.act:22s} {s.support:7d} {s.predicted:5d} {pct(s.precision)} {pct(s.recall)}"
        )
    total = ActScore(
        "micro average",
        sum(s.support for s in scores),
        sum(s.predicted for s in scores),
        sum(s.true_positive for s in scores),
    )
    lines.append(
        f"{total.act:22s} {total.support:7d} {total.predicted:5d} "
        f"{pct(total.precision)} {pct(total.recall)}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the held-out table (``--split train`` to see the fit)."""
    argv = argv or []
    split = argv[argv.index("--split") + 1] if "--split" in argv else "heldout"
    print(f"held-out utterances: {sum(1 for it in load_labeled() if it.split == split)}")
    print(format_table(evaluate(split=split)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
