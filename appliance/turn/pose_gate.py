"""The gate on the officer's pose messages: malformed, too frequent or impossible ones are dropped.

A headset sends ``officer.pose`` about five times a second. Anything else on the channel, a
message that is not a well-formed pose, more than ``MAX_PER_S`` in a second, a distance that is
negative, not finite or out of range, or a speed no person on foot reaches, is dropped and
counted by reason; nothing a device sends can stop the session.
"""

from __future__ import annotations

import math
from collections import Counter, deque

from appliance.turn.events import EventError, OfficerPose, from_json

MAX_PER_S = 10
MAX_SPEED_MPS = 6.0
MAX_DISTANCE_M = 100.0
JUMP_SLACK_M = 0.5  # tracking noise allowed on top of MAX_SPEED_MPS between two samples
MAX_MESSAGE_BYTES = 512


class PoseGate:
    """Admits plausible pose messages and counts the rest (``dropped`` by reason)."""

    def __init__(self) -> None:
        self.received = 0
        self.accepted = 0
        self.dropped: Counter[str] = Counter()
        self._recent: deque[float] = deque()
        self._last: tuple[float, float] | None = None  # (t, distance) of the last accepted pose

    @property
    def dropped_total(self) -> int:
        """Messages dropped for any reason."""
        return sum(self.dropped.values())

    def admit(self, message: str | bytes, now: float) -> OfficerPose | None:
        """The pose in ``message`` received at ``now`` (session seconds), or None if dropped."""
        self.received += 1
        reason = self._too_frequent(now) or None
        pose = None
        if reason is None:
            pose, reason = self._parse(message)
        if reason is None and pose is not None:
            reason = self._impossible(pose, now)
        if reason is not None or pose is None:
            self.dropped[reason or "malformed"] += 1
            return None
        self.accepted += 1
        self._last = (now, pose.distance_m)
        return pose

    def _too_frequent(self, now: float) -> str:
        recent = self._recent
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= MAX_PER_S:
            return "too_frequent"
        recent.append(now)  # only messages let through count: a 30 Hz device still gets 10 Hz
        return ""

    @staticmethod
    def _parse(message: str | bytes) -> tuple[OfficerPose | None, str | None]:
        if len(message) > MAX_MESSAGE_BYTES:
            return None, "malformed"
        try:
            event = from_json(message)
        except EventError:
            return None, "malformed"
        if not isinstance(event, OfficerPose):
            return None, "not_a_pose"
        return event, None

    def _impossible(self, pose: OfficerPose, now: float) -> str | None:
        d, v = pose.distance_m, pose.approach_mps
        if not (math.isfinite(d) and math.isfinite(v)) or not 0.0 <= d <= MAX_DISTANCE_M:
            return "impossible"
        if abs(v) > MAX_SPEED_MPS:
            return "impossible"
        if self._last is not None:
            t0, d0 = self._last
            if abs(d - d0) > MAX_SPEED_MPS * max(0.0, now - t0) + JUMP_SLACK_M:
                return "impossible"
        return None
