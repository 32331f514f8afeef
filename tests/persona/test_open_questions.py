"""An officer who asks the subject to tell their day gets the card's own account, not confusion."""

from __future__ import annotations

import pytest

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.persona.lines import Heard, LineChooser
from appliance.persona.scenario import Scenario, list_scenarios
from appliance.persona.vocabulary import SUBJECT

ASKED = (
    "Tell me everything that happened to you today, from the moment you woke up.",
    "so walk me through your day",
)
# What a subject tells when asked: what is going on, or the crisis behind it. The bar and the
# store cards answer "walk me through" from their own topics (leaving, the eviction).
ACCOUNT = {"whats_going_on", "crisis"}
CARDS = [
    s
    for s in list_scenarios()
    if s.id not in {"bar_intoxicated", "store_disorderly"}
    and s.dialogue is not None
    and any(t.id == "whats_going_on" for t in s.dialogue.characters[SUBJECT].topics)
]


@pytest.mark.parametrize("card", CARDS, ids=lambda s: s.id)
@pytest.mark.parametrize("text", ASKED)
def test_asked_about_the_day_the_subject_tells_what_is_going_on(
    card: Scenario, text: str, analyzer: UtteranceAnalyzer
) -> None:
    a = analyzer.analyze(text, subject_name=card.subject.name)
    lines = LineChooser(card, analyzer.encoder, seed="s", threshold=0.5)
    got = lines.choose(SUBJECT, "guarded", Heard(text, a.acts, a.embeddings))
    assert got is not None and got.topic in ACCOUNT, (card.id, got)
