"""Choosing the character's next line from the card's dialogue bank, by what the officer meant.

Events first (silence, being talked over), then harsh acts, then the topic whose cues are
closest in meaning to the officer's words, else the stage's fallback; within a topic an unsaid
line for the current stage (``appliance/persona/scenarios/DIALOGUE.md``). What was said and
revealed is remembered for the rest of the session.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from appliance.persona.bank import ANY, CharacterBank, Topic, slot_names
from appliance.persona.scenario import Scenario
from appliance.persona.vocabulary import STAGES, SUBJECT
from appliance.persona.voice import VoiceParams, voice_for

FloatArray = npt.NDArray[np.float32]
FALLBACK = "fallback"
SPENT = "spent"  # how: the topic was understood but has no unsaid line left
# Harsh acts answer outright, harshest first; other acts only lift their topics over the threshold.
HARSH = ("countdown", "threat", "disrespect", "minimizing", "command")
ACT_LIFT = 0.02
_TITLE = r"(officer|deputy|sergeant|sgt|detective|corporal|trooper|lieutenant|agent)"
_NAMED = re.compile(rf"\b{_TITLE}\.?\s+([a-z][a-z'-]{{1,20}})\b", re.IGNORECASE)
_SELF = re.compile(r"\b(?:my name is|my name's|call me)\s+([a-z][a-z'-]{1,20})\b", re.IGNORECASE)
_NOT_NAMES = frozenset(
    "a an the here just going gonna not so sorry trying with from and on in at to your you "
    "me officer what who".split()
)


class Encoder(Protocol):
    """Turns texts into unit sentence embeddings (``appliance/dialogue/embedding.py``)."""

    def encode_many(self, texts: list[str]) -> FloatArray:
        """One unit row per text."""
        ...


@dataclass(frozen=True)
class Heard:
    """What the chooser needs of an officer turn: words, acts and their embeddings."""

    text: str
    acts: frozenset[str]
    embeddings: FloatArray  # unit rows: the whole turn, then each sentence (may be empty)
    interrupted: bool = False


@dataclass(frozen=True)
class Choice:
    """The chosen line, the topic it answers (or ``fallback``), how and how confidently."""

    speaker: str
    topic: str
    score: float
    text: str
    how: str  # event, act, cue, fallback or spent

    @property
    def authored(self) -> bool:
        """Whether the line is the topic's own (not a fallback)."""
        return self.how not in (FALLBACK, SPENT)


class CueIndex:
    """The embeddings of one character's cues, with the topic each belongs to.

    With a ``folder`` the embeddings are kept on disk, keyed by the cues' text, so a restart
    (or the next session of the card) does not embed them again.
    """

    def __init__(self, bank: CharacterBank, encoder: Encoder, folder: Path | None = None) -> None:
        pairs = [(i, cue) for i, t in enumerate(bank.topics) for cue in t.cues]
        self.topics = len(bank.topics)
        self.topic_of = np.array([i for i, _ in pairs], dtype=np.int64)
        cues = [cue for _, cue in pairs]
        digest = hashlib.sha256("\n".join(cues).encode("utf-8")).hexdigest()[:24]
        path = folder / f"{digest}.npy" if folder is not None else None
        if path is not None and path.is_file():
            self.matrix = np.load(path, allow_pickle=False)
            return
        self.matrix = encoder.encode_many(cues)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path.with_name(path.stem + ".tmp.npy"), self.matrix, allow_pickle=False)
                path.with_name(path.stem + ".tmp.npy").replace(path)
            except OSError:  # a full disk costs a re-embedding later, nothing else
                pass

    def scores(self, rows: FloatArray) -> FloatArray:
        """Per topic, the best cosine between any query row and any of its cues."""
        out = np.zeros(self.topics, dtype=np.float32)
        if len(rows) == 0 or len(self.topic_of) == 0:
            return out
        best = (rows @ self.matrix.T).max(axis=0)
        np.maximum.at(out, self.topic_of, best.astype(np.float32))
        return out


# (id of the bank, id of the encoder) → (bank, encoder, index): the objects are kept alive with
# their index, so their ids cannot be reused by other banks while the entry exists.
_INDEXES: dict[tuple[int, int], tuple[CharacterBank, Encoder, CueIndex]] = {}


def cue_index(
    scenario: Scenario, speaker: str, encoder: Encoder, folder: Path | None = None
) -> CueIndex | None:
    """The (cached) cue index of a character's bank; None when the card has no bank for it."""
    bank = scenario.dialogue.characters.get(speaker) if scenario.dialogue else None
    if bank is None:
        return None
    key = (id(bank), id(encoder))
    if key not in _INDEXES:
        _INDEXES[key] = (bank, encoder, CueIndex(bank, encoder, folder))
    return _INDEXES[key][2]


def prepare(scenario: Scenario, encoder: Encoder, folder: Path | None = None) -> None:
    """Embed the card's cues now (blocking: run it in the analysis thread, not the event loop);
    with ``folder``, from (or into) the embeddings kept on disk."""
    for speaker in scenario.speakers:
        cue_index(scenario, speaker, encoder, folder)


def officer_name(text: str) -> str | None:
    """The name an officer gives ("I'm Officer Daniels" → "Officer Daniels"), if any."""
    if m := _NAMED.search(text):
        title, name = m.group(1), m.group(2)
        if name.lower() not in _NOT_NAMES:
            return f"{title.capitalize()} {name.capitalize()}"
    if (m := _SELF.search(text)) and m.group(1).lower() not in _NOT_NAMES:
        return m.group(1).capitalize()
    return None


def _key(line: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", line.lower()).strip()


class LineChooser:
    """One session's line choice: remembers what was said, revealed and answered."""

    def __init__(
        self, scenario: Scenario, encoder: Encoder, *, seed: str, threshold: float
    ) -> None:
        self.scenario = scenario
        self.threshold = threshold
        self.encoder = encoder
        self.revealed: set[str] = set()
        self._said: set[str] = set()
        self._answered: Counter[tuple[str, str]] = Counter()
        self._rng = random.Random(seed)
        bank = scenario.dialogue
        self._slots = {
            **(bank.slots if bank else {}),
            "first_name": scenario.subject.name.split()[0],
        }

    def hear(self, text: str) -> None:
        """Learn what the officer's words tell the subject (the officer's name)."""
        if name := officer_name(text):
            self._slots["officer"] = name

    def choose(
        self, speaker: str, stage: str, heard: Heard | None = None, event: str | None = None
    ) -> Choice | None:
        """The next line of ``speaker``; None only for an event the bank has nothing left for."""
        bank = self.scenario.dialogue.characters.get(speaker) if self.scenario.dialogue else None
        if bank is None:
            return Choice(speaker, FALLBACK, 0.0, self._card_fallback(speaker, stage), FALLBACK)
        topic, score, how = self._topic(bank, speaker, stage, heard, event)
        if topic is not None and (line := self._line(speaker, topic, stage)) is not None:
            self.revealed.update(topic.reveals)
            self._answered[(speaker, topic.id)] += 1
            return Choice(speaker, topic.id, round(score, 3), line, how)
        if heard is None:
            return None  # nothing (left) to say into the silence
        text = self._pick(_by_stage(bank.fallbacks, stage)) or self._reuse(bank, stage)
        if topic is not None:  # understood, but every line of it is said: a fallback answers
            return Choice(speaker, topic.id, round(score, 3), text, SPENT)
        return Choice(speaker, FALLBACK, round(score, 3), text, FALLBACK)

    def _topic(
        self, bank: CharacterBank, speaker: str, stage: str, heard: Heard | None, event: str | None
    ) -> tuple[Topic | None, float, str]:
        """The topic that answers, with its score and how it was found (None: below threshold)."""
        open_ = [t for t in bank.topics if t.requires.holds(stage, frozenset(self.revealed))]
        acts = heard.acts if heard else frozenset()
        harsh = next((t for act in HARSH if act in acts for t in open_ if act in t.acts), None)
        if event is None and heard is not None and heard.interrupted and harsh is None:
            event = "talked_over"
        if event is not None:
            found = next((t for t in open_ if t.event == event), None)
            if found is not None:
                return found, 1.0, "event"
        if harsh is not None:
            return harsh, 1.0, "act"
        if heard is None:
            return None, 0.0, "event"
        index = cue_index(self.scenario, speaker, self.encoder)
        scores = index.scores(heard.embeddings) if index else np.zeros(len(bank.topics))
        allowed = {id(t) for t in open_}
        ranked: list[tuple[float, int]] = []
        for i, t in enumerate(bank.topics):
            if id(t) not in allowed or t.event is not None and not t.cues:
                continue
            score = float(scores[i])
            if set(t.acts) & acts:
                score = max(score, self.threshold + ACT_LIFT)
            ranked.append((score, -i))
        if not ranked:
            return None, 0.0, "cue"
        score, neg_i = max(ranked)
        return (bank.topics[-neg_i] if score >= self.threshold else None), score, "cue"

    def _line(self, speaker: str, topic: Topic, stage: str) -> str | None:
        answered = self._answered[(speaker, topic.id)]
        if answered and topic.once:
            return None  # said its piece once: spent
        if answered and (line := self._pick([topic.repeat])):
            return line
        return self._pick(_by_stage(topic.lines, stage))

    def _pick(self, groups: list[list[str]]) -> str | None:
        """An unsaid line whose slots are known, from the first group that has one."""
        for lines in groups:
            fresh = [
                line
                for line in lines
                if _key(line) not in self._said and set(slot_names(line)) <= set(self._slots)
            ]
            if fresh:
                line = self._rng.choice(sorted(fresh))
                self._said.add(_key(line))
                return string.Formatter().vformat(line, (), self._slots)
        return None

    def _reuse(self, bank: CharacterBank, stage: str) -> str:
        """Every fallback has been said: say one again rather than nothing."""
        lines = [ln for ln in bank.fallbacks[stage] if set(slot_names(ln)) <= set(self._slots)]
        return string.Formatter().vformat(self._rng.choice(lines), (), self._slots)

    def _card_fallback(self, speaker: str, stage: str) -> str:
        if speaker == SUBJECT:
            return self.scenario.stages.get(stage).fallback
        return self.scenario.character(speaker).fallback


def _by_stage(lines: Mapping[Any, list[str]], stage: str) -> list[list[str]]:
    """Candidate groups: this stage's lines and ``any``, then the nearest stages' in turn."""
    rank = STAGES.index(stage)
    order = sorted(STAGES, key=lambda s: (abs(STAGES.index(s) - rank), STAGES.index(s)))
    first = [*lines.get(stage, []), *lines.get(ANY, [])]
    return [first, *(lines.get(s, []) for s in order[1:])]


def speakable(scenario: Scenario) -> Iterator[tuple[str, VoiceParams]]:
    """Every bank line without slots, in each stage voice it may be said in (to make ahead)."""
    if scenario.dialogue is None:
        return
    for speaker, bank in scenario.dialogue.characters.items():
        voices = {stage: voice_for(scenario, speaker, stage) for stage in STAGES}
        groups: list[tuple[list[str], tuple[str, ...]]] = []
        for topic in bank.topics:
            for key, lines in topic.lines.items():
                groups.append((lines, STAGES if key == ANY else (key,)))
            groups.append((topic.repeat, STAGES))
        groups += [(lines, (name,)) for name, lines in bank.fallbacks.items()]
        for lines, stages in groups:
            for line in lines:
                if not slot_names(line):
                    for name in stages:
                        yield line, voices[name]
