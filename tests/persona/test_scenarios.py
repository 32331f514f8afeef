from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from appliance.dialogue.analysis import ACTS
from appliance.errors import ScenarioError
from appliance.persona.review_facts import (
    PRACTICE_FOR,
    SCENARIOS,
    ScenarioInfo,
    info_of,
    practice_ranking,
    scenario_info,
)
from appliance.persona.scenario import (
    MAX_TIME_LIMIT_MIN,
    Scenario,
    list_scenarios,
    load_scenario,
    load_scenario_file,
)
from appliance.persona.vocabulary import COMPETENCIES, DIALOGUE_ACTS, STAGES, SUBJECT
from tests.persona.conftest import SCENARIO_IDS, raw_card

WriteCard = Callable[[dict[str, Any], str], Path]


def test_library_holds_exactly_the_pinned_scenarios() -> None:
    assert tuple(s.id for s in list_scenarios()) == SCENARIO_IDS


def test_vocabulary_is_the_analyzers() -> None:
    assert DIALOGUE_ACTS == ACTS
    assert len(set(DIALOGUE_ACTS)) == 23


def test_every_card_is_complete(scenario: Scenario) -> None:
    assert scenario.time_limit_min <= MAX_TIME_LIMIT_MIN
    assert scenario.dispatch.strip() and scenario.hidden_truth.strip()
    assert scenario.subject.name and scenario.subject.wants and scenario.subject.speech_style
    assert scenario.triggers and scenario.deescalators
    assert len(scenario.injects) >= 3
    for stage in STAGES:
        spec = scenario.stages.get(stage)
        assert spec.directive and spec.fallback and spec.vr.posture and spec.voice.volume > 0
    covered = {c for o in scenario.learning_objectives for c in o.competencies}
    assert covered <= set(COMPETENCIES) and len(covered) >= 5
    assert set(scenario.competency_weights) <= set(COMPETENCIES)
    assert scenario.references and "no endorsement" in scenario.references[0]
    # escalation comes from force and disrespect, de-escalation from listening
    w = scenario.agitation.weights
    for act in ("command", "threat", "countdown", "minimizing", "disrespect"):
        assert w[act] > 0
    for act in ("reflection_complex", "emotion_label", "validation", "slowing_language", "options"):
        assert w[act] < 0


def test_dispatch_hides_the_truth_in_the_trespass_call() -> None:
    card = load_scenario("backyard_trespass")
    assert "trespass" in card.dispatch.lower()
    assert "psycho" not in card.dispatch.lower()
    assert "psychotic" in card.hidden_truth.lower()


def test_only_the_coresponder_card_has_a_clinician() -> None:
    with_characters = [s.id for s in list_scenarios() if s.characters]
    assert with_characters == ["coresponder_clinician", "manic_domestic", "school_teen"]
    assert load_scenario("coresponder_clinician").speakers == (SUBJECT, "clinician")
    clinicians = [s.id for s in list_scenarios() if s.review.clinician_on_scene]
    assert clinicians == ["coresponder_clinician"]
    assert load_scenario("school_teen").speakers == (SUBJECT, "father")
    assert load_scenario("manic_domestic").speakers == (SUBJECT, "lena")


def test_unknown_scenario_lists_the_valid_ids() -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario("bank_robbery")
    assert "bank_robbery" in err.value.message
    for sid in SCENARIO_IDS:
        assert sid in err.value.message


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = raw_card("overpass_voices")
    change(data)
    return data


BROKEN_CARDS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("missing field", lambda d: d.pop("hidden_truth"), "hidden_truth", "Field required"),
    ("missing nested field", lambda d: d["subject"].pop("wants"), "subject.wants", "required"),
    ("wrong type", lambda d: d["subject"].update(age="thirty"), "subject.age", "integer"),
    (
        "unknown act in weights",
        lambda d: d["agitation"]["weights"].update(yelling=5),
        "agitation.weights.yelling",
        "unknown dialogue act 'yelling'",
    ),
    (
        "time limit over 12 minutes",
        lambda d: d.update(time_limit_min=15),
        "time_limit_min",
        "less than or equal to 12",
    ),
    (
        "thresholds out of order",
        lambda d: d["agitation"]["thresholds"].update(hostile=30),
        "agitation.thresholds",
        "must rise",
    ),
    (
        "unknown competency",
        lambda d: d["learning_objectives"][0].update(competencies=["marksmanship"]),
        "learning_objectives.0.competencies.0",
        "unknown competency",
    ),
    (
        "unknown stage in a lock",
        lambda d: d["injects"]["leans_over"]["stage_lock"].update(stage="furious"),
        "injects.leans_over.stage_lock.stage",
        "unknown stage",
    ),
    ("extra field", lambda d: d.update(mood="sad"), "mood", "Extra inputs"),
    ("missing stage", lambda d: d["stages"].pop("peak"), "stages.peak", "required"),
]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [b[1:] for b in BROKEN_CARDS],
    ids=[b[0] for b in BROKEN_CARDS],
)
def test_malformed_card_names_file_field_and_reason(
    write_card: WriteCard, change: Callable[[dict[str, Any]], None], field: str, reason: str
) -> None:
    path = write_card(_broken(change), "overpass_voices")
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(path)
    message = err.value.message
    assert message.startswith("overpass_voices.yaml: ")
    assert field in message
    assert reason in message
    assert err.value.code == "scenario_invalid"


def test_card_id_must_match_its_file(write_card: WriteCard) -> None:
    path = write_card(raw_card("overpass_voices"), "somewhere_else")
    with pytest.raises(ScenarioError, match=r"somewhere_else.yaml: id: .*file name"):
        load_scenario_file(path)


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n")
    with pytest.raises(ScenarioError, match="broken.yaml: cannot read card"):
        load_scenario_file(path)


def test_clinician_voice_must_differ_from_the_subjects(write_card: WriteCard) -> None:
    data = raw_card("coresponder_clinician")
    data["characters"][0]["voice"]["pitch_semitones"] = data["subject"]["voice"]["pitch_semitones"]
    path = write_card(data, "coresponder_clinician")
    with pytest.raises(ScenarioError, match="clinician.*semitones"):
        load_scenario_file(path)


def test_a_library_directory_of_valid_cards_loads(write_card: WriteCard) -> None:
    path = write_card(raw_card("bar_intoxicated"), "bar_intoxicated")
    cards = list_scenarios(path.parent)
    assert [c.id for c in cards] == ["bar_intoxicated"]
    assert load_scenario("bar_intoxicated", path.parent) == load_scenario("bar_intoxicated")


# The review facts as they were typed in Python before they moved into the cards' review block.
OLD_FACTS: dict[str, tuple[str, bool, bool]] = {
    "overpass_voices": ("Mental health crisis: suicidal ideation", True, False),
    "backyard_trespass": ("Mental health crisis: psychosis (dispatched as trespass)", False, False),
    "bar_intoxicated": ("De-escalation: intoxicated subject", False, False),
    "store_disorderly": ("De-escalation: disorderly conduct, situational crisis", False, False),
    "traffic_stop_filming": ("De-escalation: traffic stop, procedural justice", False, False),
    "coresponder_clinician": ("Mental health crisis: co-responder hand-off", False, True),
}
OLD_PRACTICE_FOR: dict[str, tuple[str, ...]] = {
    "opening_legitimacy": ("traffic_stop_filming", "backyard_trespass"),
    "active_listening": ("overpass_voices", "store_disorderly"),
    "empathy": ("store_disorderly", "overpass_voices"),
    "respect_dignity": ("bar_intoxicated", "traffic_stop_filming"),
    "directive_clarity": ("traffic_stop_filming", "bar_intoxicated"),
    "time_pacing": ("backyard_trespass", "overpass_voices"),
    "crisis_assessment": ("overpass_voices", "backyard_trespass"),
    "options_resolution": ("coresponder_clinician", "store_disorderly"),
}


def test_every_card_has_a_review_block(scenario: Scenario) -> None:
    assert "review" in raw_card(scenario.id)
    assert scenario.review.topic_category.strip()
    assert scenario.review.practises
    assert set(scenario.review.practises) <= set(COMPETENCIES)


def test_review_facts_come_from_the_cards_unchanged() -> None:
    assert set(OLD_FACTS) < set(SCENARIOS) == set(SCENARIO_IDS)
    for sid, (topic, suicide, clinician) in OLD_FACTS.items():
        info = scenario_info(sid)
        assert info == ScenarioInfo(sid, load_scenario(sid).title, topic, suicide, clinician)
        assert SCENARIOS[sid] == info


def test_practice_ranking_follows_the_cards_ranks() -> None:
    cards = list_scenarios()
    for competency, ranked in PRACTICE_FOR.items():
        named = [c for c in cards if competency in c.review.practises]
        expected = sorted(named, key=lambda c: (c.review.practises[competency], c.id))
        assert ranked == tuple(c.id for c in expected)
        # the first six cards keep their order among themselves
        assert [s for s in ranked if s in OLD_FACTS] == list(OLD_PRACTICE_FOR[competency])
    assert tuple(PRACTICE_FOR) == COMPETENCIES
    new = set(SCENARIO_IDS) - set(OLD_FACTS)
    assert new <= {s for ranked in PRACTICE_FOR.values() for s in ranked}


def test_unknown_scenario_gets_neutral_review_facts() -> None:
    info = scenario_info("my_custom_call")
    assert info == ScenarioInfo("my_custom_call", "My custom call", "Crisis communication")


def test_unknown_competency_in_practises_names_file_and_field(write_card: WriteCard) -> None:
    data = raw_card("overpass_voices")
    data["review"]["practises"]["marksmanship"] = 1
    path = write_card(data, "overpass_voices")
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(path)
    message = err.value.message
    assert message.startswith("overpass_voices.yaml: ")
    assert "review.practises.marksmanship" in message
    assert "unknown competency 'marksmanship'" in message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("review"), "review"),
        (lambda d: d["review"].pop("topic_category"), "review.topic_category"),
        (lambda d: d["review"]["practises"].update(empathy=0), "review.practises.empathy"),
        (lambda d: d["review"].update(priority=1), "review.priority"),
    ],
    ids=["missing block", "missing topic", "rank below 1", "extra field"],
)
def test_malformed_review_block_names_the_field(
    write_card: WriteCard, change: Callable[[dict[str, Any]], None], field: str
) -> None:
    path = write_card(_broken(change), "overpass_voices")
    with pytest.raises(ScenarioError, match=rf"^overpass_voices\.yaml: .*{field}"):
        load_scenario_file(path)


def test_a_competency_practised_by_one_card_is_refused(write_card: WriteCard) -> None:
    data = raw_card("overpass_voices")
    path = write_card(data, "overpass_voices")
    with pytest.raises(ScenarioError, match="review.practises: competency 'opening_legitimacy'"):
        practice_ranking(path.parent)


def test_ranks_order_the_cards_and_ties_go_by_id(write_card: WriteCard) -> None:
    cards = {sid: raw_card(sid) for sid in OLD_FACTS}  # a library of the first six cards
    cards["traffic_stop_filming"]["review"]["practises"]["opening_legitimacy"] = 3
    cards["overpass_voices"]["review"]["practises"]["respect_dignity"] = 1
    paths = [write_card(data, sid) for sid, data in cards.items()]
    ranking = practice_ranking(paths[0].parent)
    assert ranking["opening_legitimacy"] == ("backyard_trespass", "traffic_stop_filming")
    assert ranking["respect_dignity"] == (
        "bar_intoxicated",
        "overpass_voices",
        "traffic_stop_filming",
    )


def test_the_hours_topic_comes_from_the_card(write_card: WriteCard) -> None:
    data = raw_card("bar_intoxicated")
    data["review"]["post_topic"] = "Agency topic: communication skills"
    write_card(data, "bar_intoxicated")
    other = raw_card("store_disorderly")
    del other["review"]["post_topic"]  # left out: the card's topic_category stands
    path = write_card(other, "store_disorderly")
    facts = {c.id: info_of(c) for c in list_scenarios(path.parent)}
    assert facts["bar_intoxicated"].hours_topic == "Agency topic: communication skills"
    assert facts["store_disorderly"].hours_topic == other["review"]["topic_category"]
    assert all(scenario_info(sid).post_topic for sid in SCENARIO_IDS)  # every bundled card says
