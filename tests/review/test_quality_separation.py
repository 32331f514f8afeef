"""Active listening separates the held-out conversations written as skilled from the unskilled ones.

The spoken-style held-out conversations (``dialogue/data/spoken_heldout.txt``) are marked
``quality=high`` or ``low``; read as transcripts and reviewed, the active-listening score should
rank nearly every high-quality conversation above every low-quality one (AUC).
"""

from __future__ import annotations

from typing import Any

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.dialogue.training.corpus import Dialogue, load_dialogues
from appliance.dialogue.training.data import SPOKEN_HELDOUT_PATH
from appliance.review.report import review_transcript

WORDS_PER_SECOND = 2.5


def as_transcript(d: Dialogue) -> dict[str, Any]:
    turns, t = [], 0.0
    for turn in d.turns:
        end = t + max(0.8, len(turn.text.split()) / WORDS_PER_SECOND)
        speaker = "officer" if turn.officer else "subject"
        turns.append(
            {"speaker": speaker, "start": round(t, 2), "end": round(end, 2), "text": turn.text}
        )
        t = end + 1.0
    subject = {"name": d.subject_name} if d.subject_name else {}
    return {
        "session_id": d.id,
        "scenario_id": "overpass_voices",
        "turns": turns,
        "subject": subject,
    }


def auc(high: list[float], low: list[float]) -> float:
    """Probability that a high-quality session outscores a low-quality one (ties count half)."""
    pairs = [(h > lo) + 0.5 * (h == lo) for h in high for lo in low]
    return sum(pairs) / len(pairs)


def test_active_listening_ranks_skilled_conversations_higher(analyzer: UtteranceAnalyzer) -> None:
    scores: dict[str, list[float]] = {"high": [], "low": []}
    for d in load_dialogues(SPOKEN_HELDOUT_PATH):
        review = review_transcript(as_transcript(d), analyzer=analyzer)
        scores[d.meta["quality"]].append(review.competency("active_listening").score)
    assert len(scores["high"]) >= 10 and len(scores["low"]) >= 5
    assert auc(scores["high"], scores["low"]) >= 0.9, scores
