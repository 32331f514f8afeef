"""The documentation's sample review, from a scripted session through the real state machine.

``python -m appliance.review.sample [DIR]`` (default ``docs/``) plays a scripted officer on the
``overpass_voices`` card: every officer line goes through the real dialogue analysis (with what
Elliot said before it) and the card's agitation state machine, which decides agitation, stage,
rapport and the outcome; the card's ``truck_horn`` inject fires once. Elliot's replies are
scripted here (live, the card's dialogue bank answers in the stage the machine is in). It writes
``sample_transcript.json``, ``sample_review.json`` and ``sample_review.html``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from appliance.dialogue.acts import ACTS
from appliance.dialogue.analysis import UtteranceAnalyzer, default_analyzer
from appliance.persona.scenario import load_scenario
from appliance.persona.subject import PersonaEngine
from appliance.review.html import render_html
from appliance.review.report import review_transcript
from appliance.transcript import OFFICER, SUBJECT, Turn, TurnAnalysis

SCENARIO = "overpass_voices"
OFFICER_ID = {"id": "APD-4471", "name": "Officer Sam Ortiz"}
STARTED_AT = "2026-11-22T21:46:00Z"
WORDS_PER_SECOND = {OFFICER: 2.4, SUBJECT: 2.0}
GAP_S = {OFFICER: 1.6, SUBJECT: 2.4}  # pause after the officer speaks, after the subject speaks
CALM = {"rms_dbfs": -24.0}
RAISED = {"rms_dbfs": -14.5}

# (speaker, text, delivery) in order; "inject" rows fire a card inject before the next line.
SCRIPT: tuple[tuple[str, str, dict[str, float] | None], ...] = (
    (
        OFFICER,
        "Hey. Hey, I'm- I'm gonna stay right here by the car, okay? My name's Sam, I'm "
        "with county police. Somebody driving by called because they were worried about you.",
        CALM,
    ),
    (SUBJECT, "Don't come any closer. I mean it.", None),
    (OFFICER, "I'm not coming any closer. Um, what should I call you?", CALM),
    (SUBJECT, "Elliot.", None),
    (OFFICER, "Elliot. Okay. So what's, uh, what's going on tonight?", CALM),
    (SUBJECT, "They won't stop. The voices. They keep saying everybody'd be better off.", None),
    (OFFICER, "They're telling you everyone would be better off without you.", CALM),
    (SUBJECT, "Yeah. And maybe they're right.", None),
    (OFFICER, "Elliot, are you thinking about killing yourself tonight?", CALM),
    (SUBJECT, "I came up here, didn't I.", None),
    (OFFICER, "Part of you came up here to end it. And part of you is still talking to me.", CALM),
    (SUBJECT, "I don't know. I'm just so tired.", None),
    ("inject", "truck_horn", None),
    (SUBJECT, "What was that? Everything's so loud.", None),
    (
        OFFICER,
        "Okay I need you to step back from the railing now, because if you don't, I'll "
        "have to call the team in and they'll pull you down.",
        RAISED,
    ),
    (SUBJECT, "No! Don't you touch me! Stay back!", None),
    (
        OFFICER,
        "Okay. Okay, I'm sorry. Nobody's coming to grab you. I'm staying right here. "
        "Take your time.",
        CALM,
    ),
    (SUBJECT, "That's what they said last time. Then they tackled me.", None),
    (OFFICER, "You've been grabbed before, and you're scared it's gonna happen again.", CALM),
    (SUBJECT, "Yeah.", None),
    (OFFICER, "That makes sense. Anybody would be scared after that.", CALM),
    (SUBJECT, "I lost my job. I couldn't pay for my meds. And now this.", None),
    (
        OFFICER,
        "So you lost the job, you couldn't afford the meds, and the voices came back. "
        "And you've been carrying all of it by yourself.",
        CALM,
    ),
    (SUBJECT, "My sister doesn't even know. Maya.", None),
    (OFFICER, "Maya doesn't know. What do you think she'd want right now?", CALM),
    (SUBJECT, "She'd want me to come home. She'd be so mad at me.", None),
    (OFFICER, "She'd want you home. You care about her a lot.", CALM),
    (SUBJECT, "She's all I've got.", None),
    (OFFICER, "There's no rush, Elliot. Whatever happens next, we do it at your pace.", CALM),
    (SUBJECT, "Okay.", None),
    (
        OFFICER,
        "Would you be willing to step over to this side of the rail and sit with me by "
        "the car, or would you rather we call Maya together first?",
        CALM,
    ),
    (SUBJECT, "Call Maya. Then maybe I'll come over.", None),
    (
        OFFICER,
        "Okay. We can call her together, and then the ambulance folks can help with the "
        "voices, only if you want that. You're the one deciding here.",
        CALM,
    ),
    (SUBJECT, "Okay. Okay, I'll come over.", None),
)


def _kept(analyzer: UtteranceAnalyzer, text: str, heard: list[str], name: str) -> TurnAnalysis:
    a = analyzer.analyze(text, subject_name=name, heard=heard[-3:])
    return TurnAnalysis(
        tuple(x for x in ACTS if x in a.acts), a.words, tuple(sorted(a.cues)), a.scores
    )


def play(analyzer: UtteranceAnalyzer | None = None) -> dict[str, Any]:
    """The scripted session's transcript JSON, as a live session stores it."""
    analyzer = analyzer or default_analyzer()
    card = load_scenario(SCENARIO)
    persona = PersonaEngine(card)
    turns: list[Turn] = []
    heard: list[str] = []
    t = 2.0
    for speaker, text, delivery in SCRIPT:
        if persona.outcome is not None:
            break
        if speaker == "inject":
            persona.apply_inject(text, t)
            t += 2.0
            continue
        duration = round(max(0.8, len(text.split()) / WORDS_PER_SECOND[speaker]), 2)
        start, end = round(t, 2), round(t + duration, 2)
        if speaker == OFFICER:
            features = {
                **(delivery or {}),
                "words_per_minute": round(len(text.split()) / duration * 60, 1),
            }
            analysis = _kept(analyzer, text, heard, card.subject.name)
            turns.append(Turn(len(turns), OFFICER, start, end, text, features, False, analysis))
            persona.officer_turn(analysis.acts, t=end, features=features)
        else:
            heard.append(text)
            turns.append(Turn(len(turns), SUBJECT, start, end, text))
            persona.tick(end)
        t = end + GAP_S[speaker]
    return {
        "session_id": "Sample0verpass",
        "scenario_id": SCENARIO,
        "officer": OFFICER_ID,
        "subject": {"name": card.subject.name},
        "started_at": STARTED_AT,
        "turns": [x.to_json() for x in turns],
        "state_timeline": list(persona.state_timeline),
        "events": list(persona.events),
        "outcome": persona.outcome or "ended",
        "ended_at_s": round(t, 2),
    }


def write(directory: Path, analyzer: UtteranceAnalyzer | None = None) -> None:
    """Write the sample transcript, its review JSON and its review page into ``directory``."""
    transcript = play(analyzer)
    weights = load_scenario(SCENARIO).competency_weights or None
    review = review_transcript(transcript, weights=weights, analyzer=analyzer)
    for name, data in (("sample_transcript", transcript), ("sample_review", review.to_json())):
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        (directory / f"{name}.json").write_text(text, encoding="utf-8")
    (directory / "sample_review.html").write_text(render_html(review), encoding="utf-8")


def main(argv: list[str]) -> int:
    """Write the samples (into ``argv[0]`` or ``docs/``) and print the outcome."""
    directory = Path(argv[0]) if argv else Path(__file__).parents[2] / "docs"
    write(directory)
    data = json.loads((directory / "sample_review.json").read_text(encoding="utf-8"))
    print(f"wrote the sample into {directory}: {data['outcome']['summary']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
