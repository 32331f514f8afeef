"""The hours roster as CSV (for the agency's records system) and as a printable, signable page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from html import escape

from appliance.records.hours import (
    ATTESTATION,
    NOT_SUBMITTED,
    SELF_PACED,
    SUPERVISED,
    OfficerHours,
    Roster,
    hours_text,
    minutes_text,
)

# One CSV, four kinds of line (column ``line``): "session" (one training session), "scenario"
# (an officer's sessions of one scenario), "officer" (an officer's totals) and "total" (everyone).
# Totals are the sums of the lines above them; the attestation columns are left blank to sign.
CSV_COLUMNS = (
    "line",
    "officer_name",
    "post_id",
    "agency",
    "unit",
    "date",
    "start_time",
    "end_time",
    "scenario_id",
    "course_title",
    "topic_category",
    "delivery_method",
    "supervised_by",
    "outcome",
    "sessions",
    "completions",
    "minutes",
    "hours",
    "training_officer_of_record",
    "attestation_signature",
    "attestation_date",
)
_BLANK_ATTESTATION = ("", "", "")


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (names are stored verbatim)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _split(o: OfficerHours) -> str:
    """How an officer's time divides between supervised and self-paced sessions."""
    supervised = o.supervised_tenths
    return (
        f"supervised {minutes_text(supervised)} min; "
        f"self-paced {minutes_text(o.tenths - supervised)} min"
    )


def _lines(report: Roster) -> Iterator[tuple[object, ...]]:
    for o in report.officers:
        who = (o.officer["name"], o.officer["post_id"], o.officer["agency"], o.officer["unit"])
        for r in o.rows:
            yield (
                "session", *who, r.date, r.start_time, r.end_time, r.scenario_id,
                r.course_title, r.topic_category, r.delivery_method, "; ".join(r.supervised_by),
                r.outcome, 1, int(r.completed), minutes_text(r.tenths), hours_text(r.tenths),
                *_BLANK_ATTESTATION,
            )  # fmt: skip
        for s in o.by_scenario():
            yield (
                "scenario", *who, "", "", "", s.scenario_id, s.course_title, s.topic_category,
                "", "", "", s.sessions, s.completions, minutes_text(s.tenths),
                hours_text(s.tenths), *_BLANK_ATTESTATION,
            )  # fmt: skip
        yield (
            "officer", *who, "", "", "", "", "", "", _split(o), "", "", len(o.rows),
            o.completions, minutes_text(o.tenths), hours_text(o.tenths), *_BLANK_ATTESTATION,
        )  # fmt: skip
    everyone = f"All officers ({len(report.officers)})"
    yield (
        "total", everyone, "", "", report.unit, "", "", "", "", "", "", "", "", "",
        report.sessions, report.completions, minutes_text(report.tenths),
        hours_text(report.tenths), *_BLANK_ATTESTATION,
    )  # fmt: skip


def to_csv(report: Roster) -> str:
    """Session lines, per-scenario and per-officer totals, then the roster's total."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in _lines(report):
        writer.writerow(_cell(v) for v in line)
    return buf.getvalue()


# The page's only CSS: no style attributes, so a policy can allow exactly this block by hash.
STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;width:100%;margin:.6rem 0}
th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{border:1px solid #b00;padding:.5rem;margin:1rem 0}.officer{margin-top:2rem}
.sign{margin-top:1rem;border:1px solid #444;padding:.6rem}.sign p{margin:.5rem 0}
.blank{display:inline-block;min-width:16rem;border-bottom:1px solid #000}
@media print{body{margin:1cm}.note{border-color:#000}.officer{break-before:page}
.officer:first-of-type{break-before:auto}}
"""


def _e(value: object) -> str:
    return escape(str(value))


def _table(head: tuple[str, ...], rows: list[tuple[object, ...]], empty: str) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    if not rows:
        return f'<table><tr>{th}</tr><tr><td colspan="{len(head)}">{empty}</td></tr></table>'
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _officer(o: OfficerHours) -> str:
    """One officer's section: sessions, completions per scenario, totals, attestation."""
    name = o.officer["name"]
    sessions = _table(
        ("Date", "Start", "End", "Minutes", "Hours", "Course title", "Topic category",
         "Delivery method", "Supervised by", "Outcome"),
        [
            (r.date, r.start_time, r.end_time, minutes_text(r.tenths), hours_text(r.tenths),
             r.course_title, r.topic_category, r.delivery_method, ", ".join(r.supervised_by),
             r.outcome)
            for r in o.rows
        ],
        "No training sessions in this range.",
    )  # fmt: skip
    tallies = _table(
        ("Scenario", "Topic category", "Sessions", "Completed", "Minutes", "Hours"),
        [
            (s.scenario_title, s.topic_category, s.sessions, s.completions,
             minutes_text(s.tenths), hours_text(s.tenths))
            for s in o.by_scenario()
        ],
        "—",
    )  # fmt: skip
    return f"""<section class="officer">
<h2>{_e(name)}</h2>
<p><b>POST ID:</b> {_e(o.officer["post_id"] or "—")} &nbsp; <b>Agency:</b>
 {_e(o.officer["agency"] or "—")} &nbsp; <b>Unit:</b> {_e(o.officer["unit"] or "—")}</p>
{sessions}
<h3>Completions per scenario</h3>
{tallies}
<p><b>Scenarios completed:</b> {o.completions} of {len(o.rows)} sessions &nbsp;
 <b>Total active minutes:</b> {minutes_text(o.tenths)} ({hours_text(o.tenths)} hours) &nbsp;
 <b>Delivery:</b> {_e(_split(o))}</p>
<div class="sign"><p>{_e(ATTESTATION)}</p>
<p>Training officer of record: <span class="blank">&nbsp;</span></p>
<p>Signature: <span class="blank">&nbsp;</span> &nbsp; Date: <span class="blank">&nbsp;</span></p>
</div></section>"""


def to_html(report: Roster) -> str:
    """A printable page: each officer's sessions, completions and totals, the roster's total,
    a blank attestation per officer, and that POST is not notified."""
    title = f"Training hours {report.date_from} to {report.date_to}"
    scope = f"unit {report.unit}" if report.unit else "all officers shown"
    sections = "".join(_officer(o) for o in report.officers) or "<p>No officers to report.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>
<style>{STYLE}</style></head><body>
<h1>Training hours record</h1>
<p><b>Period:</b> {report.date_from} to {report.date_to} &nbsp; <b>Scope:</b> {_e(scope)}
 &nbsp; <b>Times:</b> {_e(report.timezone)} &nbsp; <b>Generated:</b> {_e(report.generated_at)}</p>
<p><b>Delivery method</b> follows what happened: <i>{_e(SUPERVISED)}</i> when an instructor or
 training officer watched the session or listened in while it ran; otherwise
 <i>{_e(SELF_PACED)}</i>.</p>
<p><b>Roster total:</b> {len(report.officers)} officers, {report.sessions} sessions,
 {report.completions} completed, {minutes_text(report.tenths)} minutes
 ({hours_text(report.tenths)} hours)</p>
{sections}
<p class="note">{_e(NOT_SUBMITTED)} The agency decides whether this training counts toward an
 officer's annual in-service hours (Colorado POST Rule 28) or the C.R.S. 24-31-315 topics.</p>
</body></html>
"""
