"""MITI-style session measures and the thresholds they are judged against.

Motivational Interviewing Treatment Integrity (MITI) summary scores, computed from the officer's
acts: reflections to questions (MITI 4.2.1: fair 1:1, good 2:1), percent complex reflections
(MITI 4.2.1: fair 40 %, good 50 %) and percent open questions (MITI 3.1.1: fair 50 %, good 70 %).
MITI counts a summary and a named feeling said as a statement as complex reflections.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.review.metrics import Metrics

GOOD, FAIR, BELOW, UNMEASURED = "good", "fair", "below fair", "not measurable"


@dataclass(frozen=True)
class Threshold:
    """The values at which a measure counts as fair and as good."""

    fair: float
    good: float
    source: str


THRESHOLDS: dict[str, Threshold] = {
    "reflection_to_question": Threshold(1.0, 2.0, "MITI 4.2.1"),
    "percent_complex_reflections": Threshold(40.0, 50.0, "MITI 4.2.1"),
    "percent_open_questions": Threshold(50.0, 70.0, "MITI 3.1.1"),
}
TITLES = {
    "reflection_to_question": "Reflections to questions",
    "percent_complex_reflections": "Complex reflections",
    "percent_open_questions": "Open questions",
}


@dataclass(frozen=True)
class Measure:
    """One session measure: its value, counts, thresholds and how it is judged."""

    id: str
    title: str
    value: float | None
    numerator: int
    denominator: int
    fair: float
    good: float
    source: str
    judged: str

    def describe(self) -> str:
        """e.g. "reflections to questions 0.8 (fair ≥ 1, good ≥ 2): below fair"."""
        if self.value is None:
            return f"{self.title.lower()}: {self.judged}"
        pct = self.id.startswith("percent")
        value = f"{self.value:.0f}%" if pct else f"{self.value:.1f}"
        fair = f"{self.fair:.0f}%" if pct else f"{self.fair:g}"
        good = f"{self.good:.0f}%" if pct else f"{self.good:g}"
        bands = f"{self.source}: fair ≥ {fair}, good ≥ {good}"
        return f"{self.title.lower()} {value} ({bands}): {self.judged}"


def judge(value: float | None, threshold: Threshold) -> str:
    """good / fair / below fair / not measurable."""
    if value is None:
        return UNMEASURED
    return GOOD if value >= threshold.good else FAIR if value >= threshold.fair else BELOW


def miti_measures(m: Metrics) -> tuple[Measure, ...]:
    """The three session measures of a review, in a fixed order."""
    values = {
        "reflection_to_question": (m.reflection_to_question, m.reflections, m.questions),
        "percent_complex_reflections": (
            m.percent_complex_reflections,
            m.complex_reflections,
            m.reflections,
        ),
        "percent_open_questions": (m.percent_open_questions, m.open_questions, m.questions),
    }
    out = []
    for mid, (value, num, den) in values.items():
        th = THRESHOLDS[mid]
        out.append(
            Measure(
                mid, TITLES[mid], value, num, den, th.fair, th.good, th.source, judge(value, th)
            )
        )
    return tuple(out)
