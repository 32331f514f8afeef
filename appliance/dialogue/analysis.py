"""Dialogue acts of one officer turn: word rules plus a classifier over MiniLM embeddings.

Shared by the persona engine (every live officer turn) and the review engine (whole transcripts).
A turn is read sentence by sentence, with what the other person said before it (``heard``), so
"You want this baby." after "I kind of want it" reads as a reflection.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from appliance.dialogue.acts import ACT_DEFINITIONS, ACTS
from appliance.dialogue.classifier import ActClassifier, decide_acts
from appliance.dialogue.coercion import CoercionJudge
from appliance.dialogue.embedding import FloatArray, SentenceEncoder
from appliance.dialogue.features import RECENT_TURNS, turn_rows
from appliance.dialogue.meaning import HarshMeaning
from appliance.dialogue.rules import apply_rules, count_words

_CACHE_SIZE = 64

__all__ = ["ACTS", "ACT_DEFINITIONS", "UtteranceAnalysis", "UtteranceAnalyzer", "default_analyzer"]


def _no_rows() -> FloatArray:
    return np.zeros((0, 0), dtype=np.float32)


@dataclass(frozen=True)
class UtteranceAnalysis:
    """The acts found in one utterance, its word count, finer cues and per-act probabilities."""

    text: str
    acts: frozenset[str]
    words: int
    cues: frozenset[str] = frozenset()
    scores: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    # Unit sentence embeddings: row 0 the whole utterance, then each sentence (the dialogue
    # bank's topic matcher reuses them, so an utterance is embedded once).
    embeddings: FloatArray = field(default_factory=_no_rows, compare=False, repr=False)


class UtteranceAnalyzer:
    """Loads the model and classifier once; ``analyze`` is thread-safe and deterministic."""

    def __init__(self, encoder: SentenceEncoder, classifier: ActClassifier) -> None:
        self._encoder = encoder
        self._classifier = classifier
        self._coercion = CoercionJudge(encoder)
        self._meaning = HarshMeaning(encoder)
        self._heard: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def encoder(self) -> SentenceEncoder:
        """The sentence encoder the analysis uses."""
        return self._encoder

    @classmethod
    def load(cls) -> UtteranceAnalyzer:
        """Load the bundled MiniLM model and the committed classifier weights, with every
        prototype embedded (about 0.5 s on the 2-core box: in a live turn it delayed the reply)."""
        analyzer = cls(SentenceEncoder.load(), ActClassifier.load())
        analyzer._coercion.prepare()
        analyzer._meaning.prepare()
        return analyzer

    def _heard_vector(self, text: str) -> npt.NDArray[np.float32]:
        """The embedding of something the other person said (the last few are kept)."""
        with self._lock:
            vec = self._heard.get(text)
            if vec is not None:
                self._heard.move_to_end(text)
                return vec
        vec = self._encoder.encode(text)
        with self._lock:
            self._heard[text] = vec
            while len(self._heard) > _CACHE_SIZE:
                self._heard.popitem(last=False)
        return vec

    def analyze(
        self, text: str, *, subject_name: str | None = None, heard: Sequence[str] = ()
    ) -> UtteranceAnalysis:
        """The dialogue acts of one officer turn (empty text gives no acts).

        ``heard``: what the other person said before this turn, oldest first (the last few count).
        """
        words = count_words(text)
        if words == 0:
            return UtteranceAnalysis(text=text, acts=frozenset(), words=0)
        hits = apply_rules(text, subject_name, coercive=self._coercion, meaning=self._meaning)
        recent = [h for h in heard if h.strip()][-RECENT_TURNS:]
        rows = turn_rows(
            self._encoder.encode, text, recent, [self._heard_vector(h) for h in recent]
        )
        probs = self._classifier.probabilities(rows)
        acts = decide_acts(hits.acts, hits.vetoed, probs, self._classifier.thresholds)
        scores = tuple(
            (a, round(float(p), 3))
            for a, p in zip(ACTS, probs, strict=True)
            if p >= 0.2 or a in acts
        )
        embeddings = rows.rows[:, : self._encoder.dim].astype(np.float32)
        return UtteranceAnalysis(text, acts, words, hits.cues, scores, embeddings)

    def analyze_many(
        self, texts: Sequence[str], *, subject_name: str | None = None
    ) -> list[UtteranceAnalysis]:
        """``analyze`` for each text, in order, each read on its own (no conversation)."""
        return [self.analyze(t, subject_name=subject_name) for t in texts]


@functools.cache
def default_analyzer() -> UtteranceAnalyzer:
    """The process-wide analyzer (loaded on first use)."""
    return UtteranceAnalyzer.load()
