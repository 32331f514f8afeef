from __future__ import annotations

from appliance.persona.reply_filter import filter_reply
from appliance.persona.routing import SpokenLine
from appliance.persona.scenario import MIN_PITCH_GAP, Scenario
from appliance.persona.subject import PersonaEngine
from appliance.persona.vocabulary import STAGES
from appliance.persona.voice import voice_for


def test_every_voice_is_the_bundled_piper_voice(scenario: Scenario) -> None:
    for speaker in scenario.speakers:
        for stage in STAGES:
            assert voice_for(scenario, speaker, stage).voice_id == "en_US-joe-medium"


def test_subject_voice_escalates_with_the_stage(scenario: Scenario) -> None:
    voices = [voice_for(scenario, "subject", s) for s in STAGES]
    lengths = [v.length_scale for v in voices]
    volumes = [v.volume for v in voices]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] > lengths[-1]
    assert volumes == sorted(volumes) and volumes[0] < volumes[-1]
    assert voices[-1].noise_w_scale > voices[0].noise_w_scale


def test_clinician_is_distinguishable_from_the_subject(coresponder: Scenario) -> None:
    clinician = voice_for(coresponder, "clinician", "hostile")
    assert clinician == voice_for(coresponder, "clinician", "calm")  # she does not escalate
    for stage in STAGES:
        subject = voice_for(coresponder, "subject", stage)
        assert abs(clinician.pitch_semitones - subject.pitch_semitones) >= MIN_PITCH_GAP
        assert clinician != subject


def test_labelled_lines_route_to_their_character(coresponder: Scenario) -> None:
    raw = (
        "Sam: I don't want to go back there.\n"
        "CLINICIAN: Sam, nobody is going to put you in handcuffs today. Can we talk?\n"
        "Sam: Maybe."
    )
    lines = filter_reply(coresponder, raw, speaker="subject")
    assert lines == [
        SpokenLine("subject", "I don't want to go back there."),
        SpokenLine("clinician", "Sam, nobody is going to put you in handcuffs today."),
        SpokenLine("clinician", "Can we talk?"),
        SpokenLine("subject", "Maybe."),
    ]


def test_clinician_reply_routes_by_name_and_alias(coresponder: Scenario) -> None:
    raw = "Dana: I'm right here, Sam.\nMs. Reyes: Take your time.\nSam: Okay."
    lines = filter_reply(coresponder, raw, speaker="clinician")
    assert [ln.speaker for ln in lines] == ["clinician", "clinician", "subject"]
    assert lines[-1].text == "Okay."


def test_clinician_fallback(coresponder: Scenario) -> None:
    lines = filter_reply(coresponder, "*nods*", speaker="clinician")
    assert lines == [SpokenLine("clinician", coresponder.characters[0].fallback)]


def test_who_answers_the_officer(coresponder: Scenario) -> None:
    e = PersonaEngine(coresponder)
    assert e.responders("Sam, are you okay?", frozenset({"name_use"})) == ("subject",)
    assert e.responders("Dana, what do you think?", frozenset({"open_question"})) == ("clinician",)
    assert e.responders("Sam, this is Dana Reyes from the county.", frozenset({"handoff"})) == (
        "clinician",
        "subject",
    )
    assert e.responders("I'd like my partner here to help.", frozenset({"handoff"})) == (
        "clinician",
        "subject",
    )
    assert e.responders("Sam, I'm a counselor too.", frozenset()) == ("clinician",)


def test_single_character_scenes_always_answer_with_the_subject(overpass: Scenario) -> None:
    e = PersonaEngine(overpass)
    assert e.responders("Dana, take it from here.", frozenset({"handoff"})) == ("subject",)


def test_engine_voices_both_characters(coresponder: Scenario) -> None:
    e = PersonaEngine(coresponder)
    assert e.voice_for("clinician").pitch_semitones != e.voice_for("subject").pitch_semitones
