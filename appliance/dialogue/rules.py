"""Word rules for officer utterances: where reliable a rule decides, elsewhere it is a feature.

Rules read the clean sentences of a turn (``speech.sentences``: no fillers or restarts, run-ons
split before an inner question), normalised by :func:`normalize` (lower case, straight quotes,
collapsed spaces), with anchored patterns applied after the leading discourse markers
(``speech.strip_lead``), so ASR output without punctuation or capitals still matches. Harsh acts
said politely come from ``harsh.find_harsh``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.dialogue.acts import ACTS
from appliance.dialogue.harsh import FORCE, HarshHit, Judge, find_harsh, unnegated
from appliance.dialogue.patterns import (
    COMMAND_START,
    COUNTDOWN,
    DIAGNOSTIC_LABEL,
    DIRECTIVE,
    EMOTION,
    EMOTION_LABEL,
    ENCOURAGER,
    EXPLANATION,
    FIRST_PERSON_FEELING,
    FORMAL_SURNAME,
    FORMAL_TITLE,
    HANDOFF,
    INFORMAL_TITLE,
    INSULT,
    INTRODUCTION,
    MINIMIZING,
    NEGATED_LABEL,
    NEGATED_THREAT,
    OPEN_PROMPT,
    OPTIONS,
    QUESTION_START,
    REASON,
    REASON_MARKER,
    REASSURANCE,
    REFLECT_START,
    REFLECTION_MARKER,
    SAFETY_WORDS,
    SENTENCE_END,
    SIMPLE_REFLECTION_MARKER,
    SLOWING,
    SUMMARY,
    THREAT,
    VALIDATION,
    WH_START,
    WORD,
)
from appliance.dialogue.speech import sentences as clean_sentences
from appliance.dialogue.speech import strip_lead


def normalize(text: str) -> str:
    """Lower-case, straight quotes, single spaces: the form every rule reads."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2026", "...").replace("\u2014", ", ")
    return " ".join(text.lower().split())


def split_sentences(text: str) -> list[str]:
    """The sentences of an utterance (one item if it has no inner sentence end)."""
    parts = [p.strip() for p in SENTENCE_END.split(text.strip()) if p.strip()]
    return parts or [text.strip()]


def count_words(text: str) -> int:
    """Number of words (letters, digits, apostrophes)."""
    return len(WORD.findall(text))


def is_question(sentence: str) -> bool:
    """Whether a normalised sentence is a question by form (mark, question word or open prompt)."""
    s = strip_lead(sentence.strip(" ,"))
    return s.endswith("?") or bool(QUESTION_START.search(s) or OPEN_PROMPT.search(s))


def is_statement(sentence: str) -> bool:
    """Whether a sentence is plainly a statement: a full stop or "!" at the end, and no question."""
    s = sentence.strip(" ,")
    return s.endswith((".", "!")) and not is_question(s)


def turn_sentences(text: str) -> list[str]:
    """The clean, normalised sentences of a turn (fillers and restarts removed)."""
    return [n for n in (normalize(s) for s in clean_sentences(text)) if n.strip(" .,!?")]


def uses_name(text: str, subject_name: str | None) -> bool:
    """The officer addresses the subject by name or with a respectful formal address."""
    if FORMAL_TITLE.search(text) or FORMAL_SURNAME.search(text):
        return True
    if subject_name:
        parts = [p for p in re.split(r"\s+", subject_name.strip()) if len(p) > 1]
        return any(re.search(rf"\b{re.escape(p)}\b", text, re.IGNORECASE) for p in parts)
    return False


@dataclass(frozen=True)
class RuleHits:
    """What the reliable rules decided for one utterance."""

    acts: frozenset[str]
    vetoed: frozenset[str]
    cues: frozenset[str]


def _threatens(sentence: str) -> bool:
    """A direct threat word ("jail", "tase", "in cuffs") no negation in its clause takes back."""
    for m in THREAT.finditer(sentence):
        clause = re.split(r"[,;:]|\bbut\b", sentence[: m.start()])[-1]
        if not NEGATED_THREAT.search(clause):
            return True
    return False


def _yes_no(sentence: str) -> bool:
    """A yes/no question by form: a question mark, no question word, no open prompt."""
    s = strip_lead(sentence.strip(" ,"))
    return s.endswith("?") and not WH_START.search(s) and not OPEN_PROMPT.search(s)


def _harsh_acts(sentence: str) -> set[str]:
    """The harsh acts the word rules find in one sentence (no meaning check)."""
    found = {h.act for h in find_harsh([sentence])}
    return found | ({"minimizing"} if unnegated(MINIMIZING, sentence) else set())


def apply_rules(
    text: str,
    subject_name: str | None = None,
    *,
    coercive: Judge | None = None,
    meaning: Callable[[str], HarshHit | None] | None = None,
) -> RuleHits:
    """Acts the rules are sure of, acts the form rules out, and finer cues (e.g. a label).

    ``coercive`` judges whether a conditional consequence is coercive by its meaning (the
    analyzer passes its MiniLM check); without it only the word list decides. ``meaning`` reads
    a sentence no harsh frame matched by what it means (``meaning.HarshMeaning``).
    """
    sentences = turn_sentences(text)
    leads = [strip_lead(s).strip(" ,") for s in sentences]
    norm = " ".join(sentences)
    acts: set[str] = set()
    vetoed: set[str] = set()
    cues: set[str] = set()
    questions = [s for s in sentences if is_question(s)]
    all_questions = bool(sentences) and len(questions) == len(sentences)
    checks = {
        "introduction": INTRODUCTION,
        "countdown": COUNTDOWN,
        "slowing_language": SLOWING,
        "summary": SUMMARY,
        "handoff": HANDOFF,
        "reason_for_contact": REASON,
        "reflection_complex": REFLECTION_MARKER,
    }
    pairs = list(zip(sentences, leads, strict=True))
    for act, pattern in checks.items():
        if any(pattern.search(s) or pattern.search(ld) for s, ld in pairs):
            acts.add(act)
    if any(unnegated(MINIMIZING, s) for s in sentences):  # "you're not overreacting" is kind
        acts.add("minimizing")
    if any(SIMPLE_REFLECTION_MARKER.search(ld) and not is_question(s) for s, ld in pairs):
        acts.add("reflection_simple")
    commands = [ld for ld in leads if COMMAND_START.search(ld) or DIRECTIVE.search(ld)]
    if commands:
        acts.add("command")
    if any(_threatens(s) for s in sentences):
        acts.add("threat")
    for hit in find_harsh(sentences, coercive, meaning):
        acts.add(hit.act)
        cues.add(f"harsh:{hit.kind}")
    if "threat" not in acts and any(FORCE.search(s) and not unnegated(FORCE, s) for s in sentences):
        vetoed.add("threat")  # "you're not going to jail for this" takes force off the table
    cleaned = NEGATED_LABEL.sub(" ", norm)
    raw = normalize(text)
    # The raw text too: cleaning collapses a dismissive "yeah, yeah" into one "yeah".
    if INSULT.search(cleaned) or INSULT.search(NEGATED_LABEL.sub(" ", raw)):
        cues.add("insult")
    if INFORMAL_TITLE.search(cleaned):
        cues.add("informal_title")
    if cues & {"insult", "informal_title", "harsh:condescension"}:
        acts.add("disrespect")
    elif NEGATED_LABEL.search(norm) and not acts & {"minimizing", "disrespect"}:
        vetoed.add("disrespect")  # "you're not crazy" denies the label: no guessed put-down
    if DIAGNOSTIC_LABEL.search(cleaned):
        cues.add("diagnostic_label")
    if re.search(r"\b(fuck\w*|shit|ass|damn|hell|bullshit)\b", norm):
        cues.add("profanity")
    if sentences and ENCOURAGER.search(raw) and count_words(raw) <= 5:
        acts.add("minimal_encourager")
    if uses_name(text, subject_name):
        acts.add("name_use")
    if any(SAFETY_WORDS.search(q) for q in questions):
        acts.add("safety_question")
    if any(_yes_no(s) for s in sentences):
        acts.add("closed_question")
    if not EMOTION_LABEL.search(norm) and FIRST_PERSON_FEELING.search(norm):
        vetoed.add("emotion_label")  # the officer's own feeling is not a label of the subject's
    if REASON_MARKER.search(norm):
        cues.add("gives_reason")
    put_downs = {
        i for i, s in enumerate(sentences) if {"minimizing", "disrespect"} & _harsh_acts(s)
    }
    directive = [
        s
        for i, (s, ld) in enumerate(pairs)
        if COMMAND_START.search(ld)
        or DIRECTIVE.search(ld)
        or _threatens(s)
        or COUNTDOWN.search(s)
        or i in put_downs
    ]
    if sentences and len(directive) == len(sentences):
        # Pure orders and put-downs: a listening act the classifier sees in them is a false alarm
        # ("There's no van, nobody's following you" repeats the words to deny them).
        vetoed |= _LISTENING_ACTS | (
            {"explanation"} - ({"explanation"} if "gives_reason" in cues else set())
        )
    if "slowing_language" in acts and "command" not in acts:
        vetoed.add("command")  # "take your time" is imperative in form, never an order
    if "slowing_language" in acts and not acts & {"threat", "countdown"}:
        vetoed |= {"threat", "countdown"}  # and it takes the clock away: no guessed threat
    if not questions and all(is_statement(s) for s in sentences):
        vetoed |= QUESTION_ACTS
    if all_questions:
        vetoed |= REFLECTIVE_ACTS
    if not sentences:
        vetoed |= set(ACTS)
    if len([ld for ld in leads if COMMAND_START.search(ld)]) > 1:
        cues.add("stacked_commands")
    cues |= {f"rule:{a}" for a in acts & _CAP_ACTS}
    return RuleHits(frozenset(acts), frozenset(vetoed), frozenset(cues))


QUESTION_ACTS = frozenset(
    {"open_question", "closed_question", "safety_question", "assessment_question"}
)
REFLECTIVE_ACTS = frozenset({"reflection_simple", "reflection_complex", "emotion_label", "summary"})
_LISTENING_ACTS = frozenset(
    {
        "reflection_simple",
        "reflection_complex",
        "emotion_label",
        "validation",
        "summary",
        "options",
        "reassurance",
    }
)

# Acts whose rule hit (not a classifier guess) may trigger a hard cap in the rubric.
_CAP_ACTS = frozenset({"command", "threat", "countdown", "disrespect", "minimizing"})


_FEATURE_PATTERNS: tuple[re.Pattern[str], ...] = (
    WH_START,
    QUESTION_START,
    OPEN_PROMPT,
    REFLECT_START,
    REFLECTION_MARKER,
    EMOTION,
    EMOTION_LABEL,
    COMMAND_START,
    DIRECTIVE,
    THREAT,
    COUNTDOWN,
    MINIMIZING,
    INSULT,
    INFORMAL_TITLE,
    INTRODUCTION,
    REASON,
    OPTIONS,
    REASSURANCE,
    SLOWING,
    SAFETY_WORDS,
    HANDOFF,
    SUMMARY,
    EXPLANATION,
    VALIDATION,
    ENCOURAGER,
)
# Form cues after the patterns: question mark, statement stop, no punctuation, second-person
# statement ("you want this baby."), officer's own "I ..." statement, harsh frames, length.
LEXICAL_DIM = len(_FEATURE_PATTERNS) + 10
_SECOND_PERSON = re.compile(r"^(you|you're|youre|you've|youve|you'd|your|yours)\b")
_FIRST_PERSON = re.compile(r"^(i|i'm|im|i'll|ill|i've|ive|i'd|we|we're|we'll|let me|let's)\b")


def lexical_features(segment: str) -> npt.NDArray[np.float32]:
    """Pattern hits and form cues of one clean segment: the classifier's word-rule inputs."""
    norm = normalize(segment).strip()
    first = strip_lead(norm).strip(" ,")
    values = [1.0 if p.search(first) else 0.0 for p in _FEATURE_PATTERNS]
    words = count_words(norm)
    harsh = {h.act for h in find_harsh([norm])}
    values += [
        1.0 if norm.endswith("?") else 0.0,
        1.0 if "?" in norm else 0.0,
        1.0 if is_statement(norm) else 0.0,
        0.0 if re.search(r"[.?!,]", norm) else 1.0,
        1.0 if _SECOND_PERSON.search(first) and not is_question(norm) else 0.0,
        1.0 if _FIRST_PERSON.search(first) else 0.0,
        1.0 if "threat" in harsh else 0.0,
        1.0 if "countdown" in harsh else 0.0,
        1.0 if harsh & {"minimizing", "disrespect"} else 0.0,
        math.log1p(words) / 4.0,
    ]
    return np.asarray(values, dtype=np.float32)
