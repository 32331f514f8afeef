"""Scenario cards: the pydantic schema of a card and the loader of the bundled YAML library."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import Field, ValidationError, model_validator

from appliance.errors import ScenarioError
from appliance.persona.bank import DialogueBank
from appliance.persona.card_fields import Act, CardPart, Competency, Line, Slug, StageName, Text
from appliance.persona.space import Proximity, SceneSpec
from appliance.persona.vocabulary import OFFICER, OUTCOMES, STAGES, SUBJECT

SCENARIO_DIR = Path(__file__).parent / "scenarios"
MAX_TIME_LIMIT_MIN = 12.0
DEFAULT_VOICE_ID = "en_US-joe-medium"
# Extra characters must be told apart from the subject by ear (one bundled voice, pitched).
MIN_PITCH_GAP = 2.0


class SubjectVoice(CardPart):
    """The subject's base voice; each stage's voice block varies delivery around it."""

    voice_id: str = DEFAULT_VOICE_ID
    pitch_semitones: float = Field(default=0.0, ge=-12, le=12)


class StageVoice(CardPart):
    """Piper delivery for one stage: speed, variation, loudness, small pitch offset."""

    length_scale: float = Field(ge=0.5, le=2.0)
    noise_scale: float = Field(ge=0.0, le=1.5)
    noise_w_scale: float = Field(ge=0.0, le=1.5)
    volume: float = Field(ge=0.1, le=2.0)
    pitch_shift: float = Field(default=0.0, ge=-4, le=4)


class CharacterVoice(CardPart):
    """A fixed voice for an extra character (a clinician does not escalate)."""

    voice_id: str = DEFAULT_VOICE_ID
    length_scale: float = Field(ge=0.5, le=2.0)
    noise_scale: float = Field(ge=0.0, le=1.5)
    noise_w_scale: float = Field(ge=0.0, le=1.5)
    volume: float = Field(ge=0.1, le=2.0)
    pitch_semitones: float = Field(ge=-12, le=12)


class VRCueSpec(CardPart):
    """Body-language cue for a VR rig: posture, gesture, distance to the officer in metres."""

    posture: Slug
    gesture: Slug
    distance_m: float = Field(ge=0.5, le=30)


class StageSpec(CardPart):
    """How the subject behaves, sounds and moves within one agitation stage."""

    emotion: Slug
    directive: Line
    fallback: Line
    voice: StageVoice
    vr: VRCueSpec


class Stages(CardPart):
    """One block per agitation stage."""

    calm: StageSpec
    guarded: StageSpec
    agitated: StageSpec
    hostile: StageSpec
    peak: StageSpec

    def get(self, stage: str) -> StageSpec:
        """The block of a named stage."""
        spec: StageSpec = getattr(self, stage)
        return spec


class Subject(CardPart):
    """The person in crisis the LLM plays."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    age: int = Field(ge=12, le=100)
    description: Line
    history: Text
    speech_style: Line
    wants: Line
    aliases: list[str] = []
    voice: SubjectVoice = Field(default_factory=SubjectVoice)


class Character(CardPart):
    """An extra AI character on scene (e.g. a co-responding clinician)."""

    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=60)]
    role: Line
    persona: Text
    speech_style: Line
    aliases: list[str] = Field(min_length=1)
    voice: CharacterVoice
    fallback: Line


class Thresholds(CardPart):
    """Agitation at which each stage above calm begins."""

    guarded: float = Field(gt=0, lt=100)
    agitated: float = Field(gt=0, lt=100)
    hostile: float = Field(gt=0, lt=100)
    peak: float = Field(gt=0, lt=100)

    @model_validator(mode="after")
    def _ascending(self) -> Thresholds:
        values = [self.guarded, self.agitated, self.hostile, self.peak]
        if values != sorted(set(values)):
            raise ValueError("thresholds must rise strictly: guarded < agitated < hostile < peak")
        return self


class Loudness(CardPart):
    """Officer loudness above ``threshold_dbfs`` adds ``per_db`` per dB, up to ``max``."""

    threshold_dbfs: float = Field(default=-16.0, le=0)
    per_db: float = Field(default=0.8, ge=0)
    max: float = Field(default=8.0, ge=0)


class Rate(CardPart):
    """Speaking faster than ``fast_wpm`` escalates; slower than ``slow_wpm`` calms a little."""

    fast_wpm: float = Field(default=175.0, gt=0)
    per_10_wpm: float = Field(default=1.0, ge=0)
    max: float = Field(default=5.0, ge=0)
    slow_wpm: float = Field(default=140.0, gt=0)
    slow_calm: float = Field(default=1.0, ge=0)


class AgitationSpec(CardPart):
    """Parameters of the agitation state machine for one scenario."""

    start: float = Field(ge=0, le=100)
    floor: float = Field(default=0.0, ge=0, le=100)
    thresholds: Thresholds
    weights: dict[Act, Annotated[float, Field(ge=-30, le=30)]]
    interruption: float = Field(ge=0, le=30)
    loudness: Loudness = Field(default_factory=Loudness)
    rate: Rate = Field(default_factory=Rate)
    proximity: Proximity = Field(default_factory=Proximity)
    drift_per_minute: float = Field(ge=-10, le=10)
    habituation: float = Field(default=0.6, gt=0, le=1)
    habituation_window: int = Field(default=4, ge=1, le=20)
    max_turn_drop: float = Field(default=12.0, gt=0, le=50)
    max_turn_rise: float = Field(default=30.0, gt=0, le=60)
    rapport_scale: float = Field(default=30.0, gt=0)
    influence_acts: list[Act] = ["options", "handoff"]
    mixed_message_factor: float = Field(default=0.5, ge=0, le=1)


class Alternative(CardPart):
    """Another good ending (e.g. voluntary transport, hand-off to family): its own outcome id."""

    id: Slug
    description: Line
    requires_any: list[Act] = Field(min_length=1)
    max_agitation: float | None = Field(default=None, ge=0, le=100)


class Resolution(CardPart):
    """Resolved: agitation low, rapport built, and a plan offered in the last few turns.

    ``alternatives`` are checked first, in order: the session ends with that outcome instead.
    """

    description: Line
    max_agitation: float = Field(ge=0, le=100)
    min_rapport: float = Field(ge=0, le=1)
    requires_any: list[Act] = Field(min_length=1)
    window_turns: int = Field(default=3, ge=1, le=20)
    alternatives: list[Alternative] = []

    @model_validator(mode="after")
    def _distinct(self) -> Resolution:
        ids = [a.id for a in self.alternatives]
        if len(set(ids)) != len(ids) or set(ids) & set(OUTCOMES):
            raise ValueError(f"alternatives need distinct ids other than {', '.join(OUTCOMES)}")
        return self


class Disengagement(CardPart):
    """Disengaged: agitation held at or above ``min_agitation`` for ``turns`` officer turns."""

    description: Line
    min_agitation: float = Field(ge=0, le=100)
    turns: int = Field(ge=1, le=50)


class Failure(CardPart):
    """Failed: agitation reached the point where force would be needed."""

    description: Line
    force_threshold: float = Field(ge=50, le=100)


class StageLock(CardPart):
    """Hold agitation inside one stage's band for a while."""

    stage: StageName
    seconds: float = Field(gt=0, le=600)


class Inject(CardPart):
    """An event the instructor can trigger during a live session."""

    description: Line
    agitation_delta: float = Field(ge=-50, le=50)
    context: Line
    stage_lock: StageLock | None = None


class LearningObjective(CardPart):
    """What the officer should practise, mapped to review competencies."""

    text: Line
    competencies: list[Competency] = Field(min_length=1)


class ReviewFacts(CardPart):
    """What the after-action review and the hours export need to know about a card.

    ``practises`` maps a competency to this card's rank as practice for it (1 = the best card
    for that competency, 2 = the next); the review suggests, for the officer's weakest
    competency, the cards that list it in rank order (ties by card id), skipping the current one.
    """

    topic_category: Line
    post_topic: Line | None = None  # the hours export's topic; topic_category when left out
    suicide_risk: bool = False
    clinician_on_scene: bool = False
    practises: dict[Competency, Annotated[int, Field(ge=1, le=9, strict=True)]] = {}


class Scenario(CardPart):
    """One validated scenario card."""

    id: Slug
    title: Line
    summary: Line
    scene: SceneSpec
    time_limit_min: float = Field(gt=0, le=MAX_TIME_LIMIT_MIN)
    dispatch: Text
    hidden_truth: Text
    subject: Subject
    characters: list[Character] = []
    triggers: list[Line] = Field(min_length=1)
    deescalators: list[Line] = Field(min_length=1)
    agitation: AgitationSpec
    stages: Stages
    resolution: Resolution
    disengagement: Disengagement
    failure: Failure
    injects: dict[Slug, Inject] = Field(min_length=1)
    learning_objectives: list[LearningObjective] = Field(min_length=1)
    competency_weights: dict[Competency, Annotated[float, Field(gt=0, le=5)]] = {}
    references: list[Line] = []
    review: ReviewFacts
    dialogue: DialogueBank | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        a = self.agitation
        if a.start >= self.failure.force_threshold:
            raise ValueError("agitation.start must be below failure.force_threshold")
        if self.resolution.max_agitation >= a.start:
            raise ValueError("resolution.max_agitation must be below agitation.start")
        if a.floor >= self.resolution.max_agitation:
            raise ValueError("agitation.floor must be below resolution.max_agitation")
        ids = [c.id for c in self.characters]
        if len(set(ids)) != len(ids) or {SUBJECT, OFFICER} & set(ids):
            raise ValueError("characters need unique ids other than 'subject' and 'officer'")
        if self.dialogue is not None:
            unknown = set(self.dialogue.characters) - set(self.speakers)
            if unknown:
                raise ValueError(
                    f"dialogue.characters: {', '.join(sorted(unknown))} not on this card"
                    f" (speakers: {', '.join(self.speakers)})"
                )
        base = self.subject.voice.pitch_semitones
        subject_pitches = [base + self.stages.get(s).voice.pitch_shift for s in STAGES]
        for c in self.characters:
            if min(abs(c.voice.pitch_semitones - p) for p in subject_pitches) < MIN_PITCH_GAP:
                raise ValueError(
                    f"character {c.id!r} pitch must differ from the subject's in every stage"
                    f" by >= {MIN_PITCH_GAP} semitones"
                )
        return self

    @property
    def time_limit_s(self) -> float:
        """The time limit in seconds."""
        return self.time_limit_min * 60.0

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speaker ids the persona engine voices: the subject, then extra characters."""
        return (SUBJECT, *(c.id for c in self.characters))

    def character(self, speaker: str) -> Character:
        """An extra character by speaker id."""
        for c in self.characters:
            if c.id == speaker:
                return c
        raise ScenarioError(
            f"{self.id}: unknown speaker {speaker!r} (valid: {', '.join(self.speakers)})"
        )


def _where(loc: tuple[int | str, ...], raw: object) -> str:
    """A field path, with list positions of named items (topics) given by their id."""
    parts: list[str] = []
    node = raw
    for key in loc:
        node = (
            node.get(key)
            if isinstance(node, dict)
            else (
                node[key]
                if isinstance(node, list) and isinstance(key, int) and key < len(node)
                else None
            )
        )
        if isinstance(key, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            parts.append(f"[{node['id']}]")
        else:
            parts.append(f".{key}" if parts else str(key))
    return "".join(parts)


def _describe(err: ValidationError, raw: object = None) -> str:
    parts = []
    for e in err.errors()[:3]:
        field = _where(e["loc"], raw) or "(card)"
        reason = str(e["msg"]).removeprefix("Value error, ")
        parts.append(f"{field}: {reason}")
    return "; ".join(parts)


def load_scenario_file(path: Path) -> Scenario:
    """Parse and validate one card; any problem raises ScenarioError naming file and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path.name}: cannot read card: {exc}") from exc
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path.name}: (card): expected a mapping of fields")
    try:
        card = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(f"{path.name}: {_describe(exc, raw)}") from exc
    if card.id != path.stem:
        raise ScenarioError(f"{path.name}: id: {card.id!r} must match the file name")
    return card


@functools.cache
def _library(directory: Path) -> dict[str, Scenario]:
    cards = (load_scenario_file(p) for p in sorted(directory.glob("*.yaml")))
    return {c.id: c for c in cards}


def list_scenarios(directory: Path = SCENARIO_DIR) -> list[Scenario]:
    """All cards of the library, sorted by id."""
    return list(_library(directory).values())


def load_scenario(scenario_id: str, directory: Path = SCENARIO_DIR) -> Scenario:
    """One card by id; an unknown id raises ScenarioError listing the valid ids."""
    library = _library(directory)
    if scenario_id not in library:
        raise ScenarioError(
            f"unknown scenario {scenario_id!r} (valid: {', '.join(sorted(library))})",
            code="scenario_unknown",
        )
    return library[scenario_id]
