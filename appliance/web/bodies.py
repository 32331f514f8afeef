"""The base of every request body: unknown fields refused, and text that is text, not controls."""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

ALLOWED_CONTROLS = frozenset("\t\n\r")  # line breaks and tabs are text (notes, annotations)


def control_character(text: str) -> str | None:
    """The first control character in ``text`` other than tab and line breaks, if any."""
    for char in text:
        if char not in ALLOWED_CONTROLS and unicodedata.category(char) == "Cc":
            return char
    return None


def _check(value: Any) -> None:
    if isinstance(value, str):
        char = control_character(value)
        if char is not None:
            raise ValueError(
                f"contains the control character U+{ord(char):04X}: send plain text"
                " (tabs and line breaks are allowed)"
            )
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)


class Body(BaseModel):
    """A JSON request body: extra fields are an error, NUL and other control characters too.

    Lone surrogates (``"\\ud800"``) never get this far: pydantic refuses them as invalid strings.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        _check(value)
        return value
