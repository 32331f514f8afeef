"""Hours export: a roster (all, a unit, named officers) or one officer, as CSV and a printable
page; totals add up, delivery method follows what happened, attestation blank; bad input 4xx."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from appliance.persona.review_facts import scenario_info
from appliance.records.access_audit import record_access
from appliance.records.hours import SELF_PACED, SUPERVISED
from appliance.records.hours_export import CSV_COLUMNS
from appliance.records.sessions import save_session
from tests.records.helpers import review, transcript
from tests.web.conftest import Api

RANGE = {"from": "2026-11-01", "to": "2026-11-30"}
CRISIS = scenario_info("overpass_voices").hours_topic
DEESCALATION = scenario_info("bar_intoxicated").hours_topic


async def _seed(api: Api) -> dict[str, str]:
    officer = await api.officer('=HYPERLINK("x")', "C-1001")
    oid = officer["id"]
    await save_session(
        api.db, transcript("a", oid, started_at="2026-11-10T15:00:00Z", duration_s=540), review()
    )
    await save_session(
        api.db,
        transcript(
            "b",
            oid,
            scenario_id="bar_intoxicated",
            started_at="2026-11-12T15:00:00Z",
            duration_s=300,
            outcome="shutdown",
        ),
        None,
    )
    await save_session(
        api.db, transcript("c", oid, started_at="2026-12-15T15:00:00Z"), None
    )  # outside
    return officer


async def _officer(api: Api, name: str, post_id: str, unit: str) -> dict[str, Any]:
    admin = await api.login("admin")
    body = {"name": name, "post_id": post_id, "agency": "Mesa PD", "unit": unit}
    r = await admin.post("/api/officers", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _roster(api: Api) -> dict[str, dict[str, Any]]:
    """Two officers in unit B, one in unit C; sessions across scenarios; one watched live."""
    reyes = await _officer(api, "Jordan Reyes", "B-1", "B shift")
    kim = await _officer(api, "Sam Kim", "B-2", "B shift")
    lee = await _officer(api, "Ari Lee", "C-1", "C shift")
    seeds = [
        ("r1", reyes, "overpass_voices", "2026-11-03T15:00:00Z", 605.0, "resolved"),
        ("r2", reyes, "overpass_voices", "2026-11-04T15:00:00Z", 422.4, "failed"),
        ("r3", reyes, "bar_intoxicated", "2026-11-05T15:00:00Z", 31.0, "shutdown"),
        ("k1", kim, "store_disorderly", "2026-11-06T15:00:00Z", 777.7, "resolved"),
        ("l1", lee, "overpass_voices", "2026-11-07T15:00:00Z", 300.0, "resolved"),
    ]
    for sid, who, scenario, started, duration, outcome in seeds:
        t = transcript(sid, who["id"], who["name"], scenario, started, duration, outcome)
        await save_session(api.db, t, None)
    await api.db.run(record_access, "watch", "r1", await _staff(api, "instructor"))
    await api.db.run(record_access, "listen", "k1", await _staff(api, "training_officer"))
    await api.db.run(record_access, "replay", "r2", await _staff(api, "instructor"))
    return {"reyes": reyes, "kim": kim, "lee": lee}


async def _staff(api: Api, role: str) -> tuple[int, str, str]:
    """The seeded account of a role as an audit line's (id, username, role)."""
    row = await api.db.run(
        lambda c: c.execute("SELECT id FROM users WHERE username = ?", (role,)).fetchone()
    )
    return int(row[0]), role, role


def _lines(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and tuple(rows[0]) == CSV_COLUMNS
    return rows


def _sum(rows: list[dict[str, str]], key: str) -> Decimal:
    return sum((Decimal(r[key]) for r in rows), Decimal(0))


async def test_csv_has_the_post_columns_for_sessions_in_range(api: Api) -> None:
    officer = await _seed(api)
    trainer = await api.login("training_officer")
    r = await trainer.get(f"/api/officers/{officer['id']}/hours.csv", params=RANGE)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = _lines(r.text)
    sessions = [row for row in rows if row["line"] == "session"]
    assert len(sessions) == 2
    first, second = sessions
    assert first["officer_name"] == '\'=HYPERLINK("x")'  # a formula is neutralised for spreadsheets
    assert first["post_id"] == "C-1001" and first["agency"] == "Mesa PD"
    assert first["minutes"] == "9.0" and first["hours"] == "0.15"
    assert first["topic_category"] == CRISIS and second["topic_category"] == DEESCALATION
    assert first["delivery_method"] == SELF_PACED  # nobody watched or listened in
    assert first["completions"] == "1" and second["completions"] == "0"  # cut off by a shutdown
    assert first["training_officer_of_record"] == "" and first["attestation_signature"] == ""
    assert first["course_title"].startswith("CodeBlu")
    start = datetime(
        2026, 11, 10, 15, 0, tzinfo=UTC
    ).astimezone()  # shown in the appliance's local time
    assert (first["date"], first["start_time"]) == (
        start.date().isoformat(),
        start.strftime("%H:%M"),
    )
    assert first["end_time"] == (start + timedelta(minutes=9)).strftime("%H:%M")
    (total,) = [row for row in rows if row["line"] == "officer"]
    assert (total["sessions"], total["completions"], total["minutes"]) == ("2", "1", "14.0")


async def test_roster_totals_add_up_and_delivery_follows_what_happened(api: Api) -> None:
    people = await _roster(api)
    trainer = await api.login("training_officer")
    r = await trainer.get("/api/hours/roster.csv", params=RANGE)
    assert r.status_code == 200, r.text
    rows = _lines(r.text)
    sessions = [row for row in rows if row["line"] == "session"]
    officers = [row for row in rows if row["line"] == "officer"]
    (total,) = [row for row in rows if row["line"] == "total"]
    assert rows[-1] is total
    assert [o["officer_name"] for o in officers] == ["Ari Lee", "Jordan Reyes", "Sam Kim"]
    for o in officers:
        mine = [s for s in sessions if s["officer_name"] == o["officer_name"]]
        assert _sum(mine, "minutes") == Decimal(o["minutes"])
        assert int(o["sessions"]) == len(mine)
        assert int(o["completions"]) == sum(int(s["completions"]) for s in mine)
        assert Decimal(o["hours"]) == (Decimal(o["minutes"]) / 60).quantize(Decimal("0.01"))
        per_scenario = [
            s for s in rows if s["line"] == "scenario" and s["officer_name"] == o["officer_name"]
        ]
        assert _sum(per_scenario, "minutes") == Decimal(o["minutes"])
    assert _sum(officers, "minutes") == Decimal(total["minutes"]) == _sum(sessions, "minutes")
    assert int(total["sessions"]) == len(sessions) == 5
    assert int(total["completions"]) == 4  # a failed call completes; a shutdown does not
    assert total["officer_name"] == "All officers (3)"
    reyes = {s["scenario_id"]: s for s in rows if s["line"] == "scenario" and s["post_id"] == "B-1"}
    assert (reyes["overpass_voices"]["sessions"], reyes["overpass_voices"]["completions"]) == (
        "2",
        "2",
    )
    assert (reyes["bar_intoxicated"]["sessions"], reyes["bar_intoxicated"]["completions"]) == (
        "1",
        "0",
    )
    method = {
        o["officer_name"]: [
            (s["delivery_method"], s["supervised_by"])
            for s in sessions
            if s["officer_name"] == o["officer_name"]
        ]
        for o in officers
    }
    assert method["Jordan Reyes"] == [
        (SUPERVISED, "Instructor"),  # watched live
        (SELF_PACED, ""),  # only replayed afterwards: not supervision
        (SELF_PACED, ""),
    ]
    assert method["Sam Kim"] == [(SUPERVISED, "Training Officer")]  # listened in
    assert method["Ari Lee"] == [(SELF_PACED, "")]
    for row in rows:  # the attestation is left for the training officer to sign
        assert row["training_officer_of_record"] == row["attestation_signature"] == ""
        assert row["attestation_date"] == ""
    assert people["kim"]["unit"] == "B shift"


async def test_roster_of_one_unit_and_of_named_officers(api: Api) -> None:
    people = await _roster(api)
    trainer = await api.login("training_officer")
    r = await trainer.get("/api/hours/roster.csv", params={**RANGE, "unit": "B shift"})
    officers = [row["officer_name"] for row in _lines(r.text) if row["line"] == "officer"]
    assert officers == ["Jordan Reyes", "Sam Kim"]
    ids = [("officer", people["lee"]["id"]), ("officer", people["kim"]["id"])]
    r = await trainer.get("/api/hours/roster.csv", params=[*RANGE.items(), *ids])
    officers = [row["officer_name"] for row in _lines(r.text) if row["line"] == "officer"]
    assert officers == ["Ari Lee", "Sam Kim"]
    assert (await trainer.get("/api/hours/units")).json() == ["B shift", "C shift"]


async def test_printable_page_says_the_product_never_submits(api: Api) -> None:
    officer = await _seed(api)
    admin = await api.login("admin")
    r = await admin.get(f"/api/officers/{officer['id']}/hours.html", params=RANGE)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "does not submit training hours to Colorado POST" in page
    assert "Scenarios completed:</b> 1" in page and "Total active minutes:</b> 14.0" in page
    assert "(0.23 hours)" in page
    assert "&quot;x&quot;" in page and '=HYPERLINK("x")' not in page  # escaped
    assert "Signature:" in page and "C.R.S. 24-31-315" in page
    assert "Training Officer" not in page.split("<h1>")[1]  # nobody is named as signer


async def test_printable_roster_has_totals_and_a_blank_attestation_per_officer(api: Api) -> None:
    await _roster(api)
    trainer = await api.login("training_officer")
    r = await trainer.get("/api/hours/roster.html", params={**RANGE, "unit": "B shift"})
    assert r.status_code == 200
    page = r.text
    assert "Roster total:</b> 2 officers, 4 sessions" in page
    assert page.count("Training officer of record:") == 2
    assert "Completions per scenario" in page and SUPERVISED in page and SELF_PACED in page


async def test_bad_ranges_and_unknown_officers_are_refused_and_nothing_written(api: Api) -> None:
    officer = await _seed(api)
    trainer = await api.login("training_officer")
    r = await trainer.get(
        f"/api/officers/{officer['id']}/hours.csv",
        params={"from": "2026-12-01", "to": "2026-11-01"},
    )
    assert r.status_code == 400
    assert r.json() == {
        "detail": "date range is inverted: 'from' (2026-12-01) is after 'to' (2026-11-01);"
        " swap them",
        "code": "record_invalid",
    }
    r = await trainer.get(
        f"/api/officers/{officer['id']}/hours.html",
        params={"from": "11/01/2026", "to": "2026-11-30"},
    )
    assert r.status_code == 400 and "YYYY-MM-DD" in r.json()["detail"]
    r = await trainer.get(f"/api/officers/{officer['id']}/hours.csv", params={"to": "2026-11-30"})
    assert r.status_code == 422
    r = await trainer.get("/api/officers/ghost/hours.csv", params=RANGE)
    assert r.status_code == 404
    over = {"from": "2020-01-01", "to": "2025-01-01"}
    r = await trainer.get("/api/hours/roster.csv", params=over)
    assert r.status_code == 400 and "over 5 years" in r.json()["detail"]
    five = {"from": "2020-01-01", "to": "2024-12-31"}
    ok = await trainer.get("/api/hours/roster.csv", params=five)
    assert ok.status_code == 200
    named = [*RANGE.items(), ("officer", officer["id"]), ("officer", "ghost-1")]
    r = await trainer.get("/api/hours/roster.html", params=named)
    assert r.status_code == 404 and r.json()["detail"] == "no officer with id 'ghost-1'"
    r = await trainer.get("/api/hours/roster.csv", params={**RANGE, "unit": "Z shift"})
    assert r.status_code == 404 and "no officer is in unit 'Z shift'" in r.json()["detail"]
    instructor = await api.login("instructor")
    r = await instructor.get("/api/hours/roster.csv", params=RANGE)
    assert r.status_code == 403
    audit = await api.db.run(lambda c: c.execute("SELECT COUNT(*) FROM access_audit").fetchone()[0])
    assert audit == 0  # exports write nothing
