"""The ids of the eight review competencies, in rubric order: the one list every module shares."""

from __future__ import annotations

# docs/ARCHITECTURE.md, "Review: competencies". The rubric (appliance/review/rubric.py) gives each
# its record.
COMPETENCY_IDS: tuple[str, ...] = (
    "opening_legitimacy",
    "active_listening",
    "empathy",
    "respect_dignity",
    "directive_clarity",
    "time_pacing",
    "crisis_assessment",
    "options_resolution",
)
