"""The eight competencies: titles, written 1–5 anchors, the framework each draws on, score bands.

Frameworks are credited, not claimed: CIT (Memphis model), PERF ICAT and its Critical
Decision-Making Model, the FBI Behavioral Change Stairway Model (BCSM), LEED, tactical
communication, co-responder models and MITI coding. No endorsement by their authors is implied.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.competencies import COMPETENCY_IDS

FRAMEWORK_CREDIT = (
    "Draws on CIT (Memphis model), PERF ICAT and its Critical Decision-Making Model, the FBI "
    "Behavioral Change Stairway Model, LEED, tactical communication, co-responder models and MITI "
    "coding. Credited for reference only; no endorsement by their authors is implied."
)
DISCLAIMER = "Practice feedback, not a fitness-for-duty determination."


@dataclass(frozen=True)
class Competency:
    """One competency: id, title, framework element, and what each level 1–5 looks like."""

    id: str
    title: str
    framework: str
    anchors: tuple[str, str, str, str, str]


COMPETENCIES: tuple[Competency, ...] = (
    Competency(
        "opening_legitimacy",
        "Opening and legitimacy",
        "LEED (Listen, Explain) · procedural justice",
        (
            "Opened with a command, threat or insult; no name, agency or reason given.",
            "Some identification, but the opening led with control (a command in the first 45 "
            "words) or left out why you were there.",
            "Gave name or agency and some reason for contact, but late or incomplete.",
            "Introduced yourself and the reason for contact early; asked or used the person's "
            "name.",
            "Name, agency and reason in the first breath, asked the person's name, and set a calm, "
            "non-controlling tone before any request.",
        ),
    ),
    Competency(
        "active_listening",
        "Active listening",
        "MITI (reflections, R:Q) · BCSM: active listening",
        (
            "Mostly questions and talking; interrupted; no reflections.",
            "Few reflections (R:Q well under 1), mostly closed questions, did most of the talking.",
            "Some reflections and open questions; R:Q near 1; occasional interruptions.",
            "R:Q at or above 1, mostly open questions, a summary, let the person finish.",
            "R:Q of 2 or more with complex reflections and summaries, open questions, no "
            "interruptions, and the person did most of the talking.",
        ),
    ),
    Competency(
        "empathy",
        "Empathy and emotion labelling",
        "BCSM: empathy · CIT: validation",
        (
            'Dismissed or argued with the person\'s feelings ("calm down", "it\'s not that bad").',
            "Rarely acknowledged feelings; some minimising.",
            "Acknowledged feelings at times, without naming them or following up.",
            "Named emotions and validated them; no minimising.",
            "Consistently labelled emotions, validated, used complex reflections, and gave space "
            "after emotional moments.",
        ),
    ),
    Competency(
        "respect_dignity",
        "Respect and dignity",
        "LEED (Equity, Dignity) · procedural justice",
        (
            "Insults, slurs, profanity at the person or threats.",
            'Dismissive or informal address ("buddy", "hon"), or a threat.',
            "Neutral and polite, little active respect.",
            "Used the person's name or sir/ma'am, reassured, showed concern for safety.",
            "Respectful throughout: name or formal address, reassurance, concern for the person's "
            "safety and dignity in every request.",
        ),
    ),
    Competency(
        "directive_clarity",
        "Directive clarity",
        "Tactical communication · ICAT CDM: act and review",
        (
            "Stacked, repeated or escalating commands with threats, ultimatums or countdowns.",
            "Repeated bare commands without reasons; a threat or countdown.",
            "Requests mostly single and clear, some without a reason or choice.",
            "Single requests with a reason, options offered, no threats.",
            "Few, clear, single requests each with a reason and a choice, checked for "
            "understanding; no ultimatums or countdowns.",
        ),
    ),
    Competency(
        "time_pacing",
        "Time and pacing",
        "ICAT: time and distance · CIT: slow it down",
        (
            "Imposed deadlines or countdowns; rate and volume climbing.",
            "Rushed the person; rising rate or volume; little space after emotional moments.",
            "Steady pace, but no explicit slowing language.",
            "Used slowing language; steady or falling rate and volume.",
            'Repeatedly took time pressure off ("take your time", "I\'m staying right here"), '
            "paused after emotional turns, and slowed down as things got tense.",
        ),
    ),
    Competency(
        "crisis_assessment",
        "Crisis recognition and assessment",
        "CIT: risk assessment · ICAT CDM: gather information",
        (
            "No safety or risk questions; labelled or diagnosed the person.",
            "Little assessment; missed the safety question the situation called for.",
            "Some assessment (substances, supports) but no direct safety question, or vice versa.",
            "Asked directly about safety (suicide, weapons, injuries) and about meds, "
            "substances or supports.",
            "Direct safety questions plus a broad assessment, re-assessed after changes, and "
            "never labelled or diagnosed.",
        ),
    ),
    Competency(
        "options_resolution",
        "Options, resolution and hand-off",
        "BCSM: influence, behavioural change · co-responder model",
        (
            "No options; ended with force or threats; ignored available help.",
            "Told rather than offered; no plan explained.",
            "Offered an option or explained next steps, but no shared plan.",
            "Offered choices and explained next steps; handed off when help was on scene.",
            "Built a plan with the person from real choices, explained each step, summarised it, "
            "and introduced and yielded to the clinician or other support.",
        ),
    ),
)
if tuple(c.id for c in COMPETENCIES) != COMPETENCY_IDS:
    raise RuntimeError("the rubric's competencies differ from appliance.competencies")
BY_ID: dict[str, Competency] = {c.id: c for c in COMPETENCIES}

# Score bands: level n covers [LEVEL_FLOOR[n], next floor).
LEVEL_FLOOR = {1: 0, 2: 30, 3: 50, 4: 70, 5: 85}


def level_for(score: int) -> int:
    """The 1–5 level of a 0–100 score."""
    return max(lvl for lvl, floor in LEVEL_FLOOR.items() if score >= floor)


def ceiling_for(level: int) -> int:
    """The highest score a capped level allows."""
    return 100 if level >= 5 else LEVEL_FLOOR[level + 1] - 1
