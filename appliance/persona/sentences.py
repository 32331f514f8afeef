"""Sentence splitting for streaming TTS: yield each sentence as soon as it is complete."""

from __future__ import annotations

from collections.abc import Iterator

_ENDS = ".!?\u2026"
_CLOSERS = "\"')]\u2019\u201d"
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "sgt", "lt", "capt", "det", "jr", "sr", "vs", "etc"}
    | {"e.g", "i.e"}
)
# A clause break we may cut at when a sentence runs long without ending.
_SOFT_BREAKS = (", ", "; ", ": ", " - ", " \u2014 ")
# Where a reply's first piece may end early so its voice starts sooner; not ": ", which ends a
# speaker's label ("CLINICIAN: ...").
_CLAUSE_BREAKS = tuple(b for b in _SOFT_BREAKS if b != ": ")
_CLAUSE_FOLLOW = 12  # characters of the same sentence that must follow a first clause


def _is_abbreviation(text: str, dot: int) -> bool:
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and text[start].isupper())


def _spoken(text: str) -> Iterator[int]:
    """Indexes of ``text`` outside stage directions (``*...*``, parentheses, brackets)."""
    depth = 0
    in_star = False
    for i, ch in enumerate(text):
        if ch == "*":
            in_star = not in_star
        elif ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if not (depth or in_star):
            yield i


def _boundary(text: str, *, final: bool) -> int | None:
    """Index just past the first sentence in ``text``, or None if it is not complete yet."""
    for i in _spoken(text):
        ch = text[i]
        if ch == "\n":
            return i + 1
        if ch not in _ENDS:
            continue
        j = i + 1
        while j < len(text) and (text[j] in _ENDS or text[j] in _CLOSERS):
            j += 1
        if j == len(text):
            return j if final else None
        if text[j].isspace() and not (ch == "." and _is_abbreviation(text, i)):
            return j
    return None


def _soft_cut(text: str, limit: int) -> int | None:
    """Index just past the last clause break before ``limit``, for over-long sentences."""
    best = max(text.rfind(b, 0, limit) for b in _SOFT_BREAKS)
    return best + 1 if best > 0 else None


def _clause(text: str, min_chars: int) -> int | None:
    """Index just past the first clause break at least ``min_chars`` in, outside directions."""
    for i in _spoken(text):
        if i + 1 >= min_chars and text.startswith(_CLAUSE_BREAKS, i):
            return i + 1
    return None


def is_complete(sentence: str) -> bool:
    """Whether a sentence ends with end punctuation (not cut off mid-way)."""
    return sentence.rstrip(_CLOSERS + " ")[-1:] in tuple(_ENDS)


class SentenceStream:
    """Feed LLM text deltas; get back each complete sentence once its end is seen.

    ``first_clause_chars``: when set, the first piece ends at the first clause break that many
    characters in ("I've had a long day," before the sentence is done), so it can be voiced
    while the model writes the rest.
    """

    def __init__(self, *, soft_max_chars: int = 160, first_clause_chars: int = 0) -> None:
        self._buf = ""
        self._soft_max = soft_max_chars
        self._first_clause = first_clause_chars

    def feed(self, delta: str) -> list[str]:
        """Add a text delta; return the sentences it completed, in order."""
        self._buf += delta
        return self._drain(final=False)

    def flush(self) -> list[str]:
        """End of stream: return whatever remains as sentences."""
        out = self._drain(final=True)
        rest = self._buf.strip()
        self._buf = ""
        return [*out, rest] if rest else out

    def _drain(self, *, final: bool) -> list[str]:
        out: list[str] = []
        while self._buf:
            cut = _boundary(self._buf, final=final)
            if cut is None and len(self._buf) > self._soft_max:
                cut = _soft_cut(self._buf, self._soft_max)
            if self._first_clause and (clause := _clause(self._buf, self._first_clause)):
                # Only where the sentence goes on past it: "I'm right here, Sam." stays whole.
                if (len(self._buf) if cut is None else cut) - clause >= _CLAUSE_FOLLOW:
                    cut = clause
            if cut is None:
                break
            sentence, self._buf = self._buf[:cut].strip(), self._buf[cut:]
            if sentence:
                out.append(sentence)
                self._first_clause = 0
        return out


def split_sentences(text: str, *, first_clause_chars: int = 0) -> list[str]:
    """Split a whole text into sentences, exactly as the stream would."""
    stream = SentenceStream(first_clause_chars=first_clause_chars)
    return [*stream.feed(text), *stream.flush()]
