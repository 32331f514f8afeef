"""Review facts of each card (topic, risks, next-practice ranks), read from its ``review:`` block.

Nothing here is typed in Python: the topic category, risks and "good next practice for" ranks
live in each card (``appliance/persona/scenarios/*.yaml``), so adding a scenario means adding
a card. The review (``appliance/review``) and the records (``appliance/records/hours.py``)
import from here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from appliance.errors import ScenarioError
from appliance.persona.scenario import SCENARIO_DIR, Scenario, list_scenarios
from appliance.persona.vocabulary import COMPETENCIES

# The review suggests a next scenario other than the current one, so each competency needs two.
MIN_PRACTICE_CARDS = 2


@dataclass(frozen=True)
class ScenarioInfo:
    """Review-side facts about one scenario card."""

    id: str
    title: str
    topic_category: str
    suicide_risk: bool = False
    clinician_on_scene: bool = False
    post_topic: str = field(default="", compare=False)  # optional in the card

    @property
    def hours_topic(self) -> str:
        """The topic the hours export files this card's sessions under (the card says which)."""
        return self.post_topic or self.topic_category


def info_of(card: Scenario) -> ScenarioInfo:
    """A card's review facts."""
    r = card.review
    return ScenarioInfo(
        card.id,
        card.title,
        r.topic_category,
        r.suicide_risk,
        r.clinician_on_scene,
        r.post_topic or "",
    )


@functools.cache
def library_facts(directory: Path = SCENARIO_DIR) -> dict[str, ScenarioInfo]:
    """Review facts of every card of a library, by id (sorted by id)."""
    return {card.id: info_of(card) for card in list_scenarios(directory)}


@functools.cache
def practice_ranking(directory: Path = SCENARIO_DIR) -> dict[str, tuple[str, ...]]:
    """Per competency (rubric order), the cards that practise it, best first.

    A card's ``review.practises`` gives its rank per competency (1 = best); cards are ordered by
    rank, then by id. A competency practised by fewer than two cards raises ScenarioError.
    """
    cards = list_scenarios(directory)
    ranking: dict[str, tuple[str, ...]] = {}
    for competency in COMPETENCIES:
        ranked = sorted(
            (card.review.practises[competency], card.id)
            for card in cards
            if competency in card.review.practises
        )
        if len(ranked) < MIN_PRACTICE_CARDS:
            raise ScenarioError(
                f"review.practises: competency {competency!r} is practised by {len(ranked)}"
                f" card(s) of the library; the review needs at least {MIN_PRACTICE_CARDS}"
            )
        ranking[competency] = tuple(card_id for _, card_id in ranked)
    return ranking


# The bundled library, read once at import (cards are validated at load).
SCENARIOS: dict[str, ScenarioInfo] = library_facts()

# Which scenario best practises each competency, best first.
PRACTICE_FOR: dict[str, tuple[str, ...]] = practice_ranking()


def scenario_info(scenario_id: str) -> ScenarioInfo:
    """The scenario's facts; an unknown id still gets a neutral entry (custom cards exist)."""
    return SCENARIOS.get(scenario_id) or ScenarioInfo(
        scenario_id,
        scenario_id.replace("_", " ").strip().capitalize() or "Custom scenario",
        "Crisis communication",
    )
