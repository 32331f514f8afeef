"""What the officer takes away: the card's learning objectives met (with quotes) and a next step
tailored to this call — the moment it slipped, quoted, and a better line for that moment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from appliance.errors import ScenarioError
from appliance.persona.scenario import load_scenario
from appliance.review.draft import CompetencyResult
from appliance.review.evidence import Evidence, clock, last_subject_words, quote, suggest
from appliance.review.metrics import REFLECTIONS, is_emotional
from appliance.review.story import agitation_change
from appliance.transcript import OFFICER, Transcript

MET, PARTLY, NOT_MET = "met", "partly met", "not met"
MET_LEVEL = 4  # "did it well" in every competency of the objective
PARTLY_LEVEL = 3


@dataclass(frozen=True)
class CardFacts:
    """What the review reads from the scenario card beyond its review block."""

    objectives: tuple[tuple[str, tuple[str, ...]], ...] = ()
    endings: tuple[tuple[str, str], ...] = ()


def card_facts(scenario_id: str) -> CardFacts:
    """The card's learning objectives and how each ending is described (empty for unknown ids)."""
    try:
        card = load_scenario(scenario_id)
    except ScenarioError:
        return CardFacts()
    objectives = tuple((o.text, tuple(o.competencies)) for o in card.learning_objectives)
    endings = (
        ("resolved", card.resolution.description),
        ("disengaged", card.disengagement.description),
        ("failed", card.failure.description),
    )
    return CardFacts(objectives, endings)


@dataclass(frozen=True)
class ObjectiveResult:
    """One learning objective of the card: met or not, why, and the quotes that show it."""

    text: str
    competencies: tuple[str, ...]
    status: str
    reason: str
    evidence: tuple[Evidence, ...]


def objectives_met(
    facts: CardFacts, comps: Sequence[CompetencyResult]
) -> tuple[ObjectiveResult, ...]:
    """Each objective judged on its competencies' levels, with positive (or negative) quotes."""
    by_id = {c.id: c for c in comps}
    out = []
    for text, ids in facts.objectives:
        results = [by_id[i] for i in ids if i in by_id]
        if not results:
            continue
        levels = [c.level for c in results]
        if min(levels) >= MET_LEVEL:
            status = MET
        elif min(levels) >= PARTLY_LEVEL or max(levels) >= MET_LEVEL:
            status = PARTLY
        else:
            status = NOT_MET
        weakest = min(results, key=lambda c: c.score)
        reason = ", ".join(f"{c.title.lower()} level {c.level}" for c in results)
        polarity = "positive" if status != NOT_MET else "negative"
        seen: set[int] = set()
        quotes: list[Evidence] = []
        for c in sorted(results, key=lambda c: -c.score if polarity == "positive" else c.score):
            for e in c.evidence:
                if e.polarity == polarity and e.turn not in seen and len(quotes) < 2:
                    seen.add(e.turn)
                    quotes.append(e)
        if status == PARTLY:
            reason += f"; to meet it, work on {weakest.title.lower()}"
        out.append(ObjectiveResult(text, tuple(ids), status, reason, tuple(quotes)))
    return tuple(out)


@dataclass(frozen=True)
class NextStep:
    """The one thing to practise next, tied to a moment of this call and a line to try there."""

    competency: str
    text: str
    framework: str
    turn: int | None
    time: str | None
    quote: str | None
    heard: str | None  # what the person had just said
    suggestion: str | None
    agitation_change: float | None


def _slip(
    comps: Sequence[CompetencyResult], transcript: Transcript
) -> tuple[CompetencyResult, Evidence, float | None] | None:
    """The slip that cost most: the biggest rise in agitation, then the weakest competency."""
    best: tuple[tuple[float, float, int], CompetencyResult, Evidence, float | None] | None = None
    for c in comps:
        for e in c.evidence:
            if e.polarity != "negative" or not e.suggestion:
                continue
            rise = agitation_change(transcript, e.turn)
            key = (max(rise or 0.0, 0.0), c.weight * (100 - c.score), -e.turn)
            if best is None or key > best[0]:
                best = (key, c, e, rise)
    return None if best is None else best[1:]


def _missed_reflection(transcript: Transcript, acts: dict[int, frozenset[str]]) -> int | None:
    """The first officer reply to an emotional turn that did not reflect it."""
    for turn in transcript.turns:
        if turn.speaker != OFFICER or turn.index not in acts or acts[turn.index] & REFLECTIONS:
            continue
        before = last_subject_words(transcript, turn.index)
        if before is not None and is_emotional(before.text):
            return turn.index
    return None


def next_step(
    comps: Sequence[CompetencyResult],
    transcript: Transcript,
    acts: dict[int, frozenset[str]],
    fallback: dict[str, str],
) -> NextStep:
    """A next step tailored to this call: the costliest slip and a better line for it."""
    order = {c.id: i for i, c in enumerate(comps)}
    weakest = min(comps, key=lambda c: (c.score, -c.weight, order[c.id]))
    found = _slip(comps, transcript)
    if found is not None:
        comp, ev, rise = found
        turn, better = ev.turn, ev.suggestion
        why = ev.note
    else:
        comp = next(c for c in comps if c.id == "active_listening")
        missed = _missed_reflection(transcript, acts)
        if missed is None:
            text = fallback[weakest.id]
            return NextStep(weakest.id, text, weakest.framework, None, None, None, None, None, None)
        turn, rise = missed, agitation_change(transcript, missed)
        better = suggest("closed_question", transcript, missed)
        why = "an emotional moment went by without a reflection"
    said = last_subject_words(transcript, turn)
    heard = quote(said.text) if said else None
    t = transcript.turns[turn]
    text = f"At {clock(t.start)}"
    if heard:
        text += f", after “{heard}”"
    text += f", you said “{quote(t.text)}” ({why})"
    if rise is not None and rise > 0:
        text += f" and agitation rose {rise:g} points"
    text += f". {better}"
    return NextStep(
        comp.id, text, comp.framework, turn, clock(t.start), quote(t.text), heard, better, rise
    )
