"""The officer's distance over real WebRTC: a headset's fast approach raises agitation and the
review cites it; bad pose messages are dropped and counted; a call without poses scores as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
import pytest
from fastapi import FastAPI

from appliance.audio.frames import SAMPLE_RATE
from appliance.engine import Engine
from appliance.persona.scenario import load_scenario
from appliance.review import scoring
from appliance.review.distance import NOT_MEASURED
from appliance.review.report import review_transcript
from appliance.turn.events import OfficerPose
from headset_client import HeadsetClient

Speak = Callable[[str], np.ndarray]
OFFICER = {"id": "badge-7", "name": "Officer Daniels"}
LINE = "Hi, I'm Officer Daniels with the police department. What's your name?"
HZ = 5


async def stored_review(app_url: str, token: str, session_id: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=app_url, headers=headers, timeout=30) as http:
        for _ in range(240):
            answer = await http.get(f"/api/sessions/{session_id}/review")
            if answer.status_code == 200:
                return dict(answer.json())
            await asyncio.sleep(0.5)
    raise AssertionError("no review within 2 minutes")


def pacing_factors(review: dict[str, Any]) -> list[dict[str, Any]]:
    return list(next(c for c in review["competencies"] if c["id"] == "time_pacing")["factors"])


async def noted(client: HeadsetClient) -> Any:
    """The first ``officer.distance`` event that says a push counted (waits up to 10 s)."""
    for _ in range(100):
        notes = [e for e in client.events_of("officer.distance") if e.data["note"]]
        if notes:
            return notes[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no push reported: {client.events_of('officer.distance')}")


async def send_poses(client: HeadsetClient, poses: list[tuple[float, float]]) -> None:
    for distance, rate in poses:
        client.send(OfficerPose(distance, rate))
        await asyncio.sleep(1 / HZ)


async def test_a_fast_approach_while_he_is_hostile_raises_agitation_and_is_cited(
    live_app: FastAPI, app_url: str, device_token: str, speak: Speak
) -> None:
    async with HeadsetClient(
        app_url, officer=OFFICER, scenario_id="overpass_voices", token=device_token
    ) as client:
        await client.say(speak(LINE), SAMPLE_RATE)
        await client.wait_reply(timeout_s=120)
        sid = client.session.session_id if client.session else ""
        live = live_app.state.sessions.live[sid]
        hostile = live.nudge(8.0, "test: he is hostile")
        assert hostile["stage"] == "hostile"
        # Garbage first: malformed, impossible and a 30 Hz burst; none of it may stop the call.
        for junk in ("{", '{"type": "officer.pose", "distance_m": NaN, "approach_mps": 0}'):
            client.send(junk)
        client.send(OfficerPose(-2.0, 0.0))
        client.send(OfficerPose(5.0, 40.0))
        for _ in range(30):
            client.send(OfficerPose(6.0, 0.0))
        await asyncio.sleep(1.2)
        walk = [6.0 - 1.5 * i / HZ for i in range(1, 14)]  # 6 m → 2.1 m at 1.5 m/s
        await send_poses(client, [(6.0, 0.0)] * 3 + [(d, 1.5) for d in walk] + [(2.1, 0.0)] * 8)
        pushed = await noted(client)
        assert pushed.data["note"].startswith("closed from 6.0 m to 2.")
        assert pushed.data["note"].endswith("while he was hostile") and pushed.data["points"] > 5
        await asyncio.sleep(0.5)
        state = live.conversation.persona.state
        assert state.agitation >= hostile["agitation"] + 5
        stats = live.summary()["pose"]
        assert stats["dropped_by_reason"]["malformed"] == 1  # NaN parses: it is "impossible"
        assert stats["dropped_by_reason"]["impossible"] == 3
        assert stats["dropped_by_reason"]["too_frequent"] >= 15
        assert stats["accepted"] >= len(walk) and stats["distance_m"] == 2.1
        reports = client.events_of("officer.distance")
        assert reports[-1].data["dropped"] == stats["dropped"]
        await client.end()
        await client.wait_event("session.ended", 10)
    review = await stored_review(app_url, device_token, sid)
    cited = [f for f in pacing_factors(review) if f["reason"].startswith("Closed from 6.0 m")]
    assert cited and cited[0]["points"] < 0, pacing_factors(review)
    assert "while he was hostile" in cited[0]["reason"]


async def test_without_a_headset_nothing_is_measured_and_the_scores_are_unchanged(
    app_url: str, device_token: str, speak: Speak, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with HeadsetClient(
        app_url, officer=OFFICER, scenario_id="overpass_voices", token=device_token
    ) as client:
        await client.say(speak(LINE), SAMPLE_RATE)
        await client.wait_reply(timeout_s=120)
        sid = client.session.session_id if client.session else ""
        await client.end()
        transcript = await client.transcript()
    assert not any(e["type"] in ("pose", "proximity") for e in transcript["events"])
    assert not client.events_of("officer.distance")
    review = await stored_review(app_url, device_token, sid)
    unmeasured = {"points": 0, "reason": NOT_MEASURED, "turns": [], "measure": None}
    assert unmeasured in pacing_factors(review)
    monkeypatch.setattr(scoring, "distance_factors", lambda _c, _t: [])
    weights = load_scenario("overpass_voices").competency_weights or None
    before = review_transcript(transcript, weights=weights, analyzer=engine.analyzer).to_json()
    scores = [(c["id"], c["score"], c["level"]) for c in review["competencies"]]
    assert scores == [(c["id"], c["score"], c["level"]) for c in before["competencies"]]
    assert review["overall"] == before["overall"]
