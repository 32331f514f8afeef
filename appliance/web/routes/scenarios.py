"""The scenario library as the clients see it: dispatch cards for officers, injects for staff."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from appliance.persona.scenario import Scenario, list_scenarios
from appliance.web.auth import OFFICER, Anyone

router = APIRouter(prefix="/api", tags=["scenarios"])


def card_of(scenario: Scenario, staff: bool) -> dict[str, Any]:
    """What a client may know of a card (never the hidden truth); staff also get the injects."""
    card: dict[str, Any] = {
        "id": scenario.id,
        "title": scenario.title,
        "summary": scenario.summary,
        "category": scenario.review.topic_category,
        "dispatch": scenario.dispatch,
        "time_limit_s": scenario.time_limit_s,
        "scene": {"kind": scenario.scene.kind, "description": scenario.scene.description},
        "characters": [c.id for c in scenario.characters],  # drawn beside the officer
    }
    if staff:
        card["injects"] = [
            {"name": name, "description": i.description, "agitation_delta": i.agitation_delta}
            for name, i in scenario.injects.items()
        ]
    return card


@router.get("/scenarios")
async def scenarios(who: Anyone) -> list[dict[str, Any]]:
    """Every scenario card of the library, by id."""
    return [card_of(s, staff=who.role != OFFICER) for s in list_scenarios()]
