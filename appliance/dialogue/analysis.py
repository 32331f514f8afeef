"""Dialogue acts of one officer utterance: word rules plus a classifier over MiniLM embeddings.

Shared by the persona engine (every live officer turn) and the review engine (whole transcripts).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from appliance.dialogue.acts import ACT_DEFINITIONS, ACTS
from appliance.dialogue.classifier import ActClassifier, decide_acts, segment_features
from appliance.dialogue.embedding import SentenceEncoder
from appliance.dialogue.rules import apply_rules, count_words

__all__ = ["ACTS", "ACT_DEFINITIONS", "UtteranceAnalysis", "UtteranceAnalyzer", "default_analyzer"]


@dataclass(frozen=True)
class UtteranceAnalysis:
    """The acts found in one utterance, its word count, finer cues and per-act probabilities."""

    text: str
    acts: frozenset[str]
    words: int
    cues: frozenset[str] = frozenset()
    scores: tuple[tuple[str, float], ...] = field(default=(), compare=False)


class UtteranceAnalyzer:
    """Loads the model and classifier once; ``analyze`` is thread-safe and deterministic."""

    def __init__(self, encoder: SentenceEncoder, classifier: ActClassifier) -> None:
        self._encoder = encoder
        self._classifier = classifier

    @classmethod
    def load(cls) -> UtteranceAnalyzer:
        """Load the bundled MiniLM model and the committed classifier weights."""
        return cls(SentenceEncoder.load(), ActClassifier.load())

    def analyze(self, text: str, *, subject_name: str | None = None) -> UtteranceAnalysis:
        """The dialogue acts of one officer utterance (empty text gives no acts)."""
        words = count_words(text)
        if words == 0:
            return UtteranceAnalysis(text=text, acts=frozenset(), words=0)
        hits = apply_rules(text, subject_name)
        probs = self._classifier.probabilities(segment_features(self._encoder, text))
        acts = decide_acts(hits.acts, hits.vetoed, probs, self._classifier.thresholds)
        scores = tuple(
            (a, round(float(p), 3))
            for a, p in zip(ACTS, probs, strict=True)
            if p >= 0.2 or a in acts
        )
        return UtteranceAnalysis(text=text, acts=acts, words=words, cues=hits.cues, scores=scores)

    def analyze_many(
        self, texts: Sequence[str], *, subject_name: str | None = None
    ) -> list[UtteranceAnalysis]:
        """``analyze`` for each text, in order."""
        return [self.analyze(t, subject_name=subject_name) for t in texts]


@functools.cache
def default_analyzer() -> UtteranceAnalyzer:
    """The process-wide analyzer (loaded on first use)."""
    return UtteranceAnalyzer.load()
