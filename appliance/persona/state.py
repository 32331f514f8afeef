"""The persona's observable state: what the VR rig, the console and the transcript see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VRCue:
    """Body-language cue for a VR rig."""

    posture: str
    gesture: str
    distance_m: float


@dataclass(frozen=True)
class PersonaState:
    """The subject at time ``t`` (seconds since session start)."""

    t: float
    agitation: float
    stage: str
    emotion: str
    cue: VRCue
    rapport: float
    outcome: str | None = None

    def timeline_entry(self) -> dict[str, Any]:
        """The transcript's ``state_timeline`` entry for this state."""
        return {"t": self.t, "agitation": self.agitation, "stage": self.stage}
