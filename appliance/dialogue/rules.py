"""Word rules for officer utterances: where reliable a rule decides, elsewhere it is a feature.

Every pattern here works on text normalised by :func:`normalize` (lower case, straight quotes,
collapsed spaces), so ASR output without punctuation or capitals still matches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.dialogue.acts import ACTS

_EMOTIONS = (
    r"scared|afraid|frightened|frightening|terrified|terrifying|angry|mad|furious|frustrated|"
    r"overwhelmed|exhausted|worn out|tired|sad|hurting|in pain|alone|lonely|worried|anxious|"
    r"nervous|"
    r"upset|embarrassed|humiliated|ashamed|hopeless|trapped|stressed|confused|on edge|heartbroken|"
    r"desperate|panicked|panicking|grieving|devastated|hurt|disrespected|betrayed|fed up"
)
_TITLES = r"buddy|bud|pal|chief|bro|dude|boss|sweetheart|sweetie|hon|honey|lady|man|genius"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


INTRODUCTION = _rx(
    r"\b(i'm|i am|my name's|my name is|this is|it's)\s+(officer|deputy|sergeant|sgt|trooper|"
    r"detective|corporal|lieutenant|agent|constable)\b"
    r"|\b(i'm|i am|my name's|my name is)\s+[a-z]+(\s+[a-z]+)?,?\s+(and\s+)?(i'm|i am)\s+"
    r"(a|an|with)\s+(police|the police|the (city|county|state)|the sheriff|officer|deputy)"
    r"|\b(i'm|i am)\s+(a police officer|with the (police|sheriff|state patrol|city|county))"
    r"|\b(officer|deputy|sergeant|trooper|detective|corporal)\s+[a-z]+(\s+[a-z]+)?,\s+([a-z]+\s+)"
    r"{0,2}(county|police|pd|state patrol|sheriff)"
    r"|^(hi|hello|hey|morning|evening|good (morning|afternoon|evening)),?\s+(officer|deputy|"
    r"sergeant|trooper|detective|corporal)\s+[a-z]+"
)
REASON = _rx(
    r"\b(called|call) (us|because|about|and asked)\b|\bthe reason (i|we) (stopped|came|pulled|"
    r"am here|'m here|'re here|are here)|\b(stopped|pulled) you( over)? (because|for)\b"
    r"|\b(i'm|we're|i am|we are) here because\b|\bdispatch (sent|said)\b|\bwe got a (call|report)\b"
    r"|\b(asked|called) us\b|\b(sent me|sent us) because\b|\bsomebody reported\b"
)
COUNTDOWN = _rx(
    r"\bcount(ing)?\b( to (three|five|ten|\d+))?|\b(\d+|five|ten|three|thirty|twenty) seconds\b"
    r"|\b(last|final) (warning|chance)\b|\btime's up\b|\btill (three|five|ten)\b"
    r"|\b(one|three|five)\W+(two|four)\W+(one|three)\b|\bthree\W+two\b|\buntil i finish\b"
)
THREAT = _rx(
    r"\bor (i'll|i will|i'm going to|we'll|we will|we're)\b|\bif you don't\b.*\b(i'll|i will|"
    r"you're going|you'll|we're|i'm going to)\b|\b(going|go) to jail\b|\b(tase|taser|tased)\b"
    r"|\b(shoot|drop) you\b|\bi'll shoot\b|\bhard way\b|\bin cuffs\b|\bin a cell\b|\bregret\b"
    r"|\bdare you\b|\buse force\b|\b(keep it up|one more (word|step)|keep (talking|filming) and|"
    r"try it)\b|\bwhether you like it or not\b|\bgetting arrested\b|\bi'm done asking\b"
    r"|\bi could take you in\b"
)
COMMAND_START = _rx(
    r"^(freeze|drop (it|the|your|that)|don't move|hands up|show me your hands|hands behind|"
    r"put (the|your|it|that) |get (on|down|out|back|over|off|your hands)|step (out|back|away)|"
    r"back up|stop (right|it|there|yelling|screaming|filming|walking|moving|$)|turn (around|the "
    r"engine)|face the|sit (down|tight)|lower your|shut up|come (here|down|out)"
    r"|stay (in|back|there)|roll the window|hand me|give me|open the door|listen to me|look at me"
    r"|move it|keep your hands"
    r"|license and registration|hands on|out of the car|on your knees)"
)
DIRECTIVE = _rx(r"\b(i need you to|you need to|i'm going to need you to|i'm going to ask you to)\b")
MINIMIZING = _rx(
    r"\bcalm down\b|^relax\b|\brelax,|\bnot that (bad|serious|big)\b|\bnot a big deal\b"
    r"|\boverreact|\bget over it\b|\bcheer up\b|\bcould be worse\b|\ball in your head\b"
    r"|\bevery(body|one) (has|feels|gets) \w+|\bpeople get \w+ all the time\b|\bjust stress\b"
    r"|\bquit (your )?crying\b|\bsnap out of it\b|\bstop being a baby\b|\bblowing this\b"
    r"|\bnobody cares\b|\bmake a big deal\b|\bnot the end of the world\b|\bstop whining\b"
    r"|\bquit being dramatic\b|\byou're fine\b"
)
_NEGATED_LABEL = _rx(r"\b(not|n't|never)\s+(\w+\s+){0,2}(crazy|nuts|stupid)\b")
INSULT = _rx(
    r"\b(idiot|stupid|moron|crazy|psycho|nuts|nutjob|lunatic|retard|retarded|dumbass|hysterical|"
    r"you people|deaf|nonsense|whin(e|es|ing|y)|crybaby|drama queen|pathetic|grow up)\b"
    r"|(^|[,.!?]\s*|\b(and|just|now|so)\s+)shut (up|your)\b"
    r"|\b(hell|damn|ass|shit|fuck\w*|bullshit)\b"
    r"|\bjesus christ\b|\bembarrassing yourself\b|\bacting like a child\b|\bmaking a scene\b"
    r"|\bdon't get smart\b|\bwhat's (wrong with you|your problem)\b|\bi don't have (all night|time "
    r"for this)\b|\bnever mind her\b|\bignore the (clinician|counselor)\b|\byeah, yeah\b"
)
INFORMAL_TITLE = _rx(
    rf"(^|[,.!?]\s*|\b(hey|listen|look|okay|ok|yeah|sure you are|whatever|move it|calm down)"
    rf",?\s+)({_TITLES})\b\s*([,.!?]|$)"
)
DIAGNOSTIC_LABEL = _rx(
    r"\b(you're|you are|are you)\s+(a\s+)?(schizo\w*|bipolar|psychotic|delusional|crazy|nuts|"
    r"psycho|mental)\b|\boff your meds\b"
)
SLOWING = _rx(
    r"\btake your time\b|\bno (rush|hurry)\b|\bnot rushing\b|\ball the time (we|you|in the world)\b"
    r"|\bslow (this |it |things )?down\b|\btake a (breath|second|minute)\b|\bone step at a time\b"
    r"|\bwe(.ve| have) got all night\b"
    r"|\bwhenever you're ready\b|\bi'm (staying )?right here\b|\bnot going anywhere\b"
    r"|\bnothing has to happen\b|\bi've got time\b|\bno(body|one)'s in a hurry\b"
    r"|\bdon't have to decide\b|\bno one's rushing\b"
)
HANDOFF = _rx(
    r"\btake it from here\b|\btake the lead\b|\blet me introduce\b|\bi'd like you to meet\b"
    r"|\b(talk|speak|sit) with (dana|the (clinician|counselor|nurse))\b"
    r"|\b(clinician|counselor|crisis team|mobile crisis|social worker|case worker)\b.{0,60}"
    r"\b(here to help|going to (talk|sit|ask)|would (you|it)|joined us|on her way|on his way)\b"
)
SAFETY_WORDS = _rx(
    r"\b(kill(ing)? yourself|suicid\w*|hurt(ing)? yourself|end(ing)? your life|weapons?|guns?|"
    r"knife|knives|anything sharp|cut yourself|in danger|jump(ing)?|hurt (me|you|anyone|someone|"
    r"anybody)|(are|is) (you|anyone|anybody) (else )?(hurt|injured|bleeding)|feel(ing)? safe|"
    r"safe at home|swallow\w*|anything (on you|in the car|in your pockets)|hit you|could hurt)\b"
)
QUESTION_START = _rx(
    r"^(what|what's|how|how's|why|where|where's|when|who|who's|which|are|is|do|does|did|can|"
    r"could|will|would|have|has|should|was|were|may|am|any|anything|anyone|anybody)\b"
)
WH_START = _rx(r"^(what|what's|how|how's|why|where|where's|when|who|who's|which)\b")
OPEN_PROMPT = _rx(
    r"\b(tell me|help me understand|walk me through|talk to me|describe|explain to me|what's on "
    r"your mind|what happened|what do you mean)\b"
)
REFLECT_START = _rx(
    r"^(so,? )?(you|you're|you've|you'd|your|sounds like|it sounds|seems like|it seems|it's like|"
    r"it feels|part of you|what i'm hearing|i can (see|hear|tell))\b"
)
EMOTION = _rx(rf"\b({_EMOTIONS})\b")
EMOTION_LABEL = _rx(
    rf"\b(you|you're|you are|you sound|you seem|you look|you feel|you've been feeling|sounds like "
    rf"you|seems like you|i can (see|tell|hear)( that)?( how)?( much)? you('re| are)?)\b"
    rf"[^.?!]{{0,40}}"
    rf"\b({_EMOTIONS}|pain)\b"
)
FIRST_PERSON_FEELING = _rx(rf"\b(i'm|i am|i was|i feel|i'd be)\b[^.?!]{{0,20}}\b({_EMOTIONS})\b")
VALIDATION = _rx(
    r"\bmakes sense\b|\bany(one|body) (would|in your|going through)\b|\bevery (right|reason)\b"
    r"|\bokay to feel\b|\bi'd be \w+ too\b|\bi get it\b|\bthank you for\b|\bappreciate\b"
    r"|\bcourage|\btakes guts\b|\bof course you\b|\bnormal reaction\b|\bthat sounds (awful|"
    r"frightening|hard|terrible|scary)\b|\bmust be\b|\bi'd want\b|\bnot wrong to\b|\bright thing\b"
)
REASON_MARKER = _rx(
    r"\b(because|so (that|we|you|i|nobody|no one|everyone|everybody|we're)|the reason|for (your|"
    r"our|both of our|everyone's) safety|that way|just so|i want (us|you|everyone|everybody) "
    r"(both )?safe|so nobody)\b"
)
REFLECTION_MARKER = _rx(
    r"\b(part of you|it sounds like|sounds like you|it seems like|seems like you|it feels like "
    r"you|i can (hear|see|tell) (that |how )?(you|this))\b"
)
SUMMARY = _rx(
    r"\bmake sure (i've got|i understand|i have)|\bsum up\b|\brecap\b|\bwhat i'm hearing\b"
    r"|\bif i've got (it|this) right\b|\bputting it all together\b|\bsummary\b"
    r"|\bpull this together\b|\bso the plan is\b|\bso far you've\b|\bjust so i'm clear\b"
    r"|\bsay back what i heard\b|\blet me see if i've got\b"
)
OPTIONS = _rx(
    r"\b(or|either|choice|choices|choose|options?|up to you|your call|whichever|prefer|rather|"
    r"if you'd like|if you want|would it help|what if we|we could|you can)\b"
)
REASSURANCE = _rx(
    r"\bnot in trouble\b|\bnot under arrest\b|\bnot here to arrest\b|\b(you're|you are) safe\b"
    r"|\bnot going to hurt\b|\bnot going anywhere\b|\bfigure (this|it) out\b|\bhelp you\b"
    r"|\bnobody's (going|taking)\b|\bwon't let\b|\bmake sure you're safe\b|\bwe'll get you\b"
    r"|\bnot because you're in trouble\b"
)
EXPLANATION = _rx(
    r"\b(i'm going to|i am going to|i'll|here's what|the reason|so that|so you|so nobody|so i|"
    r"that's (just|normal|our)|it's (a place|just)|let me explain|what happens next|because)\b"
)
ENCOURAGER = _rx(
    r"^(mm+|mm-?hm+|uh-?huh|okay|ok|go on|go ahead|i see|right|yeah|yes|sure|got it|"
    r"i'm listening|i hear you|keep going|i'm with you|and then|alright)"
    r"([ ,.!?]+(mm+|mm-?hm+|uh-?huh|okay|ok|go on|go ahead|i see|right|yeah|i'm listening|"
    r"i hear you|keep going))*[ ,.!?]*$"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[\w']+", re.UNICODE)
_FORMAL_TITLE = re.compile(r"\b(sir|ma'am|madam|maam)\b", re.IGNORECASE)
_FORMAL_SURNAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx)\.?\s+[A-Z][\w'-]+")


def normalize(text: str) -> str:
    """Lower-case, straight quotes, single spaces: the form every rule reads."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2026", "...").replace("\u2014", ", ")
    return " ".join(text.lower().split())


def split_sentences(text: str) -> list[str]:
    """The sentences of an utterance (one item if it has no inner sentence end)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    return parts or [text.strip()]


def count_words(text: str) -> int:
    """Number of words (letters, digits, apostrophes)."""
    return len(_WORD.findall(text))


def is_question(sentence: str) -> bool:
    """Whether a normalised sentence is a question by form (mark, question word or open prompt)."""
    s = sentence.strip(" ,")
    return s.endswith("?") or bool(QUESTION_START.search(s) or OPEN_PROMPT.search(s))


def uses_name(text: str, subject_name: str | None) -> bool:
    """The officer addresses the subject by name or with a respectful formal address."""
    if _FORMAL_TITLE.search(text) or _FORMAL_SURNAME.search(text):
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


def apply_rules(text: str, subject_name: str | None = None) -> RuleHits:
    """Acts the rules are sure of, acts the form rules out, and finer cues (e.g. a label)."""
    norm = normalize(text)
    sentences = [s for s in split_sentences(norm) if s.strip(" .,!?")]
    acts: set[str] = set()
    vetoed: set[str] = set()
    cues: set[str] = set()
    questions = [s for s in sentences if is_question(s)]
    all_questions = bool(sentences) and len(questions) == len(sentences)
    checks = {
        "introduction": INTRODUCTION,
        "countdown": COUNTDOWN,
        "slowing_language": SLOWING,
        "minimizing": MINIMIZING,
        "summary": SUMMARY,
        "handoff": HANDOFF,
        "reason_for_contact": REASON,
        "reflection_complex": REFLECTION_MARKER,
    }
    for act, pattern in checks.items():
        if pattern.search(norm):
            acts.add(act)
    if any(COMMAND_START.search(s.strip(" ,")) or DIRECTIVE.search(s) for s in sentences):
        acts.add("command")
    if THREAT.search(norm):
        acts.add("threat")
    cleaned = _NEGATED_LABEL.sub(" ", norm)
    if INSULT.search(cleaned):
        cues.add("insult")
    if INFORMAL_TITLE.search(cleaned):
        cues.add("informal_title")
    if cues & {"insult", "informal_title"}:
        acts.add("disrespect")
    if DIAGNOSTIC_LABEL.search(cleaned):
        cues.add("diagnostic_label")
    if re.search(r"\b(fuck\w*|shit|ass|damn|hell|bullshit)\b", norm):
        cues.add("profanity")
    if sentences and ENCOURAGER.search(norm) and count_words(norm) <= 5:
        acts.add("minimal_encourager")
    if uses_name(text, subject_name):
        acts.add("name_use")
    if any(SAFETY_WORDS.search(q) for q in questions):
        acts.add("safety_question")
    if not EMOTION_LABEL.search(norm) and FIRST_PERSON_FEELING.search(norm):
        vetoed.add("emotion_label")  # the officer's own feeling is not a label of the subject's
    if REASON_MARKER.search(norm):
        cues.add("gives_reason")
    directive = [
        s
        for s in sentences
        if COMMAND_START.search(s.strip(" ,"))
        or DIRECTIVE.search(s)
        or THREAT.search(s)
        or COUNTDOWN.search(s)
    ]
    if sentences and len(directive) == len(sentences):
        # Pure orders: any listening act the classifier sees in them is a false alarm.
        vetoed |= _LISTENING_ACTS | (
            {"explanation"} - ({"explanation"} if "gives_reason" in cues else set())
        )
    if "slowing_language" in acts and "command" not in acts:
        vetoed.add("command")  # "take your time" is imperative in form, never an order
    if not questions:
        vetoed |= {"open_question", "closed_question", "safety_question", "assessment_question"}
    if all_questions:
        vetoed |= {"reflection_simple", "reflection_complex", "emotion_label", "summary"}
    if not sentences:
        vetoed |= set(ACTS)
    if len([s for s in sentences if COMMAND_START.search(s.strip(" ,"))]) > 1:
        cues.add("stacked_commands")
    cues |= {f"rule:{a}" for a in acts & _CAP_ACTS}
    return RuleHits(frozenset(acts), frozenset(vetoed), frozenset(cues))


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
LEXICAL_DIM = len(_FEATURE_PATTERNS) + 3


def lexical_features(segment: str) -> npt.NDArray[np.float32]:
    """Binary pattern hits plus form cues for one segment, as the classifier's extra inputs."""
    norm = normalize(segment).strip()
    first = norm.strip(" ,")
    values = [1.0 if p.search(first) else 0.0 for p in _FEATURE_PATTERNS]
    words = count_words(norm)
    values += [
        1.0 if norm.endswith("?") else 0.0,
        1.0 if "?" in norm else 0.0,
        math.log1p(words) / 4.0,
    ]
    return np.asarray(values, dtype=np.float32)


def segments(text: str) -> Sequence[str]:
    """What the classifier reads: the whole utterance and, when it has several, each sentence."""
    parts = split_sentences(text)
    return [text.strip(), *parts] if len(parts) > 1 else [text.strip()]
