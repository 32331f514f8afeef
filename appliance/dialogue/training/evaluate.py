"""Per-act precision, recall and F1 on the held-out sets.

Run: ``python -m appliance.dialogue.training.evaluate`` (the held-out single utterances) or
``... evaluate --set spoken`` (the held-out spoken-style conversations, each officer turn read with
what the other person said before it, plus the review's echo rule, as a review reads them).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

from appliance.dialogue.acts import ACTS
from appliance.dialogue.analysis import UtteranceAnalyzer, default_analyzer
from appliance.dialogue.context import conversation_acts
from appliance.dialogue.training.corpus import load_dialogues
from appliance.dialogue.training.data import SPOKEN_HELDOUT_PATH, load_labeled

# MITI counts a summary and a named feeling said as a statement as (complex) reflections.
GROUPS: dict[str, frozenset[str]] = {
    "reflection (any)": frozenset(
        {"reflection_simple", "reflection_complex", "summary", "emotion_label"}
    ),
    "question (any)": frozenset({"open_question", "closed_question"}),
}


@dataclass(frozen=True)
class ActScore:
    """Counts and rates for one act (or group of acts) on a held-out set."""

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
        """Share of labelled acts that were found (None when the act has no examples)."""
        return self.true_positive / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall (None when the act is absent and unpredicted)."""
        total = self.support + self.predicted
        return 2 * self.true_positive / total if total else None


def score(
    gold: Sequence[frozenset[str]], predicted: Sequence[frozenset[str]], *, groups: bool = False
) -> list[ActScore]:
    """One score per act; with ``groups``, then one per group (a turn counts once for a group)."""
    pairs = list(zip(gold, predicted, strict=True))
    out = []
    for act in ACTS:
        out.append(
            ActScore(
                act,
                sum(act in g for g, _ in pairs),
                sum(act in p for _, p in pairs),
                sum(act in g and act in p for g, p in pairs),
            )
        )
    for name, acts in GROUPS.items() if groups else ():
        out.append(
            ActScore(
                name,
                sum(bool(g & acts) for g, _ in pairs),
                sum(bool(p & acts) for _, p in pairs),
                sum(bool(g & acts) and bool(p & acts) for g, p in pairs),
            )
        )
    return out


def evaluate(
    analyzer: UtteranceAnalyzer | None = None, split: str = "heldout", *, groups: bool = False
) -> list[ActScore]:
    """Score the analyzer against the labelled single utterances of one split."""
    analyzer = analyzer or default_analyzer()
    items = [it for it in load_labeled() if it.split == split]
    predicted = [analyzer.analyze(it.text, subject_name=it.subject_name).acts for it in items]
    return score([it.acts for it in items], predicted, groups=groups)


def evaluate_spoken(analyzer: UtteranceAnalyzer | None = None) -> list[ActScore]:
    """Score the analyzer on the held-out spoken-style conversations, turn by turn in context
    (per act, then the reflection and question groups)."""
    analyzer = analyzer or default_analyzer()
    gold: list[frozenset[str]] = []
    predicted: list[frozenset[str]] = []
    for d in load_dialogues(SPOKEN_HELDOUT_PATH):
        turns = [(t.officer, t.text) for t in d.turns]
        found = conversation_acts(analyzer, turns, subject_name=d.subject_name)
        gold += [t.acts for t in d.turns if t.officer]
        predicted += [a.acts for a in found]
    return score(gold, predicted, groups=True)


def _num(v: float | None) -> str:
    return "   n/a" if v is None else f"{v:6.2f}"


def format_table(scores: list[ActScore]) -> str:
    """A plain-text table, one row per act and group, then micro-averaged totals over acts."""
    lines = [f"{'act':22s} {'support':>7s} {'pred':>5s} {'prec':>6s} {'recall':>6s} {'f1':>6s}"]
    for s in scores:
        lines.append(
            f"{s.act:22s} {s.support:7d} {s.predicted:5d} "
            f"{_num(s.precision)} {_num(s.recall)} {_num(s.f1)}"
        )
    acts = [s for s in scores if s.act in ACTS]
    total = ActScore(
        "micro average",
        sum(s.support for s in acts),
        sum(s.predicted for s in acts),
        sum(s.true_positive for s in acts),
    )
    lines.append(
        f"{total.act:22s} {total.support:7d} {total.predicted:5d} "
        f"{_num(total.precision)} {_num(total.recall)} {_num(total.f1)}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the held-out table (``--set spoken`` for the conversations, ``--split train``)."""
    argv = argv or []
    if "--set" in argv and argv[argv.index("--set") + 1] == "spoken":
        turns = sum(t.officer for d in load_dialogues(SPOKEN_HELDOUT_PATH) for t in d.turns)
        print(f"held-out spoken-style officer turns: {turns}")
        scores = evaluate_spoken()
    else:
        split = argv[argv.index("--split") + 1] if "--split" in argv else "heldout"
        print(f"held-out utterances: {sum(1 for it in load_labeled() if it.split == split)}")
        scores = evaluate(split=split, groups=True)
    print(format_table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
