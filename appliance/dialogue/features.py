"""The classifier's input rows for one officer turn: per sentence, with the conversation's context.

A turn is read as its whole and, when it has several, each clean sentence (``speech.sentences``):
"You lost your job. What happened?" opens with a reflection and ends with an open question. Each
row is [MiniLM embedding ⊕ word-rule features ⊕ context features]. The context is what the other
person said just before: a reflection says back what they said, so the row's similarity to their
last turns (embeddings), the share of their content words it repeats, and its position in the turn
are features.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.dialogue.embedding import SentenceEncoder
from appliance.dialogue.rules import (
    LEXICAL_DIM,
    is_question,
    is_statement,
    lexical_features,
    normalize,
    turn_sentences,
)

FloatArray = npt.NDArray[np.float64]
Encode = Callable[[str], npt.NDArray[np.float32]]

RECENT_TURNS = 3
CONTEXT_DIM = 10
FEATURE_DIM = SentenceEncoder.dim + LEXICAL_DIM + CONTEXT_DIM

WHOLE, QUESTION, STATEMENT, OPEN = "whole", "question", "statement", "open"

_STOP = frozenset(
    "a an the and or but so to of in on at for with is are was were be been am i you your you're "
    "me my we it it's that this there they them he she his her just not no do did don't okay "
    "ok yeah yes oh well like really all up out about what im youre dont thats its".split()
)
_WORD = re.compile(r"[a-z']+")


def content_words(text: str) -> set[str]:
    """The content words of a text (lower case, no stop words, three letters or more)."""
    return {w for w in _WORD.findall(normalize(text)) if w not in _STOP and len(w) > 2}


@dataclass(frozen=True)
class TurnRows:
    """What the classifier reads for one turn: the segments, their form, and their feature rows."""

    segments: tuple[str, ...]
    forms: tuple[str, ...]
    rows: FloatArray


def form_of(sentence: str) -> str:
    """A sentence's form: a question, plainly a statement, or open (ASR text without marks)."""
    if is_question(sentence):
        return QUESTION
    return STATEMENT if is_statement(sentence) else OPEN


def _context(
    vec: npt.NDArray[np.float32],
    text: str,
    heard: Sequence[str],
    heard_vecs: Sequence[npt.NDArray[np.float32]],
    position: tuple[int, int, bool],
) -> list[float]:
    index, count, whole = position
    if heard_vecs:
        sims = [float(np.dot(vec, h)) for h in heard_vecs[-RECENT_TURNS:]]
        said = content_words(text)
        echo = len(said & content_words(heard[-1])) / len(said) if said else 0.0
        asked = 1.0 if "?" in heard[-1] else 0.0
        sim_last, sim_best = sims[-1], max(sims)
    else:
        # Unknown, not dissimilar: the classifier fills missing context with the training mean.
        sim_last = sim_best = echo = asked = math.nan
    return [
        1.0 if heard_vecs else 0.0,
        sim_last,
        sim_best,
        echo,
        asked,
        1.0 if whole else 0.0,
        1.0 if index == 0 and not whole else 0.0,
        1.0 if index == count - 1 and not whole else 0.0,
        math.log1p(count) / 2.0,
        (index + 1) / count if not whole else 0.0,
    ]


def turn_rows(
    encode: Encode,
    text: str,
    heard: Sequence[str] = (),
    heard_vecs: Sequence[npt.NDArray[np.float32]] | None = None,
) -> TurnRows:
    """Feature rows for a turn: its whole first, then each sentence when it has several.

    ``heard`` is what the other person said before this turn, oldest first (their embeddings in
    ``heard_vecs`` if already computed).
    """
    sentences = turn_sentences(text) or [normalize(text) or " "]
    heard = [h for h in heard if h.strip()][-RECENT_TURNS:]
    vecs = list(heard_vecs[-len(heard) :]) if heard_vecs is not None and heard else []
    if heard and len(vecs) != len(heard):
        vecs = [encode(h) for h in heard]
    n = len(sentences)
    segments = [" ".join(sentences), *sentences] if n > 1 else sentences
    forms = [WHOLE, *(form_of(s) for s in sentences)] if n > 1 else [WHOLE]
    rows = []
    for k, seg in enumerate(segments):
        whole = n > 1 and k == 0
        index = 0 if n == 1 else max(0, k - 1)
        vec = encode(seg)
        ctx = _context(vec, seg, heard, vecs, (index, n, whole or n == 1))
        rows.append(np.concatenate([vec, lexical_features(seg), np.asarray(ctx, np.float32)]))
    return TurnRows(tuple(segments), tuple(forms), np.asarray(np.stack(rows), dtype=np.float64))
