"""What the review needs to know about each scenario of the library (titles, topic, risks)."""

from __future__ import annotations

from dataclasses import dataclass

from appliance.persona.scenario import load_scenario


@dataclass(frozen=True)
class ScenarioInfo:
    """Review-side facts about one scenario card."""

    id: str
    title: str
    topic_category: str
    suicide_risk: bool = False
    clinician_on_scene: bool = False


# Review-side facts per card: (topic category, suicide risk, clinician on scene). Titles come
# from the cards themselves (appliance/persona/scenarios), so there is one place to rename one.
_FACTS: dict[str, tuple[str, bool, bool]] = {
    "overpass_voices": ("Mental health crisis: suicidal ideation", True, False),
    "backyard_trespass": ("Mental health crisis: psychosis (dispatched as trespass)", False, False),
    "bar_intoxicated": ("De-escalation: intoxicated subject", False, False),
    "store_disorderly": ("De-escalation: disorderly conduct, situational crisis", False, False),
    "traffic_stop_filming": ("De-escalation: traffic stop, procedural justice", False, False),
    "coresponder_clinician": ("Mental health crisis: co-responder hand-off", False, True),
}


def _info(scenario_id: str) -> ScenarioInfo:
    topic, suicide, clinician = _FACTS[scenario_id]
    return ScenarioInfo(scenario_id, load_scenario(scenario_id).title, topic, suicide, clinician)


SCENARIOS: dict[str, ScenarioInfo] = {sid: _info(sid) for sid in _FACTS}

# Which scenario best practises each competency, best first.
PRACTICE_FOR: dict[str, tuple[str, ...]] = {
    "opening_legitimacy": ("traffic_stop_filming", "backyard_trespass"),
    "active_listening": ("overpass_voices", "store_disorderly"),
    "empathy": ("store_disorderly", "overpass_voices"),
    "respect_dignity": ("bar_intoxicated", "traffic_stop_filming"),
    "directive_clarity": ("traffic_stop_filming", "bar_intoxicated"),
    "time_pacing": ("backyard_trespass", "overpass_voices"),
    "crisis_assessment": ("overpass_voices", "backyard_trespass"),
    "options_resolution": ("coresponder_clinician", "store_disorderly"),
}


def scenario_info(scenario_id: str) -> ScenarioInfo:
    """The scenario's facts; an unknown id still gets a neutral entry (custom cards exist)."""
    return SCENARIOS.get(scenario_id) or ScenarioInfo(
        scenario_id,
        scenario_id.replace("_", " ").strip().capitalize() or "Custom scenario",
        "Crisis communication",
    )
