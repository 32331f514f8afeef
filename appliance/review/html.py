"""The review as one self-contained HTML page (inline CSS and SVG, print stylesheet, no scripts).

Every timestamp is a link ``a.ts`` with ``data-t`` (session seconds): the console's replay uses it
to seek the recording to that moment.

The only CSS is the fixed ``CSS`` block (no ``style`` attributes), so a content security policy
can allow exactly it by hash.
"""

from __future__ import annotations

from html import escape

from appliance.review.charts import agitation_svg, rate_svg
from appliance.review.evidence import Evidence, clock
from appliance.review.guidance import MET, NOT_MET, NextStep, ObjectiveResult
from appliance.review.metrics import Metrics
from appliance.review.miti import Measure
from appliance.review.report import Finding, Review
from appliance.review.scoring import CompetencyResult
from appliance.review.story import Outcome

CSS = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#f6f7f9;--card:#fff;--good:#1f7a4d;
--bad:#b3261e;--mid:#a86400;--accent:#1f4e8c}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px}
header.top{display:flex;justify-content:space-between;gap:24px;align-items:flex-start;
border-bottom:3px solid var(--accent);padding-bottom:14px;margin-bottom:18px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;color:var(--accent)}
h3{font-size:16px;margin:0}.muted{color:var(--muted)}.small{font-size:13px}
.overall{text-align:center;min-width:150px}
.overall .num{font-size:48px;font-weight:700;line-height:1}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;
margin:10px 0;break-inside:avoid}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.scores{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}
.score{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.score a{color:inherit;text-decoration:none}.score .n{font-size:22px;font-weight:700}
.bar{height:6px;background:#e8ebf0;border-radius:3px;overflow:hidden;margin-top:4px}
.bar span{display:block;height:100%}.big{font-size:20px;font-weight:700}
.l1,.l2{color:var(--bad)}.l3{color:var(--mid)}.l4,.l5{color:var(--good)}
.b1,.b2{background:var(--bad)}.b3{background:#d89a2b}.b4,.b5{background:var(--good)}
.comp-head{display:flex;justify-content:space-between;align-items:baseline;gap:12px}
.anchor{margin:6px 0;font-style:italic}
.ev{list-style:none;padding:0;margin:8px 0}.ev li{border-left:4px solid var(--line);
padding:4px 10px;margin:6px 0}.ev li.positive{border-color:var(--good)}
.ev li.negative{border-color:var(--bad)}.ev q{font-style:normal}
.ts{font-variant-numeric:tabular-nums;font-weight:600;text-decoration:none;color:var(--accent);
margin-right:6px}
.sugg{display:block;margin-top:2px;color:var(--ink);background:#eef4fb;padding:4px 8px;
border-radius:4px}
details summary{cursor:pointer;color:var(--muted);font-size:13px}
table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;border-bottom:1px solid var(--line);
text-align:left;vertical-align:top}th{font-weight:600;color:var(--muted);font-size:13px}
.metrics td:last-child{text-align:right;font-variant-numeric:tabular-nums}
.chart{width:100%;height:auto;display:block}
.chart .grid{stroke:#e3e7ee}.chart .tick{font-size:11px;fill:var(--muted)}
.chart .line{fill:none;stroke-width:2.5}.chart .agitation{stroke:#c0392b}
.chart .rate{stroke:var(--accent)}.chart .band{fill:#e6f2ea}.chart .dot{fill:var(--accent)}
.chart .tp{stroke:#fff;stroke-width:2}.chart .rise{fill:var(--bad)}.chart .fall{fill:var(--good)}
.transcript td.sp{white-space:nowrap;color:var(--muted);font-size:13px}
.transcript tr.officer td.text{font-weight:500}.transcript tr:target{background:#fff6d5}
.acts span{display:inline-block;font-size:11px;background:#eef1f6;border-radius:3px;
padding:0 5px;margin:1px 2px 1px 0;color:#34405a}
.acts span.neg{background:#fbe3e1;color:var(--bad)}
.worked li,.slipped li{margin:6px 0}.next{border-left:4px solid var(--accent)}
.story{border-left:4px solid var(--mid)}.story.resolved{border-color:var(--good)}
.story.failed,.story.disengaged{border-color:var(--bad)}
.obj li{margin:8px 0;list-style:none}.obj .st{display:inline-block;min-width:74px;font-size:12px;
font-weight:700;border-radius:3px;padding:0 6px;margin-right:6px;text-align:center}
.st.met{background:#e3f3ea;color:var(--good)}.st.partly{background:#fbf0dc;color:var(--mid)}
.st.not{background:#fbe3e1;color:var(--bad)}
.miti td.v{font-weight:700;text-align:right}.judged-good{color:var(--good)}
.judged-fair{color:var(--mid)}.judged-below{color:var(--bad)}
.record td:first-child{color:var(--muted);width:40%}
footer{margin-top:28px;padding-top:10px;border-top:1px solid var(--line);font-size:13px}
.disclaimer{font-weight:700}
@media (max-width:760px){.scores{grid-template-columns:repeat(2,1fr)}
.grid2{grid-template-columns:1fr}}
@media print{body{background:#fff;font-size:11pt}main{max-width:none;padding:0}
.card,.score{border-color:#bbb}a{color:inherit;text-decoration:none}
h2{break-after:avoid}details{display:none}.transcript{font-size:9.5pt}
@page{margin:14mm}}
""" + "".join(f".w{n}{{width:{n}%}}" for n in range(101))  # score bars, without style attributes

NEGATIVE_ACTS = {"command", "threat", "countdown", "minimizing", "disrespect"}
METHODOLOGY_URL = "/methodology"  # served by the appliance (docs/methodology.md)


def _ts(turn: int, label: str, t: float | None) -> str:
    """A timestamp link to a transcript row, carrying its session time for the replay."""
    seek = f' data-t="{t:.2f}"' if t is not None else ""
    return f'<a class="ts" href="#turn-{turn}"{seek}>{_e(label)}</a>'


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _percent(score: float) -> int:
    """A score as a whole percentage for its bar's width class (``.w0`` … ``.w100``)."""
    return min(100, max(0, round(score)))


def _level_cls(level: int) -> str:
    return f"l{level}"


def _evidence(items: tuple[Evidence, ...]) -> str:
    if not items:
        return '<p class="muted small">No quote in this session bears on this competency.</p>'
    rows = []
    for e in items:
        mark = "+" if e.polarity == "positive" else "−"
        sugg = f'<span class="sugg"><b>Try:</b> {_e(e.suggestion)}</span>' if e.suggestion else ""
        rows.append(
            f'<li class="{e.polarity}">{_ts(e.turn, e.time, e.t)}'
            f'<b>{mark}</b> <q>{_e(e.quote)}</q> <span class="muted small">({_e(e.note)})</span>'
            f"{sugg}</li>"
        )
    return f'<ul class="ev">{"".join(rows)}</ul>'


def _competency(c: CompetencyResult) -> str:
    factors = "".join(
        f"<tr><td>{f.points:+d}</td><td>{_e(f.reason)}"
        + (f' <span class="muted small">(MITI: {_e(f.measure)})</span>' if f.measure else "")
        + "</td></tr>"
        for f in c.factors
    )
    caps = "".join(f"<li>capped at level {cap.max_level}: {_e(cap.reason)}</li>" for cap in c.caps)
    caps_html = f'<ul class="small">{caps}</ul>' if caps else ""
    weight = f" · weight {c.weight:g}" if c.weight != 1 else ""
    return f"""
<section class="card" id="c-{c.id}">
 <div class="comp-head"><h3>{_e(c.title)}</h3>
  <div><span class="big {_level_cls(c.level)}">{c.score}</span>
  <span class="muted">/100 · level {c.level} of 5</span></div></div>
 <div class="muted small">{_e(c.framework)}{weight}</div>
 <p class="anchor">{_e(c.anchor)}</p>
 {caps_html}
 {_evidence(c.evidence)}
 <details><summary>How this score was reached</summary>
  <table class="small"><tr><th>points</th><th>reason</th></tr>{factors}</table></details>
</section>"""


def _pct(v: float | None, suffix: str = "%") -> str:
    return "n/a" if v is None else f"{v:.0f}{suffix}"


def _metrics(m: Metrics) -> str:
    rows = [
        ("Officer talk share", f"{m.officer_talk_share:.0%}", "aim ≤ 60%"),
        (
            "Reflection-to-question ratio",
            "n/a" if m.reflection_to_question is None else f"{m.reflection_to_question:.1f}",
            "MITI: ≥ 1 fair, ≥ 2 good",
        ),
        ("Open questions", _pct(m.percent_open_questions), f"{m.open_questions} of {m.questions}"),
        ("Reflections", str(m.reflections), f"{_pct(m.percent_complex_reflections)} complex"),
        ("Interruptions", str(len(m.interruptions)), "officer started while the person spoke"),
        (
            "Words per minute",
            _pct(m.words_per_minute, ""),
            "trend " + ("n/a" if m.wpm_trend is None else f"{m.wpm_trend:+.0f} wpm"),
        ),
        (
            "Loudness trend",
            "n/a" if m.loudness_trend_db is None else f"{m.loudness_trend_db:+.1f} dB",
            "last third vs first third",
        ),
        (
            "Pause after emotional turns",
            _pct(m.median_pause_after_emotion_s, " s"),
            f"median over {len(m.emotional_pauses)} moments",
        ),
    ]
    body = "".join(
        f"<tr><td>{_e(a)}</td><td class='muted small'>{_e(c)}</td><td>{_e(b)}</td></tr>"
        for a, b, c in rows
    )
    opening = (
        f'<p class="small"><b>First 45 words:</b> <q>{_e(m.opening.text)}</q></p>'
        if m.opening.text
        else ""
    )
    return f'<table class="metrics">{body}</table>{opening}'


def _outcome(o: Outcome, starts: dict[int, float]) -> str:
    tp = o.turning_point
    turned = ""
    if tp is not None:
        link = _ts(tp.turn, tp.time, starts.get(tp.turn)) if tp.turn is not None else ""
        line = f", after <q>{_e(tp.quote)}</q>" if tp.quote else ""
        stop = "" if tp.quote and tp.quote.endswith((".", "!", "?", "…")) else "."
        turned = (
            f"<p>{link}The call {_e(tp.direction)}: agitation {tp.agitation_from:g} → "
            f"{tp.agitation_to:g} by the end{line}{stop}</p>"
        )
    ended = f' <span class="muted small">· ended at {_e(o.ended_at)}</span>' if o.ended_at else ""
    return (
        f'<section class="card story {_e(o.outcome or "")}"><h2>How it ended: {_e(o.label)}</h2>'
        f"<p>{_e(o.description) or _e(o.summary)}{ended}</p>{turned}</section>"
    )


def _objective(o: ObjectiveResult, starts: dict[int, float]) -> str:
    cls = "met" if o.status == MET else "not" if o.status == NOT_MET else "partly"
    quotes = "".join(
        f" {_ts(e.turn, e.time, starts.get(e.turn))}<q>{_e(e.quote)}</q>"
        for e in o.evidence
    )
    return (
        f'<li><span class="st {cls}">{_e(o.status)}</span><b>{_e(o.text)}</b>'
        f'<div class="muted small">{_e(o.reason)}</div>{quotes}</li>'
    )


def _miti(measures: tuple[Measure, ...]) -> str:
    rows = []
    for m in measures:
        pct = m.id.startswith("percent")
        value = "n/a" if m.value is None else f"{m.value:.0f}%" if pct else f"{m.value:.1f}"
        bands = f"fair ≥ {m.fair:g}{'%' if pct else ''}, good ≥ {m.good:g}{'%' if pct else ''}"
        judged = m.judged.split()[0]
        rows.append(
            f"<tr><td>{_e(m.title)}</td><td class='muted small'>{m.numerator} / "
            f"{m.denominator} · {_e(bands)} ({_e(m.source)})</td>"
            f"<td class='v judged-{_e(judged)}'>{_e(value)} · {_e(m.judged)}</td></tr>"
        )
    return f'<table class="miti">{"".join(rows)}</table>'


def _next_step(s: NextStep, starts: dict[int, float]) -> str:
    if s.turn is None:
        return f"<p>{_e(s.text)} <span class='muted small'>· {_e(s.framework)}</span></p>"
    heard = (
        f"<p class='small muted'>They had just said: <q>{_e(s.heard)}</q></p>" if s.heard else ""
    )
    rise = (
        f" <span class='muted small'>(agitation {s.agitation_change:+g})</span>"
        if s.agitation_change
        else ""
    )
    return (
        f"<p><b>The moment:</b> {_ts(s.turn, s.time or '', starts.get(s.turn))}"
        f"<q>{_e(s.quote)}</q>{rise}</p>{heard}"
        f'<span class="sugg"><b>Try:</b> {_e(s.suggestion)}</span>'
        f"<p class='muted small'>{_e(s.framework)}</p>"
    )


def _finding(f: Finding, starts: dict[int, float]) -> str:
    when = (
        f" {_ts(f.turn, f.time or '', starts.get(f.turn))}<q>{_e(f.quote)}</q>"
        if f.turn is not None
        else ""
    )
    sugg = f'<span class="sugg"><b>Try:</b> {_e(f.suggestion)}</span>' if f.suggestion else ""
    return (
        f"<li><b>{_e(f.text)}</b>{when} <span class='muted small'>· {_e(f.framework)}</span>"
        f"{sugg}</li>"
    )


def _transcript(review: Review) -> str:
    rows = []
    for u in review.utterances:
        acts = "".join(
            f'<span class="{"neg" if a in NEGATIVE_ACTS else ""}">{_e(a)}</span>' for a in u.acts
        )
        rows.append(
            f'<tr id="turn-{u.turn}" class="{_e(u.speaker)}" data-t="{u.start:.2f}"><td class="sp">'
            f"{_ts(u.turn, clock(u.start), u.start)}</td>"
            f'<td class="sp">{_e(u.speaker)}</td>'
            f'<td class="text">{_e(u.text) or "<i>(silence)</i>"}'
            f'<div class="acts">{acts}</div></td></tr>'
        )
    return f'<table class="transcript">{"".join(rows)}</table>'


def render_html(review: Review) -> str:
    """The complete review page."""
    r = review
    t_max = max((u.end for u in r.utterances), default=1.0)
    scores = "".join(
        f'<div class="score"><a href="#c-{c.id}"><div class="small muted">{_e(c.title)}</div>'
        f'<div class="n {_level_cls(c.level)}">{c.score}</div><div class="bar">'
        f'<span class="b{c.level} w{_percent(c.score)}"></span></div></a></div>'
        for c in r.competencies
    )
    starts = {u.turn: u.start for u in r.utterances}
    turning = "".join(
        f"<li>{_ts(tp.after_turn if tp.after_turn is not None else 0, tp.time, tp.t)}"
        f"{_e(tp.kind)} at {tp.agitation:g} ({tp.change:+g})"
        + (f" after <q>{_e(tp.after_quote)}</q>" if tp.after_quote else "")
        + "</li>"
        for tp in r.agitation.turning_points
    )
    rec = r.training_record
    officer = rec.officer_name or rec.officer_id or "—"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>After-action review · {_e(r.scenario.title)} · {_e(officer)}</title>
<style>{CSS}</style></head><body><main>
<header class="top"><div>
 <div class="muted small">CodeBlu after-action review</div>
 <h1>{_e(r.scenario.title)}</h1>
 <div class="muted">{_e(officer)} · {_e(rec.date or "undated")}
 · {rec.active_minutes:g} active minutes
 · session {_e(r.session_id or "—")}</div>
 <p class="disclaimer small">{_e(r.disclaimer)}</p></div>
 <div class="overall"><div class="muted small">Overall</div>
 <div class="num {_level_cls(r.overall_level)}">{r.overall_score}</div>
 <div class="muted small">out of 100 · level {r.overall_level}</div></div>
</header>
{_outcome(r.outcome, starts)}
<div class="scores">{scores}</div>
<div class="grid2">
 <section class="card worked"><h2>What worked</h2><ul>{
        "".join(_finding(f, starts) for f in r.what_worked)
        or "<li class='muted'>Nothing stood out yet; see the next step.</li>"
    }</ul></section>
 <section class="card slipped"><h2>Where it slipped</h2><ul>{
        "".join(_finding(f, starts) for f in r.where_it_slipped)
        or "<li class='muted'>No competency fell below level 4.</li>"
    }</ul></section>
</div>
<section class="card next"><h2>Next step</h2>{_next_step(r.next_step, starts)}
 <p><b>Next scenario:</b> {_e(r.next_scenario.title)}
 <span class="muted small">({_e(r.next_scenario.id)}; {_e(r.next_scenario_reason)})</span>
 </p></section>
<h2>Learning objectives</h2>
<section class="card"><ul class="obj">{
        "".join(_objective(o, starts) for o in r.objectives)
        or "<li class='muted'>This scenario card lists no learning objectives.</li>"
    }</ul></section>
<h2>Subject's agitation</h2>
<section class="card">{agitation_svg(r.agitation, t_max)}
 <ul class="small">{turning}</ul></section>
<h2>Officer's speaking rate</h2>
<section class="card">{rate_svg(r.metrics.rate, t_max)}
 <p class="muted small">Words per minute per officer turn; the green band is a calm 140–160 wpm.
 </p></section>
<h2>Session measures (MITI)</h2>
<section class="card">{_miti(r.miti)}
 <p class="muted small">Reflections to questions moves the active-listening score most;
 percent complex reflections adds to active listening and empathy (see each score's factors).
 </p></section>
<h2>Metrics</h2>
<section class="card">{_metrics(r.metrics)}</section>
<h2>Competencies</h2>
{"".join(_competency(c) for c in r.competencies)}
<h2>Training record</h2>
<section class="card"><table class="record">
 <tr><td>Date</td><td>{_e(rec.date or "—")}</td></tr>
 <tr><td>Active minutes</td><td>{rec.active_minutes:g}</td></tr>
 <tr><td>Topic category</td><td>{_e(rec.topic_category)}</td></tr>
 <tr><td>Scenario</td><td>{_e(rec.scenario_id)}</td></tr>
 <tr><td>Officer</td><td>{_e(officer)}</td></tr></table>
 <p class="muted small">For the agency's own hours record; the appliance never submits it.</p>
</section>
<h2>Transcript</h2>
<section class="card">{_transcript(r)}</section>
<footer><p class="disclaimer">{_e(r.disclaimer)}</p><p class="muted">{_e(r.frameworks_credit)}</p>
<p><a class="methodology" href="{METHODOLOGY_URL}" target="_blank"
 rel="noopener">How this review is built:
 the methodology and its sources</a> (on the appliance).</p>
</footer></main></body></html>
"""
