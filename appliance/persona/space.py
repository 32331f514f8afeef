"""The physical side of a card: the place the client draws, and how closing in moves agitation."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from appliance.persona.card_fields import CardPart, Line, StageName, member_of
from appliance.persona.vocabulary import SCENE_KINDS, STAGES

SceneKind = Annotated[str, member_of(SCENE_KINDS, "scene kind")]

# How much a push into the subject's space counts in each stage: little while he is calm, much
# more once he is hostile (an approach reads as an attack then).
DEFAULT_STAGE_SCALE: dict[str, float] = dict(zip(STAGES, (0.25, 0.5, 1.0, 1.5, 2.0), strict=True))


class SceneSpec(CardPart):
    """Where the call happens: one of the built-in places, and a line describing it."""

    kind: SceneKind
    description: Line


class Proximity(CardPart):
    """What the officer's measured position does to agitation (headset sessions only).

    An approach faster than ``fast_mps`` adds ``per_m`` points per metre closed, up to
    ``max_rise`` per approach; standing closer than ``close_share`` of the stage's distance adds
    ``close_per_s`` points a second, up to ``close_max`` per stay. Both are scaled by the stage
    the subject is in (``stage_scale``).
    """

    fast_mps: float = Field(default=0.7, gt=0, le=6)
    per_m: float = Field(default=3.0, ge=0, le=20)
    max_rise: float = Field(default=15.0, ge=0, le=40)
    close_share: float = Field(default=0.5, gt=0, le=1)
    close_per_s: float = Field(default=0.4, ge=0, le=5)
    close_max: float = Field(default=6.0, ge=0, le=30)
    stage_scale: dict[StageName, float] = Field(default_factory=lambda: dict(DEFAULT_STAGE_SCALE))

    def scale(self, stage: str) -> float:
        """The weight of a push into his space in ``stage``."""
        return self.stage_scale.get(stage, DEFAULT_STAGE_SCALE[stage])
