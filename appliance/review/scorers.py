"""The eight competency scorers: each turns the context into a draft of points, caps and quotes.

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
from appliance.transcript import Transcript


def _per(count: int, each: int, most: int) -> int:
    return max(-most, min(most, count * each)) if each < 0 else min(most, count * each)


def _suggest_for(kind: str, transcript: Transcript, turn: int) -> str:
    return suggest(kind, transcript, turn)


def _penalize(
    d: Draft, ctx: Context, act: str, each: int, most: int, label: str, *, probable: bool = True
) -> list[int]:
    """Full points for rule hits, half for classifier-only hits; returns the rule-hit turns."""
    sure = ctx.by_rule(act)
    maybe = [i for i in ctx.with_act(act) if i not in sure] if probable else []
    d.add(-_per(len(sure), each, most), f"{label} ({len(sure)}×)", sure)
    d.add(-_per(len(maybe), each // 2, most // 2), f"probable {label} ({len(maybe)}×)", maybe)
    d.cite(sure, False, 9, label, (act,), lambda i: suggest(act, ctx.transcript, i))
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


def _active_listening(ctx: Context) -> Draft:
    d = Draft(45)
    m = ctx.metrics
    refl = [i for i, a in ctx.acts.items() if a.acts & {"reflection_simple", "reflection_complex"}]
    rq = m.reflection_to_question
    if rq is None:
        d.add(12 if refl else 0, "reflected without needing questions", refl[:1])
    elif rq >= 2:
        d.add(20, f"reflection-to-question ratio {rq:.1f} (MITI good: ≥ 2)")
    elif rq >= 1:
        d.add(12, f"reflection-to-question ratio {rq:.1f} (MITI fair: ≥ 1)")
    elif rq >= 0.5:
        d.add(4, f"reflection-to-question ratio {rq:.1f} (below 1)")
    elif m.questions >= 3:
        d.add(-10, f"reflection-to-question ratio {rq:.1f}: mostly questions, few reflections")
    pct = m.percent_open_questions
    if pct is not None and m.questions >= 2:
        if pct >= 50:
            d.add(8, f"{pct:.0f}% of questions were open")
        elif pct < 25:
            d.add(-6, f"only {pct:.0f}% of questions were open")
    summaries = ctx.with_act("summary")
    d.add(_per(len(summaries), 6, 12), "summarised what you heard", summaries)
    d.add(
        4 if ctx.with_act("minimal_encourager") else 0,
        "used minimal encouragers",
        ctx.with_act("minimal_encourager")[:3],
    )
    d.add(
        _per(m.complex_reflections, 3, 9), "complex reflections", ctx.with_act("reflection_complex")
    )
    d.add(
        -_per(len(m.interruptions), 6, 24),
        f"interrupted the person {len(m.interruptions)}×",
        m.interruptions,
    )
    share = m.officer_talk_share
    if share <= 0.6:
        d.add(6, f"you spoke {share:.0%} of the time (≤ 60%)")
    elif share > 0.7:
        d.add(-8, f"you spoke {share:.0%} of the time (aim for ≤ 60%)")
    d.cite(summaries, True, 9, "summary", ("summary",))
    d.cite(
        ctx.with_act("reflection_complex"), True, 8, "complex reflection", ("reflection_complex",)
    )
    d.cite(ctx.with_act("reflection_simple"), True, 6, "reflection", ("reflection_simple",))
    d.cite(ctx.with_act("open_question"), True, 4, "open question", ("open_question",))
    d.cite(
        list(m.interruptions),
        False,
        9,
        "talked over the person",
        (),
        lambda i: suggest("interruption", ctx.transcript, i),
    )
    # A direct safety question is meant to be closed: never cite it as a listening slip.
    closed = [
        i
        for i in ctx.with_act("closed_question")
        if not ctx.acts[i].acts & {"open_question", "safety_question"}
    ]
    if rq is not None and rq < 1:
        d.cite(
            closed,
            False,
            5,
            "closed question where a reflection would do",
            ("closed_question",),
            lambda i: suggest("closed_question", ctx.transcript, i),
        )
    return d


def _empathy(ctx: Context) -> Draft:
    d = Draft(40)
    labels = ctx.with_act("emotion_label")
    valid = ctx.with_act("validation")
    cx = ctx.with_act("reflection_complex")
    d.add(_per(len(labels), 8, 24), "named the person's emotions", labels)
    d.add(_per(len(valid), 6, 12), "validated feelings", valid)
    d.add(_per(len(cx), 4, 12), "complex reflections of meaning or feeling", cx)
    mini = _penalize(d, ctx, "minimizing", 12, 24, "minimised or dismissed feelings")
    if mini:
        d.caps.append(Cap(2 if len(mini) >= 2 else 3, 'minimising ("calm down", "not that bad")'))
    rude = ctx.by_rule("disrespect")
    if rude:
        d.add(-10, "insult or mockery while the person was upset", rude)
        d.caps.append(Cap(2, "insult or mockery"))
    quick = [p for p in ctx.metrics.emotional_pauses if p.seconds < 0.3]
    d.add(
        -_per(len(quick), 4, 12),
        "jumped in right after an emotional moment",
        [p.officer_turn for p in quick],
    )
    if (
        ctx.metrics.median_pause_after_emotion_s is not None
        and ctx.metrics.median_pause_after_emotion_s >= 0.8
    ):
        d.add(4, "left space after emotional moments")
    d.cite(labels, True, 9, "named an emotion", ("emotion_label",))
    d.cite(valid, True, 8, "validation", ("validation",))
    d.cite(cx, True, 6, "complex reflection", ("reflection_complex",))
    d.cite(
        rude,
        False,
        8,
        "insult while the person was upset",
        ("disrespect",),
        lambda i: suggest("disrespect", ctx.transcript, i),
    )
    d.cite(
        [p.officer_turn for p in quick],
        False,
        5,
        "no pause after an emotional moment",
        (),
        lambda i: suggest("quick_reply", ctx.transcript, i),
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
    rude = _penalize(
        d, ctx, "disrespect", 20, 40, "insult, profanity or dismissive address", probable=False
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
    "active_listening": _active_listening,
    "empathy": _empathy,
    "respect_dignity": _respect,
    "directive_clarity": _directive,
    "time_pacing": _pacing,
    "crisis_assessment": _assessment,
    "options_resolution": _options,
}
