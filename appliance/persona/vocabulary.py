"""Fixed names shared by scenario cards, the state machine and the review engine."""

from __future__ import annotations

from appliance.review.act_vocabulary import ACTS

# Dialogue acts the utterance analysis tags on an officer turn: one list, owned by the review
# engine's analysis module, which the persona engine shares.
DIALOGUE_ACTS: tuple[str, ...] = ACTS

# Agitation stages, lowest first; a card sets the agitation at which each one after calm begins.
STAGES: tuple[str, ...] = ("calm", "guarded", "agitated", "hostile", "peak")

# How a session with the subject can end.
OUTCOMES: tuple[str, ...] = ("resolved", "disengaged", "failed", "time_limit")

# Competency ids of the review rubric (DESIGN.md, "Review: competencies").
COMPETENCIES: tuple[str, ...] = (
    "opening_legitimacy",
    "active_listening",
    "empathy",
    "respect_dignity",
    "directive_clarity",
    "time_pacing",
    "crisis_assessment",
    "options_resolution",
)

SUBJECT = "subject"
OFFICER = "officer"
