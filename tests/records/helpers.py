"""Builders for records tests: a transcript and a review in the shapes the engine makes."""

from __future__ import annotations

from typing import Any


def transcript(
    session_id: str = "s-1",
    officer_id: str = "off-1",
    officer_name: str = "Dana Daniels",
    scenario_id: str = "overpass_voices",
    started_at: str = "2026-11-22T10:00:00Z",
    duration_s: float = 540.0,
    outcome: str = "resolved",
) -> dict[str, Any]:
    """A finished session's transcript JSON.

    The docs/ARCHITECTURE.md contract plus manager's outcome fields.
    """
    return {
        "session_id": session_id,
        "scenario_id": scenario_id,
        "officer": {"id": officer_id, "name": officer_name},
        "started_at": started_at,
        "turns": [
            {
                "speaker": "officer",
                "start": 0.0,
                "end": 3.2,
                "text": "Hi, I'm Officer Daniels.",
                "features": {"rms_dbfs": -21.5, "words_per_minute": 150},
            },
            {
                "speaker": "subject",
                "start": 3.9,
                "end": 6.0,
                "text": "Stay back!",
                "interrupted": True,
            },
        ],
        "state_timeline": [{"t": 0.0, "agitation": 70, "stage": "agitated"}],
        "events": [{"t": 120.0, "type": "inject", "name": "sister_arrives"}],
        "timings": [{"turn": 1, "total_ms": 640}],
        "outcome": outcome,
        "ended_at_s": duration_s,
    }


def review(score: int = 72) -> dict[str, Any]:
    """A minimal review JSON."""
    return {
        "overall": score,
        "competencies": {"active_listening": 80},
        "closing": "Practice feedback, not a fitness-for-duty determination.",
    }
