"""Hours as CSV (for the agency's records system) and as a printable HTML page."""

from __future__ import annotations

import csv
import io
from html import escape

from appliance.records.hours import DELIVERY_METHOD, NOT_SUBMITTED, HoursReport

CSV_COLUMNS = (
    "officer_name",
    "post_id",
    "agency",
    "date",
    "start_time",
    "end_time",
    "active_minutes",
    "course_title",
    "topic_category",
    "delivery_method",
    "scenario_id",
    "outcome",
    "scenarios_completed",
    "training_officer_of_record",
    "attestation",
)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (names are stored verbatim)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: HoursReport) -> str:
    """One line per session; the attestation repeats so each line stands on its own."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    o = report.officer
    for r in report.rows:
        writer.writerow(
            _cell(v)
            for v in (
                o["name"],
                o["post_id"],
                o["agency"],
                r.date,
                r.start_time,
                r.end_time,
                f"{r.active_minutes:.1f}",
                r.course_title,
                r.topic_category,
                DELIVERY_METHOD,
                r.scenario_id,
                r.outcome,
                int(r.completed),
                report.training_officer,
                report.attestation,
            )
        )
    return buf.getvalue()


# The page's only CSS: no style attributes, so a policy can allow exactly this block by hash.
STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}.note{border:1px solid #b00;padding:.5rem;margin:1rem 0}
.sign{margin-top:2rem}@media print{body{margin:1cm}.note{border-color:#000}}
"""


def to_html(report: HoursReport) -> str:
    """A printable page: officer, sessions, totals, attestation, and that POST is not notified."""
    o = report.officer
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "Date",
            "Start",
            "End",
            "Active min",
            "Course title",
            "Topic category",
            "Delivery method",
            "Outcome",
        )
    )
    body = (
        "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(str(v))}</td>"
                for v in (
                    r.date,
                    r.start_time,
                    r.end_time,
                    f"{r.active_minutes:.1f}",
                    r.course_title,
                    r.topic_category,
                    DELIVERY_METHOD,
                    r.outcome,
                )
            )
            + "</tr>"
            for r in report.rows
        )
        or '<tr><td colspan="8">No training sessions in this range.</td></tr>'
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Training hours: {escape(o["name"])}</title>
<style>{STYLE}</style></head><body>
<h1>Training hours record</h1>
<p><b>Officer:</b> {escape(o["name"])} &nbsp; <b>POST ID:</b> {escape(o["post_id"] or "—")}
 &nbsp; <b>Agency:</b> {escape(o["agency"] or "—")}</p>
<p><b>Period:</b> {report.date_from} to {report.date_to}
 &nbsp; <b>Times:</b> {escape(report.timezone)}
 &nbsp; <b>Generated:</b> {escape(report.generated_at)}</p>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<p><b>Scenarios completed:</b> {report.scenarios_completed} &nbsp;
 <b>Total active minutes:</b> {report.total_minutes:.1f}
 ({report.total_minutes / 60:.2f} hours)</p>
<p><b>Training officer of record:</b> {escape(report.training_officer)}</p>
<p class="sign">{escape(report.attestation)}</p>
<p class="note">{escape(NOT_SUBMITTED)}</p>
</body></html>
"""
