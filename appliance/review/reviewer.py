"""Reviews of finished sessions: scored in the engine's analysis thread, rendered on demand."""

from __future__ import annotations

from typing import Any

from appliance.engine import Engine
from appliance.persona.scenario import load_scenario
from appliance.review.html import render_html
from appliance.review.report import Review, review_transcript


class SessionReviewer:
    """Scores transcripts with their card's competency weights on a started engine's analyzer."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def score(self, transcript: dict[str, Any]) -> Review:
        """The review of a transcript (raises ``TranscriptError`` when it cannot be scored)."""
        weights = load_scenario(transcript["scenario_id"]).competency_weights or None
        return await self.engine.analysis_thread.call(
            review_transcript, transcript, weights=weights, analyzer=self.engine.analyzer
        )

    async def review(self, transcript: dict[str, Any]) -> dict[str, Any]:
        """The review JSON of a transcript."""
        return (await self.score(transcript)).to_json()

    async def html(self, transcript: dict[str, Any]) -> str:
        """The review page of a transcript."""
        return render_html(await self.score(transcript))
