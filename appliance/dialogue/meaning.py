"""Harsh acts by what a sentence means (MiniLM), for the wordings the frames of ``harsh.py`` miss.

"My patience is wearing thin", "we're short-staffed, so quick answers please", "you lost a job,
not your life": each says an ultimatum, a hurry-up, a dismissal or a put-down without a word the
frames know. Each clause of a sentence (politeness and address terms taken off: "please", "sir"
do not change what is said) is compared with short descriptions of each harsh kind and of kind
things said in the same forms ("take your time", "nobody is arresting you", "that sounds hard").
A clause is harsh when it is close to a harsh description, clearly closer to it than to any kind
one, and negated as that description is ("you're not wasting my time" lies close to "you're
wasting my time"). Threats are left to the consequence frames of ``harsh.py`` and their judge
(``coercion.py``): by itself MiniLM puts talk of the law close to talk of arrest.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.dialogue.embedding import SentenceEncoder
from appliance.dialogue.harsh import HarshHit
from appliance.dialogue.rules import is_question
from appliance.dialogue.speech import strip_lead

# (act, kind) -> descriptions of that harsh act in plain words.
HARSH: dict[tuple[str, str], tuple[str, ...]] = {
    ("countdown", "meaning_ultimatum"): (
        "this is your last chance",
        "I am not going to ask you again",
        "I'm running out of patience with you",
        "my patience is gone",
        "you have one minute to decide",
        "I've asked you several times already and I won't ask again",
        "I'm done asking nicely",
        "time is up, you need to decide now",
        "you've had enough chances",
        "I'm losing my patience",
        "I won't repeat myself",
        "no more chances after this",
        "I've reached my limit with you",
    ),
    ("countdown", "meaning_hurry"): (
        "hurry up, I don't have all day",
        "I'm busy, let's get this over with",
        "I have other calls to get to, so make it quick",
        "we need to speed this up",
        "come on, I haven't got time for this",
        "answer quickly, I'm in a rush",
        "I can't stand here all night waiting for you",
        "let's wrap this up fast",
        "I'm short on time, so get on with it",
        "let's pick up the pace",
        "don't drag this out",
    ),
    ("minimizing", "meaning_dismissal"): (
        "it's not a big deal, you're overreacting",
        "there's nothing to be upset about",
        "the voices aren't real, so just ignore them",
        "nobody is after you, it's all in your head",
        "you'll get over it soon enough",
        "other people have it much worse than you",
        "it's a small thing, stop worrying about it",
        "you shouldn't feel that way about it",
        "look on the bright side, it could be worse",
        "it's only money, it doesn't matter",
        "you're making a fuss over nothing",
        "just forget about it and move on",
        "there's nothing there, you're imagining it",
        "it's really not as serious as you think",
        "put that worry out of your mind",
        "it's a minor thing, don't get carried away",
        "it's only a thing, you can replace it",
        "there's nobody there, stop talking about it",
        "it's just a small setback, you'll bounce back",
    ),
    ("disrespect", "meaning_condescension"): (
        "you're acting like a child",
        "grow up and act your age",
        "I'll use small words so you can understand",
        "stop being so dramatic",
        "I don't have time for your nonsense",
        "are you stupid or something",
        "you're wasting my time",
        "do you even understand what I'm saying",
        "stop whining like a baby",
        "this is a ridiculous tantrum",
        "you're being silly and immature",
        "even children behave better than this",
        "spare me the drama",
    ),
}
KIND: tuple[str, ...] = (
    "take your time, there's no rush",
    "I'm not going anywhere, I'll wait here with you",
    "nobody is going to arrest you",
    "you're not in any trouble",
    "I'm not going to force you to do anything",
    "it makes sense that you're upset",
    "that sounds really hard",
    "your feelings are completely valid",
    "I believe you that you hear the voices",
    "you get to decide what happens next",
    "if you want, we can talk somewhere quieter",
    "whenever you're ready, we can go",
    "I'm here to help you",
    "we have plenty of time",
    "I want to make sure you're safe",
    "I'm sorry this is happening to you",
    "you're doing really well",
    "thank you for talking with me",
    "can you tell me more about what happened",
    "I'd like to understand what's going on",
    "I'll explain everything that happens next",
    "we can get you some help",
    "you don't have to decide right now",
    "that must be frightening",
    "anyone would be upset about that",
    "let me know if you need anything",
    "it's okay to feel this way",
    "I'll be quick so you can get home",
    "I'm going to ask you a few questions",
    "you're a smart person",
    "you're not overreacting at all",
    "you're not wasting my time",
    "you're not crazy",
    "let's slow down, there's no hurry",
    "we'll go at your pace",
    "we can go as slowly as you like",
    "you've been very patient with me",
    "sorry to ask you again",
    "this is a big deal",
    "I'm keeping my handcuffs put away, I just want to talk",
    "who is after you",
    "I'd hate for you to be uncomfortable",
    "the last thing I want is for you to get hurt",
    "you want this to be over",
)
MIN_SIMILARITY = 0.45
MIN_MARGIN = 0.2
_MIN_WORDS = 3

_POLITE = re.compile(
    r"\b(please|sir|ma'am|maam|madam|miss|friend|buddy|pal|honey|sweetheart|respectfully|"
    r"with (all due )?respect|honestly|kindly|i'm sorry|im sorry|sorry|thank you|thanks|okay|ok|"
    r"alright|all right|look|listen)\b,?"
)
# What the person wants or feels, said back to them: a reflection, whatever it sounds like.
_SAYS_BACK = re.compile(
    r"^(so,? )?(you want|you'd like|you feel|you're feeling|you wish|you hope|part of you|"
    r"what i'm hearing)\b"
)
_CLAUSE = re.compile(r"[,;:]\s*|\s+(?:so|but|because|and then)\s+")
_NEGATED = re.compile(
    r"\b(not|no|never|nobody|nobody's|no one|no one's|nothing|don't|dont|won't|wont|isn't|isnt|"
    r"aren't|arent|ain't)\b"
)


def clauses(sentence: str) -> list[str]:
    """The sentence and its clauses, politeness and address terms taken off (3+ words each)."""
    plain = " ".join(_POLITE.sub(" ", sentence).split()).strip(" ,.!?")
    parts = [plain, *(p.strip(" ,.!?") for p in _CLAUSE.split(plain))]
    out: list[str] = []
    for p in parts:
        p = strip_lead(p).strip(" ,.!?")
        if len(p.split()) >= _MIN_WORDS and p not in out:
            out.append(p)
    return out


@dataclass(frozen=True)
class _Prototypes:
    keys: tuple[tuple[str, str], ...]  # the (act, kind) of each harsh description
    negated: tuple[bool, ...]  # whether each harsh description is said with a negation
    harsh: npt.NDArray[np.float32]
    kind: npt.NDArray[np.float32]


class HarshMeaning:
    """Reads a clean sentence for harsh acts by meaning; thread-safe, prototypes embedded once."""

    def __init__(self, encoder: SentenceEncoder) -> None:
        self._encoder = encoder
        self._lock = threading.Lock()
        self._protos: _Prototypes | None = None

    def prepare(self) -> None:
        """Embed the prototypes now (at load), not in the first live turn that needs them."""
        self._prototypes()

    def _prototypes(self) -> _Prototypes:
        with self._lock:
            if self._protos is None:
                pairs = [(key, text) for key, texts in HARSH.items() for text in texts]
                self._protos = _Prototypes(
                    tuple(k for k, _ in pairs),
                    tuple(bool(_NEGATED.search(t)) for _, t in pairs),
                    self._encoder.encode_many([t for _, t in pairs]),
                    self._encoder.encode_many(list(KIND)),
                )
            return self._protos

    def scores(self, clause: str) -> tuple[int, float, float]:
        """The clause's closest harsh description, its similarity, and the best kind one's."""
        protos = self._prototypes()
        vec = self._encoder.encode(clause)
        sims = protos.harsh @ vec
        best = int(np.argmax(sims))
        return best, float(sims[best]), float((protos.kind @ vec).max())

    def __call__(self, sentence: str) -> HarshHit | None:
        """A harsh act the sentence says by meaning, quoting the clause that says it."""
        if is_question(sentence) or _SAYS_BACK.search(strip_lead(sentence)):
            return None  # harsh acts read by meaning are statements, not questions or reflections
        protos = self._prototypes()
        for clause in clauses(sentence):
            if _SAYS_BACK.search(clause):
                continue
            best, harsh, gentle = self.scores(clause)
            if harsh < MIN_SIMILARITY or harsh - gentle < MIN_MARGIN:
                continue
            act, kind = protos.keys[best]
            if bool(_NEGATED.search(clause)) != protos.negated[best]:
                continue  # "you're not wasting my time" lies close to "you're wasting my time"
            return HarshHit(act, kind, clause)
        return None
