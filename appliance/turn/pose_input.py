"""The officer's measured position as an input of the call (headset sessions only).

Each message from the device goes through the ``PoseGate``; an admitted pose moves the persona
(``PersonaEngine.officer_pose``). The call then says what changed: ``persona.state`` when
agitation moved, and ``officer.distance`` about once a second (at once when a push counted), with
the counts of messages received and dropped, for the console's live view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from appliance.turn.conversation import Conversation
from appliance.turn.events import Emit, OfficerDistance, PersonaStateChanged
from appliance.turn.pose_gate import PoseGate

log = logging.getLogger(__name__)
REPORT_EVERY_S = 1.0


class PoseInput:
    """Feeds one session's pose messages to its persona and reports what they did."""

    def __init__(self, conversation: Conversation, emit: Emit, clock: Callable[[], float]) -> None:
        self.session_id = conversation.session_id
        self.persona = conversation.persona
        self.emit = emit
        self.clock = clock
        self.gate = PoseGate()
        self._distance: float | None = None
        self._approach = 0.0
        self._reported = float("-inf")

    def receive(self, message: str | bytes) -> None:
        """Take one message from the device; a bad one is dropped and counted, never raised."""
        now = self.clock()
        try:
            pose = self.gate.admit(message, now)
            if pose is None:
                self._report(now)
                return
            self._distance, self._approach = pose.distance_m, pose.approach_mps
            before = len(self.persona.pushes)
            state = self.persona.officer_pose(now, pose.distance_m, pose.approach_mps)
            pushes = self.persona.pushes[before:]
            if pushes:
                self.emit(PersonaStateChanged.of(state))
            for push in pushes:
                self._report(now, push.evidence(), push.points)
            if not pushes:
                self._report(now)
        except Exception:  # a bug here must not end the call: the pose is lost, the call goes on
            self.gate.dropped["failed"] += 1
            log.exception("pose message failed", extra={"session": self.session_id})

    def stats(self) -> dict[str, object]:
        """Messages received, accepted and dropped (by reason), and the last distance."""
        gate = self.gate
        return {
            "received": gate.received,
            "accepted": gate.accepted,
            "dropped": gate.dropped_total,
            "dropped_by_reason": dict(gate.dropped),
            "distance_m": self._distance,
        }

    def _report(self, now: float, note: str = "", points: float = 0.0) -> None:
        if not note and now - self._reported < REPORT_EVERY_S:
            return
        self._reported = now
        self.emit(
            OfficerDistance(
                round(now, 3),
                None if self._distance is None else round(self._distance, 2),
                round(self._approach, 2),
                self.gate.received,
                self.gate.dropped_total,
                note,
                round(points, 1),
            )
        )
