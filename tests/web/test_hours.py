"""Hours export: CSV and printable page per officer and date range; bad ranges refused."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from appliance.records.hours import CRISIS, DEESCALATION, DELIVERY_METHOD
from appliance.records.hours_export import CSV_COLUMNS
from appliance.records.sessions import save_session
from tests.records.helpers import review, transcript
from tests.web.conftest import Api

RANGE = {"from": "2026-11-01", "to": "2026-11-30"}


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


async def test_csv_has_the_post_columns_for_sessions_in_range(api: Api) -> None:
    officer = await _seed(api)
    trainer = await api.login("training_officer")
    r = await trainer.get(f"/api/officers/{officer['id']}/hours.csv", params=RANGE)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 2
    first, second = rows
    assert first["officer_name"] == '\'=HYPERLINK("x")'  # a formula is neutralised for spreadsheets
    assert first["post_id"] == "C-1001" and first["agency"] == "Mesa PD"
    assert first["active_minutes"] == "9.0" and first["topic_category"] == CRISIS
    assert first["delivery_method"] == DELIVERY_METHOD and first["scenarios_completed"] == "1"
    assert second["topic_category"] == DEESCALATION and second["scenarios_completed"] == "0"
    assert first["training_officer_of_record"] == "Training Officer"
    assert "attest" in first["attestation"] and first["course_title"].startswith("CodeBlu")
    start = datetime(
        2026, 11, 10, 15, 0, tzinfo=UTC
    ).astimezone()  # shown in the appliance's local time
    assert (first["date"], first["start_time"]) == (
        start.date().isoformat(),
        start.strftime("%H:%M"),
    )
    assert first["end_time"] == (start + timedelta(minutes=9)).strftime("%H:%M")


async def test_printable_page_says_the_product_never_submits(api: Api) -> None:
    officer = await _seed(api)
    admin = await api.login("admin")
    r = await admin.get(f"/api/officers/{officer['id']}/hours.html", params=RANGE)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "does not submit training hours to Colorado POST" in page
    assert "Scenarios completed:</b> 1" in page and "Total active minutes:</b> 14.0" in page
    assert "&quot;x&quot;" in page and '=HYPERLINK("x")' not in page  # escaped
    assert "Signature:" in page and "C.R.S. 24-31-315" in page


async def test_inverted_or_malformed_range_is_400(api: Api) -> None:
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
