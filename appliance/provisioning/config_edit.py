"""Set keys in an annotated TOML config in place, keeping its comments and layout."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePath

Value = str | int | float | bool | PurePath | Sequence[str]
_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_\"-]+)\s*\]\s*(#.*)?$")


def toml_value(value: Value) -> str:
    """``value`` written as a TOML literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | PurePath):
        return json.dumps(str(value), ensure_ascii=False)  # JSON string escapes are valid TOML
    return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"


def _comment_start(text: str) -> int:
    """Index of the ``#`` that starts a trailing comment (outside strings), or -1."""
    quote = ""
    escaped = False
    for i, ch in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return i
    return -1


def _trailing_comment(line: str) -> tuple[str, int]:
    """A key line's trailing comment and the column it starts at."""
    body = line.lstrip()
    if body.startswith("#"):  # a documented default: "# key = value   # what it does"
        body = body[1:].lstrip()
    _, eq, rest = body.partition("=")
    cut = _comment_start(rest) if eq else -1
    if cut < 0:
        return "", 0
    return rest[cut:], len(line) - len(rest) + cut


def _assignment(key: str, literal: str, comment: str, column: int) -> str:
    text = f"{key} = {literal}"
    if not comment:
        return text
    return text.ljust(column) + comment if len(text) < column else f"{text}  {comment}"


def _key_line(lines: list[str], start: int, end: int, key: str) -> tuple[int, bool] | None:
    """Index of ``key``'s line in lines[start:end]: an active one first, else a commented one."""
    active = re.compile(rf"^\s*{re.escape(key)}\s*=")
    commented = re.compile(rf"^\s*#\s*{re.escape(key)}\s*=")
    hits = [i for i in range(start, end) if active.match(lines[i])]
    if hits:
        return hits[0], True
    hits = [i for i in range(start, end) if commented.match(lines[i])]
    return (hits[0], False) if hits else None


def _section_bounds(lines: list[str], section: str) -> tuple[int, int] | None:
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if (m := _HEADER.match(line)) and m.group(1).strip('"') == section
        ),
        None,
    )
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
    return start, end


def set_key(text: str, section: str, key: str, value: Value) -> str:
    """``text`` with ``[section] key`` set to ``value`` (a documented default is uncommented)."""
    lines = text.splitlines()
    literal = toml_value(value)
    bounds = _section_bounds(lines, section)
    if bounds is None:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", f"[{section}]", f"{key} = {literal}"]
        return "\n".join(lines) + "\n"
    start, end = bounds
    found = _key_line(lines, start + 1, end, key)
    if found is None:
        last = max(i for i in range(start, end) if lines[i].strip())
        lines.insert(last + 1, f"{key} = {literal}")
    else:
        i = found[0]
        lines[i] = _assignment(key, literal, *_trailing_comment(lines[i]))
    return "\n".join(lines) + "\n"


def set_keys(text: str, values: Mapping[str, Mapping[str, Value]]) -> str:
    """``text`` with every ``{section: {key: value}}`` set; the same values twice is a no-op."""
    for section, keys in values.items():
        for key, value in keys.items():
            text = set_key(text, section, key, value)
    return text
