"""Timestamped quotes as evidence, how they are chosen, and a better phrasing for a slip."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from appliance.transcript import OFFICER, Transcript, Turn

MAX_QUOTE_CHARS = 220

_FEELINGS = (
    "scared",
    "afraid",
    "angry",
    "frustrated",
    "overwhelmed",
    "exhausted",
    "tired",
    "alone",
    "worried",
    "embarrassed",
    "humiliated",
    "hopeless",
    "trapped",
    "hurt",
)


@dataclass(frozen=True)
class Candidate:
    """A turn that could serve as evidence for one competency."""

    turn: int
    positive: bool
    weight: int
    note: str
    acts: tuple[str, ...] = ()
    suggestion: str | None = None
    confidence: float = 0.0


@dataclass(frozen=True)
class Evidence:
    """A quote with its moment, whether it helped or hurt, why, and a better phrasing if it hurt."""

    turn: int
    t: float
    time: str
    speaker: str
    quote: str
    polarity: str
    note: str
    acts: tuple[str, ...]
    framework: str
    suggestion: str | None


def clock(seconds: float) -> str:
    """m:ss (or h:mm:ss) for a time in seconds."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def quote(text: str) -> str:
    """The turn text, trimmed to a readable length at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    cut = text[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


def select(
    candidates: Sequence[Candidate], *, prefer_negative: bool, limit: int = 3
) -> list[Candidate]:
    """Up to ``limit`` quotes, both kinds when both exist, strongest first; one quote per turn."""

    def ranked(positive: bool) -> list[Candidate]:
        seen: set[int] = set()
        out = []
        for c in sorted(
            (c for c in candidates if c.positive == positive),
            key=lambda c: (-c.weight, -c.confidence, c.turn),
        ):
            if c.turn not in seen:
                seen.add(c.turn)
                out.append(c)
        return out

    pos, neg = ranked(True), ranked(False)
    first, second = (neg, pos) if prefer_negative else (pos, neg)
    picked = first[:2] + second[:1] if second else first[:limit]
    if len(picked) < limit:
        rest = [c for c in first[2:] + second[1:] if c.turn not in {p.turn for p in picked}]
        picked += rest[: limit - len(picked)]
    used: set[int] = set()
    unique = []
    for c in picked:
        if c.turn not in used:
            used.add(c.turn)
            unique.append(c)
    return sorted(unique[:limit], key=lambda c: c.turn)


def to_evidence(c: Candidate, transcript: Transcript, framework: str) -> Evidence:
    """Attach the quote and its time to a chosen candidate."""
    turn = transcript.turns[c.turn]
    return Evidence(
        c.turn,
        turn.start,
        clock(turn.start),
        turn.speaker,
        quote(turn.text),
        "positive" if c.positive else "negative",
        c.note,
        c.acts,
        framework,
        c.suggestion,
    )


def last_subject_words(transcript: Transcript, turn_index: int) -> Turn | None:
    """The most recent non-officer turn before ``turn_index`` that has words."""
    for t in reversed(transcript.turns[:turn_index]):
        if t.speaker != OFFICER and t.text.strip():
            return t
    return None


def _feeling(text: str) -> str:
    low = text.lower()
    return next((f for f in _FEELINGS if re.search(rf"\b{f}\b", low)), "overwhelmed")


def _echo(text: str, words: int = 8) -> str:
    parts = re.sub(r"[\"“”]", "", text).split()
    snippet = " ".join(parts[:words]).rstrip(",.!?;:")
    return snippet + ("…" if len(parts) > words else "")


_ORDER = re.compile(
    r"^(?:(?:hey|sir|ma'am|okay|ok|listen|now|please|so)[,!.]?\s+)*"
    r"(?:(?:i need you to|i'm going to need you to|i'm gonna need you to|you need to|i want you to"
    r"|i'm asking you to|i'm going to ask you to)\s+)?"
    r"(?P<cmd>(?:get|step|put|drop|come|back|move|sit|stand|turn|show|hand|stay|walk|go|keep|"
    r"lower|open|roll|take|let|leave|pack|calm|answer|unlock)\b[^.!?]*)",
    re.IGNORECASE,
)
# What a conditional threat or ultimatum asks for: "if you don't come down from there, ...".
_DEMAND = re.compile(
    r"\b(?:if you don't|if you do not|if you won't|unless you)\s+(?P<cmd>[^,.!?]+?)"
    r"(?=\s*(?:,|\.|!|\?|$|\bi'll\b|\bi will\b|\bwe'll\b|\bwe will\b|\byou'll\b|\bi'm\b))",
    re.IGNORECASE,
)
_CUT = re.compile(
    r"\s*(?:,|\bbecause\b|\bor\b|\band if\b|\bso\b|\bbefore\b|\botherwise\b).*$", re.IGNORECASE
)


def _as_request(text: str) -> str | None:
    """The officer's first order rephrased as the body of a request (None if there is none)."""
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        m = _ORDER.match(sentence.strip()) or _DEMAND.search(sentence)
        if m:
            cmd = _CUT.sub("", m.group("cmd"))
            cmd = re.sub(r"\b(right now|now|immediately|for me)\b", "", cmd)
            cmd = " ".join(cmd.split()).rstrip(" ,")
            return cmd[:1].lower() + cmd[1:] if cmd else None
    return None


SUGGESTIONS = {
    "threat": 'Drop the threat and say what you want and why: "I want this to end with everyone '
    'safe. What would help you right now?"',
    "countdown": "Take the clock away: \"There's no deadline here. Take your time; I'm staying "
    'right here."',
    "disrespect": "Keep the address respectful and neutral: \"Sir, I want to understand what's "
    'going on. What should I call you?"',
    "command": 'Say what you need, why, and what they can choose: "Could you show me your hands '
    'for me? I want us both safe while we talk, and you can stay right there."',
    "stacked": 'One request at a time, with a reason, then wait for it: "Could you show me your '
    "hands for me? I just need to know we're both safe.\"",
    "closed_question": 'Ask it open, then reflect the answer: "What\'s been going on tonight?"',
    "diagnostic_label": 'Describe what you see instead of labelling: "It sounds like the voices '
    'have been really loud today. What are they telling you?"',
    "deadline": 'Slow it down: "We\'ve got time. Nothing has to happen right now."',
}


def suggest(kind: str, transcript: Transcript, turn_index: int) -> str:
    """A better phrasing for a slipped turn, using the subject's own words where they help."""
    before = last_subject_words(transcript, turn_index)
    said = before.text if before else ""
    if kind in ("command", "threat", "countdown"):
        request = _as_request(transcript.turns[turn_index].text)
        if request and kind == "command":
            return (
                f'Make it one request with a reason and a choice: "Could you {request} for '
                'me? I want us both safe while we talk, and you can take your time."'
            )
        if request:
            how = "threat" if kind == "threat" else "clock"
            return (
                f"Ask for the same thing without the {how}, with a reason, and give them time: "
                f'"Could you {request} for me? I want you safe, nobody is going to rush you, '
                'and we can take this one step at a time."'
            )
    if kind == "minimizing":
        return (
            f'Name the feeling instead of dismissing it: "You sound {_feeling(said)}. '
            "Tell me what's going on.\""
        )
    if kind in ("interruption", "quick_reply") and said:
        return (
            f'Let them finish, pause, then reflect what you heard: "You said '
            f"'{_echo(said)}'. Tell me more about that.\""
        )
    if kind == "closed_question" and said:
        return (
            f"Reflect first, then ask it open: \"It sounds like you're feeling "
            f"{_feeling(said)}. What's been happening for you?\""
        )
    return SUGGESTIONS.get(kind, SUGGESTIONS["command"])
