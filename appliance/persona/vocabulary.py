"""Fixed names shared by scenario cards, the state machine and the review engine."""

from __future__ import annotations

from appliance.competencies import COMPETENCY_IDS
from appliance.dialogue.acts import ACTS
from appliance.transcript import OFFICER, SUBJECT

# Dialogue acts the utterance analysis tags on an officer turn: one list, owned by the dialogue
# analysis, which the persona and review engines share.
DIALOGUE_ACTS: tuple[str, ...] = ACTS

# Agitation stages, lowest first; a card sets the agitation at which each one after calm begins.
STAGES: tuple[str, ...] = ("calm", "guarded", "agitated", "hostile", "peak")

# How a session with the subject can end.
OUTCOMES: tuple[str, ...] = ("resolved", "disengaged", "failed", "time_limit")

# Built-in places the officer's client draws a card's scene as (headset_client/web/places.js).
SCENE_KINDS: tuple[str, ...] = (
    "overpass",
    "sidewalk",
    "roadside_car",
    "parking_lot",
    "kitchen",
    "driveway",
    "store",
    "bus_shelter",
    "backyard",
    "room",
)

# Competency ids of the review rubric, in rubric order (one list, shared with the review engine).
COMPETENCIES: tuple[str, ...] = COMPETENCY_IDS

__all__ = [
    "COMPETENCIES",
    "DIALOGUE_ACTS",
    "OFFICER",
    "OUTCOMES",
    "SCENE_KINDS",
    "STAGES",
    "SUBJECT",
]
