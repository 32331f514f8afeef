"""The eight competency scorers: each turns the context into a draft of points, caps and quotes.

Active listening and empathy, scored on the MITI session measures, are in ``listening.py``.

Each competency starts from a base score, adds or subtracts points for what the officer did
(every factor names its reason and turns), and is then capped where a hard rule applies (a
threat, slur or command in the first 45 words, a countdown, ...). Caps only fire on a *rule*
hit, never on a classifier guess alone; a classifier-only hit costs half the points.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from appliance.review.draft import Cap, Context, Draft
from appliance.review.evidence import suggest
from appliance.review.listening import active_listening, empathy
from appliance.transcript import Transcript


def _per(count: int, each: int, most: int) -> int:
    return max(-most, min(most, count * each)) if each < 0 else min(most, count * each)


def _suggest_for(kind: str, transcript: Transcript, turn: int) -> str:
    return suggest(kind, transcript, turn)


def _penalize(
    d: Draft,
    ctx: Context,
    act: str,
    each: int,
    most: int,
    label: str,
    *,
    probable: bool = True,
    weight: int = 9,
) -> list[int]:
    """Full points for rule hits, half for classifier-only hits; returns the rule-hit turns."""
    sure = ctx.by_rule(act)
    maybe = [i for i in ctx.with_act(act) if i not in sure] if probable else []
    d.add(-_per(len(sure), each, most), f"{label} ({len(sure)}×)", sure)
    d.add(-_per(len(maybe), each // 2, most // 2), f"probable {label} ({len(maybe)}×)", maybe)
    d.cite(sure, False, weight, label, (act,), lambda i: suggest(act, ctx.transcript, i))
    d.cite(maybe, False, 6, f"probable {label}", (act,), lambda i: suggest(act, ctx.transcript, i))
    return sure


def _opening(ctx: Context) -> Draft:
    d = Draft(40)
    op = ctx.metrics.opening
    early = set(op.turns)
    intro = ctx.with_act("introduction")
    if early & set(intro):
        d.add(20, "introduced yourself in the first 45 words", sorted(early & set(intro)))
    elif intro:
        d.add(8, "introduced yourself, but after the first 45 words", intro[:1])
    else:
        d.add(-10, "never gave your name or agency")
    reason = ctx.with_act("reason_for_contact")
    first_turns = sorted(ctx.acts)[:4]
    if set(reason) & set(first_turns):
        d.add(15, "said why you were there in your first turns", reason[:1])
    elif reason:
        d.add(5, "said why you were there, but late", reason[:1])
    asked_name = [
        i
        for i in first_turns[:6]
        if "name" in ctx.transcript.turns[i].text.lower()
        and {"closed_question", "open_question"} & ctx.acts[i].acts
    ]
    named = [i for i in ctx.with_act("name_use") if i in first_turns]
    if asked_name or named:
        d.add(10, "asked for or used the person's name early", (asked_name or named)[:1])
    if {"open_question", "reassurance", "slowing_language"} & op.acts:
        d.add(5, "opening set a calm, non-controlling tone", op.turns[:1])
    d.cite(sorted(early & set(intro)) or intro[:1], True, 8, "introduction", ("introduction",))
    d.cite(reason[:1], True, 7, "reason for contact", ("reason_for_contact",))
    d.cite((asked_name or named)[:1], True, 5, "asked for the person's name", ("name_use",))
    for act, level, label in (
        ("threat", 1, "a threat"),
        ("disrespect", 2, "an insult or slur"),
        ("command", 2, "a command"),
        ("countdown", 1, "a countdown"),
    ):
        hits = [i for i in op.turns if f"rule:{act}" in ctx.acts[i].cues]
        if hits:
            d.add(-20, f"{label} in the first 45 words", hits)
            d.caps.append(Cap(level, f"{label} in the first 45 words"))
            d.cite(
                hits,
                False,
                10,
                f"{label} in the first 45 words",
                (act,),
                functools.partial(_suggest_for, act, ctx.transcript),
            )
    return d


def _respect(ctx: Context) -> Draft:
    d = Draft(55)
    names = ctx.with_act("name_use")
    reass = ctx.with_act("reassurance")
    d.add(
        12 if len(names) >= 2 else 6 if names else 0, "used the person's name or sir/ma'am", names
    )
    d.add(_per(len(reass), 5, 15), "reassured the person", reass)
    if ctx.with_act("safety_question"):
        d.add(5, "showed concern for the person's safety", ctx.with_act("safety_question")[:1])
    # Disrespect is judged on the word rules only: a classifier guess is too weak to blame someone.
    # An insult is the clearest respect slip to quote, ahead of a threat (cited elsewhere too).
    rude = _penalize(
        d,
        ctx,
        "disrespect",
        20,
        40,
        "insult, profanity or dismissive address",
        probable=False,
        weight=10,
    )
    threats = _penalize(d, ctx, "threat", 15, 30, "threat")
    early = set(ctx.metrics.opening.turns)
    if rude:
        severe = len(rude) >= 2 or bool(set(rude) & early)
        d.caps.append(Cap(1 if severe else 2, "insult, slur, profanity or informal title"))
    if threats:
        d.caps.append(Cap(2, "threatened the person"))
    d.cite(names, True, 7, "respectful address", ("name_use",))
    d.cite(reass, True, 8, "reassurance", ("reassurance",))
    return d


def _directive(ctx: Context) -> Draft:
    d = Draft(55)
    commands = ctx.with_act("command")
    reasoned = [
        i
        for i in commands
        if "gives_reason" in ctx.acts[i].cues or ctx.acts[i].acts & {"options", "explanation"}
    ]
    bare = [i for i in commands if i not in reasoned]
    options = ctx.with_act("options")
    stacked = ctx.with_cue("stacked_commands")
    d.add(_per(len(reasoned), 6, 12), "requests came with a reason or a choice", reasoned)
    d.add(_per(len(options), 6, 18), "offered options", options)
    d.add(-_per(max(0, len(bare) - 1), 4, 20), f"{len(bare)} bare commands without a reason", bare)
    d.add(-_per(len(stacked), 6, 18), "stacked several commands in one breath", stacked)
    officer = sorted(ctx.acts)
    runs = [
        officer[k + 2]
        for k in range(len(officer) - 2)
        if all("command" in ctx.acts[officer[k + j]].acts for j in range(3))
    ]
    d.add(-10 if runs else 0, "repeated commands turn after turn", runs[:3])
    if not commands and options:
        d.add(10, "got cooperation by invitation, without commands")
    threats = _penalize(d, ctx, "threat", 15, 30, "threat or ultimatum")
    counts = _penalize(d, ctx, "countdown", 15, 30, "countdown or last warning")
    if threats or counts:
        d.caps.append(Cap(2, "threat, ultimatum or countdown"))
    d.cite(reasoned, True, 8, "request with a reason", ("command", "explanation"))
    d.cite(options, True, 7, "offered a choice", ("options",))
    d.cite(
        stacked,
        False,
        8,
        "stacked commands",
        ("command",),
        lambda i: suggest("stacked", ctx.transcript, i),
    )
    d.cite(
        bare,
        False,
        5,
        "bare command",
        ("command",),
        lambda i: suggest("command", ctx.transcript, i),
    )
    return d


def _pacing(ctx: Context) -> Draft:
    d = Draft(45)
    m = ctx.metrics
    slow = ctx.with_act("slowing_language")
    d.add(_per(len(slow), 8, 24), "slowing language", slow)
    if m.wpm_trend is not None:
        if m.wpm_trend <= 5:
            d.add(6, f"speaking rate steady or falling ({m.wpm_trend:+.0f} wpm)")
        elif m.wpm_trend > 15:
            d.add(-8, f"speaking rate climbed {m.wpm_trend:+.0f} wpm")
    if m.loudness_trend_db is not None:
        if m.loudness_trend_db <= 1:
            d.add(4, f"volume steady or falling ({m.loudness_trend_db:+.1f} dB)")
        elif m.loudness_trend_db > 3:
            d.add(-8, f"volume climbed {m.loudness_trend_db:+.1f} dB")
    if m.words_per_minute is not None and m.words_per_minute > 185:
        d.add(-6, f"fast average rate ({m.words_per_minute:.0f} wpm)")
    if m.median_pause_after_emotion_s is not None and m.median_pause_after_emotion_s >= 1.0:
        d.add(6, f"paused {m.median_pause_after_emotion_s:.1f} s (median) after emotional turns")
    counts = _penalize(d, ctx, "countdown", 15, 30, "deadline or countdown")
    if counts:
        d.caps.append(Cap(2, "imposed a deadline or countdown"))
    d.cite(slow, True, 9, "slowing language", ("slowing_language",))
    return d


def _assessment(ctx: Context) -> Draft:
    d = Draft(35)
    safety = ctx.with_act("safety_question")
    assess = ctx.with_act("assessment_question")
    words = ("kill", "suicid", "end your life", "hurt yourself", "jump", "hurting yourself")
    suicide = [i for i in safety if any(w in ctx.transcript.turns[i].text.lower() for w in words)]
    if safety:
        d.add(20, "asked directly about safety", safety[:1])
    if ctx.scenario.suicide_risk:
        if suicide:
            d.add(5, "asked directly about suicide", suicide[:1])
        else:
            d.add(-10, "did not ask directly about suicide in a suicide-risk call")
    d.add(_per(len(assess), 6, 18), "assessed meds, substances, history or supports", assess)
    asked = sorted(safety + assess)
    if (
        len(asked) >= 2
        and ctx.transcript.turns[asked[-1]].start - ctx.transcript.turns[asked[0]].start >= 60
    ):
        d.add(8, "re-assessed later in the call", asked[-1:])
    labels = ctx.with_cue("diagnostic_label")
    if labels:
        d.add(-15, "labelled or diagnosed the person", labels)
        d.caps.append(Cap(3, "labelled or diagnosed the person"))
    if not safety and not assess:
        d.caps.append(Cap(2, "no safety or assessment questions"))
    d.cite(suicide or safety, True, 9, "direct safety question", ("safety_question",))
    d.cite(assess, True, 7, "assessment question", ("assessment_question",))
    d.cite(
        labels,
        False,
        9,
        "labelled or diagnosed the person",
        (),
        lambda i: suggest("diagnostic_label", ctx.transcript, i),
    )
    return d


def _options(ctx: Context) -> Draft:
    d = Draft(40)
    options = ctx.with_act("options")
    explain = ctx.with_act("explanation")
    handoff = ctx.with_act("handoff")
    d.add(_per(len(options), 8, 24), "offered choices", options)
    d.add(_per(len(explain), 4, 12), "explained next steps", explain)
    officer = sorted(ctx.acts)
    late = set(officer[len(officer) * 2 // 3 :])
    if set(ctx.with_act("summary")) & late:
        d.add(6, "summarised the plan near the end", sorted(set(ctx.with_act("summary")) & late))
    clinician = ctx.scenario.clinician_on_scene or "clinician" in ctx.transcript.speakers
    if clinician:
        if handoff:
            d.add(20, "introduced and handed off to the clinician", handoff[:2])
        else:
            d.add(-15, "never handed off to the clinician on scene")
            d.caps.append(Cap(3, "no hand-off to the clinician on scene"))
    elif handoff:
        d.add(8, "brought in other support", handoff[:1])
    end = officer[-3:]
    forced = [i for i in end if ctx.acts[i].acts & {"threat", "countdown"}]
    d.add(-10 if forced else 0, "ended with threats or countdowns", forced)
    if not options and not handoff:
        d.caps.append(Cap(3, "no options offered"))
    d.cite(handoff, True, 10, "hand-off", ("handoff",))
    d.cite(options, True, 8, "offered a choice", ("options",))
    d.cite(explain, True, 5, "explained next steps", ("explanation",))
    d.cite(forced, False, 9, "ended with force", (), lambda i: suggest("threat", ctx.transcript, i))
    return d


SCORERS: dict[str, Callable[[Context], Draft]] = {
    "opening_legitimacy": _opening,
    "active_listening": active_listening,
    "empathy": empathy,
    "respect_dignity": _respect,
    "directive_clarity": _directive,
    "time_pacing": _pacing,
    "crisis_assessment": _assessment,
    "options_resolution": _options,
}
