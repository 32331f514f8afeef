"""The after-action review: ``review_transcript(transcript) -> Review`` and its JSON form.

The JSON schema is documented in ``appliance/review/SCHEMA.md``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from appliance.competencies import COMPETENCY_IDS
from appliance.dialogue.acts import ACTS
from appliance.dialogue.analysis import UtteranceAnalysis, UtteranceAnalyzer, default_analyzer
from appliance.dialogue.context import add_context_acts, analyze_turns
from appliance.errors import TranscriptError
from appliance.persona.review_facts import PRACTICE_FOR, SCENARIOS, ScenarioInfo, scenario_info
from appliance.review.agitation_timeline import AgitationTimeline, agitation_timeline
from appliance.review.guidance import (
    NextStep,
    ObjectiveResult,
    card_facts,
    next_step,
    objectives_met,
)
from appliance.review.metrics import Metrics, compute_metrics
from appliance.review.miti import Measure, miti_measures
from appliance.review.rubric import (
    DISCLAIMER,
    FRAMEWORK_CREDIT,
    level_for,
)
from appliance.review.scoring import CompetencyResult, Context, score_competencies
from appliance.review.story import Outcome, outcome_of
from appliance.transcript import OFFICER, Transcript, parse_transcript

SCHEMA = "codeblu.review/2"

NEXT_STEPS = {
    "opening_legitimacy": "Open every call with name, agency and reason before any request: "
    "\"I'm Officer …, with …. Someone called because they were worried "
    "about you. What's your name?\"",
    "active_listening": "Reflect before you ask: after each answer, say back what you heard "
    '("It sounds like …") before the next question; aim for two '
    "reflections per question.",
    "empathy": 'Label the emotion you hear at least three times a call ("You sound exhausted", '
    '"That sounds frightening"), and never answer a feeling with "calm down".',
    "respect_dignity": "Use the person's name or sir/ma'am, and keep every sentence free of "
    "threats, slang titles and profanity, even when they insult you.",
    "directive_clarity": "Give one request at a time with a reason and a choice, then wait: "
    '"Could you set that down for me? I want us both safe. You can stay '
    'right there."',
    "time_pacing": 'Take the clock away on purpose: say "take your time" or "I\'m staying right '
    'here" early, lower your volume and slow down when the person speeds up.',
    "crisis_assessment": 'Ask the safety question directly and early ("Are you thinking about '
    'killing yourself?"), then ask about meds, substances and who supports '
    "them; ask again after anything changes.",
    "options_resolution": "Offer two real choices and explain what happens next; when a clinician "
    "is there, introduce them by name and hand over the conversation.",
}


@dataclass(frozen=True)
class Finding:
    """One item of what worked or where it slipped, tied to a competency and a moment."""

    competency: str
    text: str
    framework: str
    turn: int | None
    time: str | None
    quote: str | None
    suggestion: str | None = None


@dataclass(frozen=True)
class UtteranceActs:
    """The acts of one input turn (empty for speakers other than the officer)."""

    turn: int
    speaker: str
    start: float
    end: float
    text: str
    acts: tuple[str, ...]


@dataclass(frozen=True)
class TrainingRecord:
    """What a training officer enters into the agency's hours record."""

    date: str
    active_minutes: float
    topic_category: str
    scenario_id: str
    officer_id: str
    officer_name: str


@dataclass(frozen=True)
class Review:
    """A complete after-action review."""

    schema: str
    session_id: str
    scenario: ScenarioInfo
    started_at: str
    overall_score: int
    overall_level: int
    outcome: Outcome
    objectives: tuple[ObjectiveResult, ...]
    competencies: tuple[CompetencyResult, ...]
    metrics: Metrics
    miti: tuple[Measure, ...]
    agitation: AgitationTimeline
    utterances: tuple[UtteranceActs, ...]
    what_worked: tuple[Finding, ...]
    where_it_slipped: tuple[Finding, ...]
    next_step: NextStep
    next_scenario: ScenarioInfo
    next_scenario_reason: str
    training_record: TrainingRecord
    frameworks_credit: str = FRAMEWORK_CREDIT
    disclaimer: str = DISCLAIMER

    def competency(self, competency_id: str) -> CompetencyResult:
        """One competency's result by id."""
        return next(c for c in self.competencies if c.id == competency_id)

    def to_json(self) -> dict[str, Any]:
        """The review as plain JSON data (schema ``codeblu.review/2``)."""
        data: dict[str, Any] = _plain(self)
        data["scenario_id"] = self.scenario.id
        data["next_scenario"] = {
            "id": self.next_scenario.id,
            "title": self.next_scenario.title,
            "reason": self.next_scenario_reason,
        }
        data.pop("next_scenario_reason")
        data["overall"] = {
            "score": data.pop("overall_score"),
            "level": data.pop("overall_level"),
            "weights": {c.id: c.weight for c in self.competencies},
        }
        return data


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return {c: 1.0 for c in COMPETENCY_IDS}
    unknown = sorted(set(weights) - set(COMPETENCY_IDS))
    if unknown:
        raise TranscriptError(f"unknown competency in weights: {', '.join(unknown)}")
    out = {}
    for cid in COMPETENCY_IDS:
        w = weights.get(cid, 1.0)
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
            raise TranscriptError(f"weight for {cid} must be a number ≥ 0, got {w!r}")
        out[cid] = float(w)
    if sum(out.values()) <= 0:
        raise TranscriptError("competency weights are all zero")
    return out


def _findings(
    comps: tuple[CompetencyResult, ...],
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    order = {cid: i for i, cid in enumerate(COMPETENCY_IDS)}
    worked = []
    for c in sorted(comps, key=lambda c: (-c.score, order[c.id])):
        pos = [e for e in c.evidence if e.polarity == "positive"]
        best = max((f for f in c.factors if f.points > 0), key=lambda f: f.points, default=None)
        if c.score >= 60 and pos and best:
            e = pos[0]
            worked.append(
                Finding(c.id, f"{c.title}: {best.reason}.", c.framework, e.turn, e.time, e.quote)
            )
    slipped = []
    for c in sorted(comps, key=lambda c: (c.score, order[c.id])):
        neg = [e for e in c.evidence if e.polarity == "negative"]
        worst = min((f for f in c.factors if f.points < 0), key=lambda f: f.points, default=None)
        reason = c.caps[0].reason if c.caps and c.score < 70 else worst.reason if worst else None
        if c.score < 70 and reason:
            ev = neg[0] if neg else None
            slipped.append(
                Finding(
                    c.id,
                    f"{c.title}: {reason}.",
                    c.framework,
                    ev.turn if ev else None,
                    ev.time if ev else None,
                    ev.quote if ev else None,
                    ev.suggestion if ev and ev.suggestion else NEXT_STEPS[c.id],
                )
            )
    return tuple(worked[:3]), tuple(slipped[:3])


def _next(comps: tuple[CompetencyResult, ...], scenario: ScenarioInfo) -> tuple[ScenarioInfo, str]:
    order = {cid: i for i, cid in enumerate(COMPETENCY_IDS)}
    weakest = min(comps, key=lambda c: (c.score, -c.weight, order[c.id]))
    options = [s for s in PRACTICE_FOR[weakest.id] if s != scenario.id]
    nxt = SCENARIOS[options[0]]
    return nxt, f"practises {weakest.title.lower()}, your lowest score ({weakest.score})"


def _officer_analyses(
    t: Transcript, analyzer: UtteranceAnalyzer | None
) -> dict[int, UtteranceAnalysis]:
    """Each officer turn's acts: the analysis the live call stored, or analysed now."""
    out: dict[int, UtteranceAnalysis] = {}
    missing = []
    for turn in t.officer_turns:
        a = turn.analysis
        if a is not None and set(a.acts) <= set(ACTS):
            out[turn.index] = UtteranceAnalysis(
                turn.text, frozenset(a.acts), a.words, frozenset(a.cues), a.scores
            )
        else:
            missing.append(turn)
    if missing:
        out.update(analyze_turns(analyzer or default_analyzer(), t, [o.index for o in missing]))
    return out


def review_transcript(
    transcript: Mapping[str, Any] | Transcript,
    *,
    weights: Mapping[str, float] | None = None,
    analyzer: UtteranceAnalyzer | None = None,
) -> Review:
    """Score a transcript and build its review (deterministic)."""
    t = transcript if isinstance(transcript, Transcript) else parse_transcript(transcript)
    w = _check_weights(weights)
    analyses = add_context_acts(t, _officer_analyses(t, analyzer))
    metrics = compute_metrics(t, analyses)
    scenario = scenario_info(t.scenario_id)
    comps = score_competencies(Context(t, analyses, metrics, scenario), w)
    overall = round(sum(c.score * c.weight for c in comps) / sum(c.weight for c in comps))
    worked, slipped = _findings(comps)
    nxt, why = _next(comps, scenario)
    facts = card_facts(t.scenario_id)
    acts = {i: a.acts for i, a in analyses.items()}
    step = next_step(comps, t, acts, NEXT_STEPS)
    utterances = tuple(
        UtteranceActs(
            turn.index,
            turn.speaker,
            turn.start,
            turn.end,
            turn.text,
            tuple(a for a in ACTS if a in analyses[turn.index].acts)
            if turn.speaker == OFFICER
            else (),
        )
        for turn in t.turns
    )
    record = TrainingRecord(
        t.started_at[:10],
        metrics.active_minutes,
        scenario.topic_category,
        scenario.id,
        t.officer_id,
        t.officer_name,
    )
    return Review(
        SCHEMA,
        t.session_id,
        scenario,
        t.started_at,
        overall,
        level_for(overall),
        outcome_of(t, dict(facts.endings)),
        objectives_met(facts, comps),
        comps,
        metrics,
        miti_measures(metrics),
        agitation_timeline(t),
        utterances,
        worked,
        slipped,
        step,
        nxt,
        why,
        record,
    )


__all__ = ["Finding", "Review", "TrainingRecord", "UtteranceActs", "review_transcript"]
