"""The labelled officer turns the classifier is trained on, and their ASR-style variants.

Three sources, all written for CodeBlu (``docs/DIALOGUE_DATA.md``): single utterances
(``data/utterances.jsonl``, fixed ``train``/``heldout`` split), training conversations in spoken
style (``data/dialogues_train.txt``: each officer turn with what the other person said before it)
and, derived from both, an ASR-style copy of every punctuated training turn (lower case, no
punctuation, apostrophes sometimes dropped), as the recogniser may deliver it. The held-out
conversations (``data/spoken_heldout.txt``) are never read here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from appliance.dialogue.acts import ACTS
from appliance.dialogue.classifier import DATA_DIR
from appliance.dialogue.training.corpus import load_dialogues, officer_items

LABELED_PATH = DATA_DIR / "utterances.jsonl"
DIALOGUES_PATH = DATA_DIR / "dialogues_train.txt"
SPOKEN_HELDOUT_PATH = DATA_DIR / "spoken_heldout.txt"


@dataclass(frozen=True)
class LabeledUtterance:
    """One hand-labelled officer turn, with what the other person said before it (if known)."""

    id: str
    text: str
    acts: frozenset[str]
    split: str
    subject_name: str | None = None
    heard: tuple[str, ...] = ()
    group: str = ""  # items of one group (a conversation, a turn and its variant) share a fold
    derived: bool = False


def load_labeled(path: Path = LABELED_PATH) -> list[LabeledUtterance]:
    """The labelled single utterances (JSON lines), in file order."""
    items: list[LabeledUtterance] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row: dict[str, Any] = json.loads(line)
        unknown = set(row["acts"]) - set(ACTS)
        if unknown:
            raise ValueError(f"{row['id']}: unknown acts {sorted(unknown)}")
        items.append(
            LabeledUtterance(
                row["id"],
                row["text"],
                frozenset(row["acts"]),
                row["split"],
                row.get("subject_name"),
                group=row["id"],
            )
        )
    return items


def load_dialogue_items(
    path: Path = DIALOGUES_PATH, split: str = "train"
) -> list[LabeledUtterance]:
    """The officer turns of a conversations file, each with the turns heard before it."""
    return [
        LabeledUtterance(
            c.id, c.text, c.acts, split, c.subject_name, c.heard, group=c.id.split(".")[0]
        )
        for c in officer_items(load_dialogues(path))
    ]


_PUNCT = re.compile(r"[^\w\s'-]")
CONTEXT_KEPT = 0.5


def _unit(key: str) -> float:
    """A stable number in [0, 1) from a key (no global random state)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 2**32


def asr_form(text: str, key: str) -> str:
    """How a recogniser without punctuation may write a turn: lower case, no marks."""
    out = " ".join(_PUNCT.sub(" ", text.lower()).split())
    if _unit(key) < 0.5:
        out = out.replace("'", "")
    return out


def with_asr_variants(items: list[LabeledUtterance]) -> list[LabeledUtterance]:
    """The items plus an ASR-style copy of each punctuated or capitalised one.

    Half of the copies of conversation turns lose their context (what was heard before), so the
    classifier also learns to read a lone statement ("You want your phone back.") without it.
    """
    out = list(items)
    for it in items:
        variant = asr_form(it.text, it.id)
        if variant and variant != it.text:
            keep = _unit(f"{it.id}:context") < CONTEXT_KEPT
            heard = tuple(asr_form(h, f"{it.id}:{k}") for k, h in enumerate(it.heard) if keep)
            out.append(replace(it, id=f"{it.id}~asr", text=variant, heard=heard, derived=True))
    return out


def training_items() -> list[LabeledUtterance]:
    """Everything the classifier is trained on: train-split utterances, conversations, variants."""
    written = [it for it in load_labeled() if it.split == "train"] + load_dialogue_items()
    return with_asr_variants(written)
