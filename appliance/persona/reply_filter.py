"""Reply filter: turn raw LLM text into short, speakable, in-character lines per character."""

from __future__ import annotations

import re
import unicodedata

from appliance.persona.routing import LabelRouter, SpokenLine
from appliance.persona.scenario import Scenario
from appliance.persona.sentences import SentenceStream, is_complete
from appliance.persona.vocabulary import SUBJECT

MAX_SENTENCES = 3
MAX_CHARS = 240
# The first line may be a clause this long or longer ("I'm having a tough day,"): voiced while
# the model writes the rest of its sentence.
FIRST_CLAUSE_CHARS = 16

_DIRECTIONS = re.compile(r"\*[^*]*\*|\[[^\]]*\]|\([^)]*\)|<[^>]*>")
_UNCLOSED = re.compile(r"[(\[<*].*$|^[^(\[<]*[)\]>]")
_OUT_OF_CHARACTER = re.compile(
    r"\b(as an ai|an ai (?:language )?model|language model|i am an ai|i'm an ai|ai assistant"
    r"|virtual assistant|openai|chatbot|as a (?:helpful )?assistant|role-?play"
    r"|i can(?:not|'t) (?:help|assist) with (?:that|this)|i'm sorry, but i can)\b"
    # a small model drifts into the officer's role; no AI character on scene is police
    r"|\b(?:i'm|i am|i was)\s+(?:just\s+)?(?:an?\s+|the\s+)?(?:old\s+|new\s+)?"
    r"(?:officer|detective|cop|sergeant|deputy|trooper|policeman|police officer)\b"
    r"|\bon patrol\b|\bprecinct\b|\bpolice department\b",
    re.IGNORECASE,
)
# Service-desk phrasing: a person in crisis never offers the officer help (a clinician may).
_ASSISTANT = re.compile(
    r"\b(how (?:can|may) i (?:help|assist)|i'?m (?:here|happy|glad) to (?:help|assist)"
    r"|is there anything else|let me know if|feel free to|i understand your concern"
    r"|what can i do for you|i'?d be (?:happy|glad) to|here to help you"
    r"|i'?m (?:[\w.']+\s+){0,3}assistant)\b",
    re.IGNORECASE,
)
# A safety net under the prompt's rule: never voice anything that reads as method detail.
_UNSAFE = re.compile(
    r"\b(lethal dose|overdose on|how (?:to|you) (?:kill|hang|cut|hurt)|noose|slit|mg of|"
    r"(?:best|easiest|quickest) way to (?:die|end it|kill))\b",
    re.IGNORECASE,
)
_QUOTES = "\"'\u201c\u201d\u2018\u2019"


def _drop_symbols(text: str) -> str:
    """Remove emoji and other pictographs, variation selectors and joiners."""
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in ("So", "Cs", "Co", "Cn") and ch not in "\ufe0f\u200d"
    )


def clean_sentence(sentence: str) -> str:
    """One sentence made speakable; empty when nothing in it should be spoken."""
    if _OUT_OF_CHARACTER.search(sentence) or _UNSAFE.search(sentence):
        return ""
    text = _DIRECTIONS.sub(" ", sentence)
    text = _UNCLOSED.sub(" ", text)  # a direction the sentence split cut open: drop it whole
    text = _drop_symbols(text).replace("*", " ").replace("`", " ").replace("#", " ")
    text = " ".join(text.split()).strip(" -_~|")
    if text.count('"') % 2 or (text[:1] in _QUOTES and text[-1:] in _QUOTES):
        text = text.strip(_QUOTES + " ")
    if len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text if any(ch.isalpha() for ch in text) else ""


def _shorten(text: str, limit: int) -> str:
    """Cut a single over-long sentence at a word boundary and end it."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:- ")
    return cut + "."


class ReplyFilter:
    """Streaming filter for one LLM reply: feed deltas, get the lines to speak as they end."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        speaker: str,
        stage: str,
        max_sentences: int = MAX_SENTENCES,
        max_chars: int = MAX_CHARS,
        fallback: str | None = None,
        first_clause_chars: int = FIRST_CLAUSE_CHARS,
    ) -> None:
        self._scenario = scenario
        self._fallback_line = fallback  # said when nothing passes (the authored line, if given)
        self._speaker = speaker
        self._stage = stage
        self._max_sentences = max_sentences
        self._max_chars = max_chars
        self._stream = SentenceStream(first_clause_chars=first_clause_chars)
        self._router = LabelRouter(scenario, speaker)
        self._spoken: dict[str, list[str]] = {}
        self._full: set[str] = set()
        self._dropped_open = False  # the last piece was dropped and its sentence goes on

    @property
    def done(self) -> bool:
        """True when nothing more will be spoken: the caller may cancel the LLM stream."""
        return self._router.ended or self._speaker in self._full

    def feed(self, delta: str) -> list[SpokenLine]:
        """Add a text delta; return newly completed lines to speak."""
        return self._accept(self._stream.feed(delta))

    def finish(self) -> list[SpokenLine]:
        """End of reply: the remaining lines, or an in-character fallback if none was spoken.

        A last sentence cut off by the token limit is dropped unless it is all there is.
        """
        rest = self._stream.flush()
        cut_off = rest[-1:] if rest and not is_complete(rest[-1]) else []
        lines = self._accept(rest[: len(rest) - len(cut_off)])
        if not any(self._spoken.values()):  # a fragment beats nothing; else it is dropped
            lines += self._accept(cut_off)
        if not any(self._spoken.values()):
            lines.append(SpokenLine(self._speaker, self._fallback()))
        return lines

    def _accept(self, sentences: list[str]) -> list[SpokenLine]:
        out: list[SpokenLine] = []
        for raw in sentences:
            rest_of_dropped, self._dropped_open = self._dropped_open, False
            routed = self._router.route(raw)
            if routed is None or routed.speaker in self._full:
                continue
            text = clean_sentence(routed.text)
            if (
                rest_of_dropped
                or not text
                or (routed.speaker == SUBJECT and _ASSISTANT.search(text))
            ):
                # A sentence goes whole: the rest of a dropped first clause goes with it.
                self._dropped_open = not is_complete(raw)
                continue
            said = self._spoken.setdefault(routed.speaker, [])
            if said and sum(len(s) + 1 for s in said) + len(text) > self._max_chars:
                self._full.add(routed.speaker)  # cut at the sentence boundary
                continue
            said.append(_shorten(text, self._max_chars))
            if len(said) >= self._max_sentences:
                self._full.add(routed.speaker)
            out.append(SpokenLine(routed.speaker, said[-1]))
        return out

    def _fallback(self) -> str:
        if self._fallback_line is not None:
            return self._fallback_line
        if self._speaker == SUBJECT:
            return self._scenario.stages.get(self._stage).fallback
        return self._scenario.character(self._speaker).fallback


def filter_reply(
    scenario: Scenario,
    text: str,
    *,
    speaker: str = SUBJECT,
    stage: str = "agitated",
    max_sentences: int = MAX_SENTENCES,
    max_chars: int = MAX_CHARS,
) -> list[SpokenLine]:
    """Filter a whole reply at once, exactly as the stream would."""
    f = ReplyFilter(
        scenario, speaker=speaker, stage=stage, max_sentences=max_sentences, max_chars=max_chars
    )
    return [*f.feed(text), *f.finish()]
