"""The data-channel event contract: every type round-trips, bad messages are refused by name."""

from __future__ import annotations

import json

import pytest

from appliance.persona.state import VRCue
from appliance.turn.events import (
    EVENTS,
    BargeIn,
    ErrorEvent,
    Event,
    EventError,
    OfficerDistance,
    OfficerPose,
    PersonaStateChanged,
    SessionEnded,
    SpeechEnd,
    SpeechStart,
    TranscriptFinal,
    TranscriptPartial,
    TurnTiming,
    from_json,
    markdown_table,
)
from tests.conftest import REPO

SAMPLES: list[Event] = [
    TranscriptPartial("officer", "I'm Officer Daniels", 1.25),
    TranscriptFinal("subject", "Stay back!", 3.9, 6.0),
    PersonaStateChanged(4.0, 71.5, "agitated", "afraid", VRCue("pacing", "waves_away", 4.5)),
    PersonaStateChanged(9.0, 12.0, "calm", "relieved", VRCue("sitting", "none", 2.0), "resolved"),
    SpeechStart("clinician", "Hi, I'm Dana."),
    SpeechEnd("clinician", "Hi, I'm Dana."),
    OfficerPose(4.25, 0.8),
    OfficerDistance(12.0, 2.5, 1.1, 40, 2, "closed from 5.0 m to 2.5 m in 2.4 s", 9.0),
    OfficerDistance(13.0, None, 0.0, 3, 3),
    BargeIn(12.5, 1.24),
    TurnTiming(3, {"endpoint": 512.0, "total": 2341.5}, 2),
    SessionEnded("resolved", "/api/sessions/abc/review"),
    ErrorEvent("llm_failed", "the language model did not answer"),
]


def test_every_event_type_has_a_sample() -> None:
    assert {s.type for s in SAMPLES} == set(EVENTS)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.type)
def test_every_event_round_trips_through_json(event: Event) -> None:
    data = event.to_json()
    assert list(data)[0] == "type" and data["type"] == event.type
    assert from_json(data) == event
    assert from_json(json.dumps(data)) == event
    assert from_json(event.dumps()) == event


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "must be a JSON object"),
        ({"type": "persona.mood"}, "unknown event type 'persona.mood'"),
        ({"text": "no type"}, "unknown event type None"),
        ({"type": "transcript.final", "speaker": "officer", "text": "hi", "start": 1.0}, "'end'"),
        ({"type": "barge_in", "t": "soon", "dropped_s": 1.0}, r"barge_in.t must be a number"),
        ({"type": "turn.timing", "turn": 1.5}, r"turn.timing.turn must be an integer"),
        (
            {
                "type": "persona.state",
                "t": 1,
                "agitation": 50,
                "stage": "s",
                "emotion": "e",
                "cue": {"posture": "standing", "gesture": "none"},
            },
            r"persona.state.cue is missing the field 'distance_m'",
        ),
    ],
)
def test_malformed_events_are_refused_naming_what_is_wrong(message: object, reason: str) -> None:
    with pytest.raises(EventError, match=reason):
        from_json(message)  # type: ignore[arg-type]


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    event = from_json(
        {"type": "error", "code": "x", "message": "y", "hint": "new in a later version"}
    )
    assert event == ErrorEvent("x", "y")


def test_the_readme_event_table_is_the_one_events_py_generates() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = markdown_table()
    assert table in readme, (
        "README.md's event table differs: paste `python -m appliance.turn.events`"
    )
    for kind in EVENTS:
        assert f"| `{kind}` |" in table


CONSOLE_ONLY = {"snapshot", "session.live"}  # the console WebSocket's own messages


def test_the_browser_clients_read_only_event_types_that_exist() -> None:
    import re

    scripts = [
        *(REPO / "headset_client" / "web").glob("*.js"),
        REPO / "appliance/web/console/live.js",
    ]
    seen: set[str] = set()
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        seen |= set(re.findall(r'case "([a-z_.]+)"', text))
        seen |= set(re.findall(r'(?<!typeof )\b\w+\.type === "([a-z_.]+)"', text))
    assert seen, "no event types found in the browser clients"
    assert seen - CONSOLE_ONLY <= set(EVENTS), seen - CONSOLE_ONLY - set(EVENTS)
