"""Active listening and empathy: scored on the MITI session measures, each factor naming its own.

The reflection-to-question ratio moves active listening most, continuously (more reflections per
question, more points; fewer, fewer), so two sessions rarely tie; percent open questions and
percent complex reflections add or take a few points; every such factor carries its measure id
and says the value, the thresholds and the verdict (``miti.Measure.describe``).
"""

from __future__ import annotations

from appliance.review.draft import Cap, Context, Draft
from appliance.review.evidence import suggest
from appliance.review.metrics import COMPLEX_REFLECTIONS, REFLECTIONS
from appliance.review.miti import BELOW, FAIR, GOOD, miti_measures

RQ_POINTS = (-10.0, 16.0, -12.0, 22.0)  # intercept, per unit of ratio, floor, ceiling


def _per(count: int, each: int, most: int) -> int:
    return max(-most, min(most, count * each)) if each < 0 else min(most, count * each)


def ratio_points(ratio: float) -> int:
    """Points for a reflection-to-question ratio: −10 at 0, +6 at 1 (fair), +22 at 2 (good)."""
    base, slope, low, high = RQ_POINTS
    return round(max(low, min(high, base + slope * ratio)))


def active_listening(ctx: Context) -> Draft:
    """Reflections over questions, open questions, summaries, interruptions, talk share."""
    d = Draft(45)
    m = ctx.metrics
    rq, cx, oq = miti_measures(m)
    refl = [i for i, a in ctx.acts.items() if a.acts & REFLECTIONS]
    if rq.value is None:
        d.add(12 if refl else 0, "reflected without needing questions", refl[:1], measure=rq.id)
    else:
        points = ratio_points(rq.value)
        if points < 0 and m.questions < 2:
            points = 0  # one question is too few to call the balance
        d.add(points, rq.describe(), refl[:3], measure=rq.id)
    if oq.value is not None and m.questions >= 2:
        points = round(max(-6.0, min(8.0, (oq.value - oq.fair) / 5.0)))
        d.add(points, oq.describe(), measure=oq.id)
    if cx.value is not None and m.reflections >= 2:
        points = {GOOD: 6, FAIR: 3}.get(cx.judged, 0)
        d.add(points, cx.describe(), measure=cx.id)
    summaries = ctx.with_act("summary")
    d.add(_per(len(summaries), 6, 12), "summarised what you heard", summaries)
    encouragers = ctx.with_act("minimal_encourager")
    d.add(4 if encouragers else 0, "used minimal encouragers", encouragers[:3])
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
    if rq.value is not None and rq.judged == BELOW:
        d.cite(
            closed,
            False,
            5,
            "closed question where a reflection would do",
            ("closed_question",),
            lambda i: suggest("closed_question", ctx.transcript, i),
        )
    return d


def empathy(ctx: Context) -> Draft:
    """Named emotions, validation, complex reflections; minimising, mockery and no pause cost."""
    d = Draft(40)
    labels = ctx.with_act("emotion_label")
    valid = ctx.with_act("validation")
    cx = [i for i, a in ctx.acts.items() if a.acts & COMPLEX_REFLECTIONS - {"emotion_label"}]
    pct = miti_measures(ctx.metrics)[1]
    d.add(_per(len(labels), 8, 24), "named the person's emotions", labels)
    d.add(_per(len(valid), 6, 12), "validated feelings", valid)
    d.add(
        _per(len(cx), 4, 12),
        f"complex reflections of meaning or feeling ({len(cx)}×)",
        cx,
        measure=pct.id if cx else None,
    )
    if ctx.metrics.reflections >= 3 and pct.judged in (GOOD, BELOW):
        d.add(4 if pct.judged == GOOD else -4, pct.describe(), measure=pct.id)
    mini = ctx.by_rule("minimizing")
    maybe = [i for i in ctx.with_act("minimizing") if i not in mini]
    d.add(-_per(len(mini), 12, 24), f"minimised or dismissed feelings ({len(mini)}×)", mini)
    d.add(-_per(len(maybe), 6, 12), f"probable minimising ({len(maybe)}×)", maybe)
    for turns, weight, note in (
        (mini, 9, "minimised or dismissed feelings"),
        (maybe, 6, "probable minimising"),
    ):
        d.cite(
            turns,
            False,
            weight,
            note,
            ("minimizing",),
            lambda i: suggest("minimizing", ctx.transcript, i),
        )
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
    median = ctx.metrics.median_pause_after_emotion_s
    if median is not None and median >= 0.8:
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
