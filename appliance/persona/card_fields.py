"""Field types shared by the parts of a scenario card (the card itself and its dialogue bank)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from appliance.persona.vocabulary import COMPETENCIES, DIALOGUE_ACTS, STAGES

Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=48)]
Text = Annotated[str, Field(min_length=1, max_length=1200)]
Line = Annotated[str, Field(min_length=1, max_length=300)]


def member_of(valid: tuple[str, ...], kind: str) -> AfterValidator:
    """A validator that accepts only the names in ``valid``."""

    def check(value: str) -> str:
        if value not in valid:
            raise ValueError(f"unknown {kind} {value!r} (valid: {', '.join(valid)})")
        return value

    return AfterValidator(check)


Act = Annotated[str, member_of(DIALOGUE_ACTS, "dialogue act")]
Competency = Annotated[str, member_of(COMPETENCIES, "competency")]
StageName = Annotated[str, member_of(STAGES, "stage")]


class CardPart(BaseModel):
    """A frozen part of a card that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
