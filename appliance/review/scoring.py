"""Competency scoring: explainable point factors on a base, hard caps, then evidence quotes.

The scorers (``scorers.py``) draft each competency; this module totals, caps and picks the
quotes. Pure functions of the transcript and its acts, so the same transcript always gets the
same scores.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from appliance.review.distance import distance_factors
from appliance.review.draft import CompetencyResult, Context
from appliance.review.evidence import select, to_evidence
from appliance.review.rubric import BY_ID, COMPETENCIES, ceiling_for, level_for
from appliance.review.scorers import SCORERS

__all__ = ["CompetencyResult", "Context", "score_competencies"]


def score_competencies(ctx: Context, weights: Mapping[str, float]) -> tuple[CompetencyResult, ...]:
    """All eight competencies, in rubric order."""
    out = []
    for comp in COMPETENCIES:
        d = SCORERS[comp.id](ctx)
        d.factors.extend(distance_factors(comp.id, ctx.transcript))
        raw = max(0, min(100, d.base + sum(f.points for f in d.factors)))
        capped = min([raw] + [ceiling_for(c.max_level) for c in d.caps])
        level = level_for(capped)
        # Among equally strong quotes, show the clearest example (highest act probability).
        # A turn that talked over the person is never held up as a good example.
        rated = [
            dataclasses.replace(
                c,
                confidence=max(
                    (dict(ctx.acts[c.turn].scores).get(a, 0.0) for a in c.acts), default=0.0
                ),
            )
            for c in d.candidates
            if not (c.positive and c.turn in ctx.metrics.interruptions)
        ]
        chosen = select(rated, prefer_negative=level <= 2)
        evidence = tuple(to_evidence(c, ctx.transcript, BY_ID[comp.id].framework) for c in chosen)
        out.append(
            CompetencyResult(
                comp.id,
                comp.title,
                comp.framework,
                capped,
                level,
                comp.anchors[level - 1],
                float(weights.get(comp.id, 1.0)),
                tuple(d.factors),
                tuple(d.caps),
                evidence,
            )
        )
    return tuple(out)
