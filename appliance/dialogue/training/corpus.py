"""Labelled whole conversations in a plain-text form (``data/*.txt``), read into typed turns.

A file holds conversations: ``== id key=value ...`` opens one (``subject=First_Last`` names the
other person, underscores for spaces); ``S: text`` is the other person; ``O: act, act | text`` is
the officer with the acts of that turn (``-`` for none). ``#`` starts a comment line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from appliance.dialogue.acts import ACTS

OFFICER_MARK = "O:"
OTHER_MARK = "S:"


@dataclass(frozen=True)
class DialogueTurn:
    """One turn of a labelled conversation (acts only for the officer)."""

    officer: bool
    text: str
    acts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Dialogue:
    """A labelled conversation and its header fields."""

    id: str
    meta: dict[str, str]
    turns: tuple[DialogueTurn, ...]

    @property
    def subject_name(self) -> str | None:
        """The other person's name, if the header gives one."""
        return self.meta.get("subject")


@dataclass(frozen=True)
class ContextItem:
    """One labelled officer turn with what the other person had said before it."""

    id: str
    text: str
    acts: frozenset[str]
    heard: tuple[str, ...] = ()
    subject_name: str | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=False)


def _header(line: str, where: str) -> tuple[str, dict[str, str]]:
    parts = line[2:].split()
    if not parts:
        raise ValueError(f"{where}: a conversation header needs an id")
    meta: dict[str, str] = {}
    for p in parts[1:]:
        key, sep, value = p.partition("=")
        if not sep:
            raise ValueError(f"{where}: header field {p!r} is not key=value")
        meta[key] = value.replace("_", " ")
    return parts[0], meta


def _officer(line: str, where: str) -> DialogueTurn:
    labels, sep, text = line[len(OFFICER_MARK) :].partition("|")
    if not sep or not text.strip():
        raise ValueError(f"{where}: an officer line is 'O: acts | text'")
    acts = frozenset(a.strip() for a in labels.split(",") if a.strip() not in ("", "-"))
    unknown = sorted(acts - set(ACTS))
    if unknown:
        raise ValueError(f"{where}: unknown acts {unknown}")
    return DialogueTurn(True, text.strip(), acts)


def parse_dialogues(text: str, source: str = "<text>") -> list[Dialogue]:
    """The conversations of one file, in order; a malformed line raises ValueError."""
    out: list[Dialogue] = []
    current: tuple[str, dict[str, str], list[DialogueTurn]] | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{source}:{n}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            if current:
                out.append(Dialogue(current[0], current[1], tuple(current[2])))
            did, meta = _header(line, where)
            current = (did, meta, [])
            continue
        if current is None:
            raise ValueError(f"{where}: a turn before any '== id' header")
        if line.startswith(OFFICER_MARK):
            current[2].append(_officer(line, where))
        elif line.startswith(OTHER_MARK):
            current[2].append(DialogueTurn(False, line[len(OTHER_MARK) :].strip()))
        else:
            raise ValueError(f"{where}: a line must start with 'O:', 'S:', '==' or '#'")
    if current:
        out.append(Dialogue(current[0], current[1], tuple(current[2])))
    return out


def load_dialogues(path: Path) -> list[Dialogue]:
    """The conversations of a file."""
    return parse_dialogues(path.read_text(encoding="utf-8"), path.name)


def officer_items(dialogues: list[Dialogue]) -> Iterator[ContextItem]:
    """Each officer turn with the other person's turns before it (oldest first)."""
    for d in dialogues:
        heard: list[str] = []
        k = 0
        for turn in d.turns:
            if not turn.officer:
                heard.append(turn.text)
                continue
            k += 1
            yield ContextItem(
                f"{d.id}.{k}", turn.text, turn.acts, tuple(heard), d.subject_name, d.meta
            )
