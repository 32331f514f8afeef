"""Spoken text made readable for the act rules and the classifier: fillers, restarts, run-ons.

People talk in restarts ("what-what would", "I- I just"), fillers ("um", "you know"), several
sentences per turn with the question at the end, and ASR often gives it all lower-case without
punctuation. ``sentences`` returns the clean sentences of a turn; quotes keep the original text.
"""

from __future__ import annotations

import re

# Hesitation sounds, wherever they are ("um", "uh", "erm", "hmm").
_HESITATION = re.compile(
    r"(?<![\w'-])(?:u+m+|u+h+m*|e+r+m+|e+h+|a+h+|h+m+)(?![\w'-])(?!\s*huh)[,.]?", re.IGNORECASE
)
# "you know" / "I mean" / "like" used as fillers: set off by commas, or before a question word.
_FILLER_PHRASE = re.compile(
    r",\s*(?:you know|i mean|like)\s*(?=[,.?!]|$)|,\s*(?:you know|i mean|like),"
    r"|(?:^|(?<=[,.!?]\s))(?:you know|i mean|like),?\s"
    r"|\b(?:so|and|but|just|okay|ok|yeah|well)\s+like,?\s"
    r"|\blike,?\s(?=(?:what|how|why|when|where|who|which|do|does|did|are|is|have|has|can|could)\b)",
    re.IGNORECASE,
)
# "what-what", "I- I", "the the", "who's who have": a word said again after a cut-off.
_CUTOFF = re.compile(r"\b((?:[\w']+\s+){0,2}[\w']+)(?:-\s*|\s*-\s+|,?\s+)\1\b", re.IGNORECASE)
_CUT_WORD = re.compile(r"\b(\w+)-\s+(?=\w)")
_SPLIT_RESTART = re.compile(
    r"\b(?:who's|what's|how's|where's)\s+(?=(?:who|what|how|where)\b)", re.IGNORECASE
)
_LEAD = re.compile(
    r"^(?:(?:so|and|but|okay|ok|alright|all right|right|well|yeah|yes|oh|now|hey|um|uh|"
    r"oh man|man|see|anyway|anyways|then|i mean|you know|like|sorry|alright then)\b[,.!]?\s+)+",
    re.IGNORECASE,
)
_END = re.compile(r"(?<=[.!?])\s+")
# A question that starts inside an unpunctuated run: a question word with inversion or do-support,
# or an auxiliary followed by its subject ("have you eaten", "is he alone").
_QUESTION_INSIDE = re.compile(
    r"\b(?:(?:and|but|so|okay|ok)\s+)?(?:"
    r"(?:what|who|where|when|why|how|which)(?:'s|'re|'d|\s+(?:is|are|was|were|do|does|did|can|"
    r"could|would|will|should|have|has|had|happened|happens|else|about|if|kind|sort|time|made|"
    r"makes|brought|gets|long|much|many|come|old|often|far|usually|exactly|one|way|of))"
    r"|(?!(?:do|have|has|had) it\b)"
    r"(?:do|does|did|are|is|was|were|have|has|can|could|would|will|should)\s+(?:you|he|she|they|"
    r"we|it|there|anybody|anyone|somebody|your|his|her|their)"
    r")\b",
    re.IGNORECASE,
)
# After these words a question word starts an embedded clause ("tell me what", "figure out how").
_EMBEDDING = frozenset(
    "know knew tell told ask asked asking wonder wondering sure understand understood see saw "
    "about of on in at to for from with is was that explain show remember decide decided figure "
    "out matter care mean idea sense than or and but if whether just exactly no matter "
    "what who where when why how which it could would can will should don't didn't won't can't "
    "gonna wanna might must i you we they he she i'll ill we'll you'll i'd we'd".split()
)
_MIN_RUN_WORDS = 3
_WH = re.compile(r"^(?:what|who|where|when|why|how|which)\b", re.IGNORECASE)
_TAG = re.compile(r"^(?:do|don't) you think\b|^would you say\b", re.IGNORECASE)


def clean(text: str) -> str:
    """The text without fillers and restarts, spaces collapsed (case and punctuation kept)."""
    out = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2014", ", ")
    out = out.replace("\u2026", "...").replace("...", ",")
    for _ in range(3):
        before = out
        out = _HESITATION.sub(" ", out)
        out = _FILLER_PHRASE.sub(_keep_lead, out)
        out = _SPLIT_RESTART.sub("", out)
        out = _CUTOFF.sub(r"\1", out)
        out = _CUT_WORD.sub("", out)
        if out == before:
            break
    out = re.sub(r"\s+([,.!?])", r"\1", out)
    out = re.sub(r"([,.!?])(?:\s*,)+", r"\1", out)
    out = re.sub(r"^[\s,]+", "", out)
    return " ".join(out.split())


def _keep_lead(m: re.Match[str]) -> str:
    """Drop a filler phrase but keep the conjunction before "like" ("so like what" → "so what")."""
    lead = re.match(r"(so|and|but|just|okay|ok|yeah|well)\s+like", m.group(0), re.IGNORECASE)
    return f"{lead.group(1)} " if lead else (", " if m.group(0).startswith(",") else " ")


def strip_lead(sentence: str) -> str:
    """A sentence without its leading discourse markers ("so, um, okay and ...")."""
    s = sentence.strip(" ,")
    while True:
        t = _LEAD.sub("", s).strip(" ,")
        if t == s or not t:
            return s
        s = t


def _split_run(sentence: str) -> list[str]:
    """Split an unpunctuated run before a question that starts inside it."""
    parts: list[str] = []
    start = 0
    for m in _QUESTION_INSIDE.finditer(sentence):
        cut = m.start()
        head = sentence[start:cut].strip(" ,")
        words = head.split()
        if len(words) < _MIN_RUN_WORDS or words[-1].lower().strip(",") in _EMBEDDING:
            continue
        if _WH.match(strip_lead(head)) and len(words) <= _MIN_RUN_WORDS + 1:
            continue  # "so how long | have you been": one question, not two
        if len(sentence[cut:].split()) < 2 or _TAG.match(strip_lead(sentence[cut:])):
            continue
        parts.append(head)
        start = cut
    parts.append(sentence[start:].strip(" ,"))
    return [p for p in parts if p]


def sentences(text: str) -> list[str]:
    """The clean sentences of one turn: punctuation first, then questions inside run-ons."""
    cleaned = clean(text)
    out: list[str] = []
    for part in _END.split(cleaned):
        part = part.strip()
        if not part:
            continue
        for clause in _clauses(part):
            out.extend(_split_run(clause))
    return out or ([cleaned] if cleaned else [])


def _clauses(sentence: str) -> list[str]:
    """A sentence split at commas where a new question starts ("leave it be, what happens?")."""
    pieces = sentence.split(", ")
    out = [pieces[0]]
    for piece in pieces[1:]:
        lead = strip_lead(piece)
        starts_question = (
            bool(_QUESTION_INSIDE.match(lead))
            and not _TAG.match(lead)
            and len(out[-1].split()) >= _MIN_RUN_WORDS
        )
        if starts_question and out[-1].split()[-1].lower() not in _EMBEDDING:
            out[-1] = out[-1].rstrip(",") + ","
            out.append(piece)
        else:
            out[-1] = f"{out[-1]}, {piece}"
    return out
