"""The shared utterance-analysis module, with the real embedding model."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from appliance.dialogue.analysis import ACTS, UtteranceAnalysis, UtteranceAnalyzer
from appliance.dialogue.training.evaluate import evaluate

VOCAB = (
    "open_question",
    "closed_question",
    "reflection_simple",
    "reflection_complex",
    "emotion_label",
    "validation",
    "summary",
    "minimal_encourager",
    "introduction",
    "reason_for_contact",
    "explanation",
    "options",
    "reassurance",
    "safety_question",
    "assessment_question",
    "slowing_language",
    "name_use",
    "handoff",
    "command",
    "threat",
    "countdown",
    "minimizing",
    "disrespect",
)


def test_vocabulary_is_the_contract() -> None:
    assert ACTS == VOCAB


def test_result_is_frozen(analyzer: UtteranceAnalyzer) -> None:
    a = analyzer.analyze("What's been going on tonight?")
    assert isinstance(a, UtteranceAnalysis) and a.words == 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.words = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What's been going on for you tonight?", {"open_question"}),
        (
            "It sounds like you've been carrying this by yourself for a long time.",
            {"reflection_complex"},
        ),
        ("You sound really scared right now.", {"emotion_label"}),
        ("Are you thinking about killing yourself?", {"closed_question", "safety_question"}),
        ("When did you last take your medication?", {"assessment_question"}),
        ("You can sit in my car or stay on the curb, it's up to you.", {"options"}),
        ("Get on the ground now!", {"command"}),
        ("Drop the knife or I'll shoot.", {"threat"}),
        ("I'd like you to meet Dana, she's a clinician who works with us.", {"handoff"}),
    ],
)
def test_typical_acts(analyzer: UtteranceAnalyzer, text: str, expected: set[str]) -> None:
    assert expected <= analyzer.analyze(text).acts


@pytest.mark.parametrize(
    "text",
    [
        "You sound frustrated, Mr. Wilson.",
        "You're welcome to keep filming, that's your right.",
        "You seem really angry about how this went.",
        "It's okay to be upset about that.",
    ],
)
def test_labels_and_validation_are_never_read_as_disrespect_or_threat(
    analyzer: UtteranceAnalyzer, text: str
) -> None:
    acts = analyzer.analyze(text, subject_name="Mr. Wilson").acts
    assert not acts & {"disrespect", "threat"}, acts


@pytest.mark.parametrize("text", ["Stop whining, it's a traffic stop.", "Grow up, man."])
def test_belittling_words_are_disrespect(analyzer: UtteranceAnalyzer, text: str) -> None:
    assert "disrespect" in analyzer.analyze(text).acts


def test_name_use_with_subject_name(analyzer: UtteranceAnalyzer) -> None:
    assert "name_use" in analyzer.analyze("Daniel, I'm right here.", subject_name="Daniel").acts
    assert "name_use" not in analyzer.analyze("I'm right here.", subject_name="Daniel").acts


def test_empty_and_odd_text(analyzer: UtteranceAnalyzer) -> None:
    assert analyzer.analyze("").acts == frozenset()
    assert analyzer.analyze("   ").words == 0
    odd = analyzer.analyze("¿¿Estás bien?? 😀 … — okay!!")
    assert odd.words > 0 and odd.acts <= set(ACTS)


def test_deterministic_and_thread_safe(analyzer: UtteranceAnalyzer) -> None:
    texts = [
        "You sound exhausted.",
        "Show me your hands!",
        "Take your time.",
        "What happened after she left?",
    ] * 4
    serial = analyzer.analyze_many(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(analyzer.analyze, texts))
    assert [a.acts for a in serial] == [a.acts for a in parallel]
    assert [a.acts for a in serial] == [a.acts for a in analyzer.analyze_many(texts)]


def test_held_out_precision_and_recall_are_sane(analyzer: UtteranceAnalyzer) -> None:
    scores = evaluate(analyzer)
    tp = sum(s.true_positive for s in scores)
    precision = tp / sum(s.predicted for s in scores)
    recall = tp / sum(s.support for s in scores)
    assert precision >= 0.7 and recall >= 0.75
    for s in scores:
        if s.support >= 3:
            assert s.recall is not None and s.recall >= 0.3, s.act
    # The rule-backed acts that trigger hard caps must be precise.
    by_act = {s.act: s for s in scores}
    for act in ("threat", "countdown", "minimizing", "command"):
        p = by_act[act].precision
        assert p is not None and p >= 0.85, act


def test_a_loaded_analyzer_embeds_only_what_was_said(monkeypatch: pytest.MonkeyPatch) -> None:
    # The harsh-meaning and coercion prototypes (~100 sentences, about 0.5 s) are embedded at
    # load: the first live turn that reads a sentence by meaning does not wait for them.
    analyzer = UtteranceAnalyzer.load()
    embedded: list[str] = []
    encode = analyzer.encoder.encode
    monkeypatch.setattr(
        analyzer.encoder, "encode", lambda text: embedded.append(text) or encode(text)
    )
    analyzer.analyze("Nobody is in trouble here. I just want to make sure everybody is safe.")
    assert embedded  # the sentences were read by meaning
    assert len(embedded) <= 8, embedded  # the utterance, its sentences and clauses: no prototypes
