"""Bad pose messages (malformed, too frequent, impossible) are dropped and counted, not raised."""

from __future__ import annotations

import json
from typing import Any

import pytest

from appliance.persona.scenario import load_scenario
from appliance.persona.subject import PersonaEngine
from appliance.turn.events import Event, OfficerDistance, OfficerPose, PersonaStateChanged
from appliance.turn.pose_gate import PoseGate
from appliance.turn.pose_input import PoseInput


def pose(distance: float, rate: float = 0.0) -> str:
    return OfficerPose(distance, rate).dumps()


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("not json", "malformed"),
        ("[1]", "malformed"),
        (json.dumps({"type": "officer.pose", "distance_m": "far", "approach_mps": 0}), "malformed"),
        (json.dumps({"type": "officer.pose", "approach_mps": 0}), "malformed"),
        ('{"type": "officer.pose", "distance_m": NaN, "approach_mps": 0}', "impossible"),
        ('{"type": "officer.pose", "distance_m": 3, "approach_mps": Infinity}', "impossible"),
        (pose(-1.0), "impossible"),
        (pose(3.0, 9.0), "impossible"),
        (pose(3.0, -7.0), "impossible"),
        (pose(500.0), "impossible"),
        (json.dumps({"type": "error", "code": "x", "message": "y"}), "not_a_pose"),
        ("x" * 5000, "malformed"),
        (b"\xff\xfe", "malformed"),
    ],
)
def test_a_bad_message_is_dropped_by_reason(message: Any, reason: str) -> None:
    gate = PoseGate()
    assert gate.admit(message, 1.0) is None
    assert gate.dropped == {reason: 1} and gate.received == 1 and gate.accepted == 0


def test_a_well_formed_stream_at_5_hz_is_admitted() -> None:
    gate = PoseGate()
    admitted = [gate.admit(pose(5.0 - i * 0.1, 0.5), i / 5) for i in range(50)]
    assert all(isinstance(p, OfficerPose) for p in admitted)
    assert gate.dropped_total == 0 and gate.accepted == 50


def test_more_than_ten_a_second_are_dropped_as_too_frequent() -> None:
    gate = PoseGate()
    for i in range(60):  # 30 Hz for two seconds
        gate.admit(pose(4.0), i / 30)
    assert gate.dropped["too_frequent"] >= 35
    assert 18 <= gate.accepted <= 21


def test_a_jump_no_one_can_walk_is_impossible() -> None:
    gate = PoseGate()
    assert gate.admit(pose(8.0), 0.0) is not None
    assert gate.admit(pose(1.0), 0.2) is None  # 7 m in 0.2 s
    assert gate.dropped == {"impossible": 1}
    assert gate.admit(pose(7.5), 0.4) is not None


def test_the_pose_input_survives_garbage_and_reports_the_counts() -> None:
    sent: list[Event] = []
    clock = iter(i / 5 for i in range(1000))
    engine = PersonaEngine(load_scenario("overpass_voices"))

    class Conv:  # the part of a Conversation the pose input reads
        session_id = "s1"
        persona = engine

    poses = PoseInput(Conv(), sent.append, lambda: next(clock))  # type: ignore[arg-type]
    for junk in ("{", pose(-3.0), '{"type": "officer.pose"}', pose(2.0, 99.0)):
        poses.receive(junk)
    walk = [6.0] * 5 + [6.0 - i * 0.3 for i in range(1, 14)] + [2.1] * 6
    for i, d in enumerate(walk):
        poses.receive(pose(d, 1.5 if 5 <= i < 18 else 0.0))
    stats = poses.stats()
    assert stats["received"] == 28 and stats["dropped"] == 4 and stats["accepted"] == 24
    assert stats["dropped_by_reason"] == {"malformed": 2, "impossible": 2}
    reports = [e for e in sent if isinstance(e, OfficerDistance)]
    assert reports and reports[-1].dropped == 4 and reports[-1].distance_m == 2.1
    assert any(r.note.startswith("closed from 6.0 m") for r in reports)
    assert any(isinstance(e, PersonaStateChanged) for e in sent)
