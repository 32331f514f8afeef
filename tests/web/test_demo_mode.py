"""Demo mode on the records-only app: refused while off (nothing written), switched by admins
only, and demo calls never counted as training hours."""

from __future__ import annotations

import csv
import io
from typing import Any

from appliance.records.progress import officer_progress
from appliance.records.sessions import get_session, save_session, transcript_of
from appliance.web.demo import DEMO_OFFICER
from tests.records.helpers import transcript
from tests.web.conftest import Api

RANGE = {"from": "2026-11-01", "to": "2026-11-30"}


async def _counts(api: Api) -> tuple[int, int, int]:
    def count(conn: Any) -> tuple[int, int, int]:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("sessions", "officers", "turns")
        )

    return await api.db.run(count)


async def test_demo_mode_is_off_by_default_and_a_demo_is_refused_writing_nothing(
    api: Api,
) -> None:
    before = await _counts(api)
    visitor = api.client("10.0.0.77")
    assert (await visitor.get("/api/demo")).json() == {"enabled": False}
    for body in (None, {}):
        r = await visitor.post("/api/demo", json=body)
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "demo_off"
        assert "demo mode is off" in r.json()["detail"]
    assert await _counts(api) == before


async def test_only_an_admin_switches_demo_mode(api: Api) -> None:
    r = await api.client().put("/api/demo/mode", json={"enabled": True})
    assert r.status_code == 401
    instructor = await api.login("instructor")
    r = await instructor.put("/api/demo/mode", json={"enabled": True})
    assert r.status_code == 403 and "an admin" in r.json()["detail"]
    device = await api.pair((await api.officer())["id"])
    assert (await device.put("/api/demo/mode", json={"enabled": True})).status_code == 403
    admin = await api.login("admin")
    r = await admin.put("/api/demo/mode", json={"enabled": "maybe"})
    assert r.status_code == 422
    assert (await api.client().get("/api/demo")).json() == {"enabled": False}


async def test_demo_calls_never_count_toward_hours(api: Api) -> None:
    officer = await api.officer()
    oid = officer["id"]
    real = transcript("real", oid, started_at="2026-11-10T15:00:00Z", duration_s=540)
    await save_session(api.db, real, None)
    demo = transcript(
        "demo-1", DEMO_OFFICER["id"], DEMO_OFFICER["name"], "demo_bus_shelter",
        "2026-11-11T15:00:00Z", 170.0,
    )  # fmt: skip
    await save_session(api.db, {**demo, "demo": True}, None)
    # the mark, not the officer, keeps a session out: one marked demo on a registered officer
    flagged = transcript("demo-2", oid, started_at="2026-11-12T15:00:00Z", duration_s=120)
    await save_session(api.db, {**flagged, "demo": True}, None)

    assert (await api.db.run(get_session, "demo-1"))["demo"] is True
    assert (await api.db.run(get_session, "real"))["demo"] is False
    assert (await api.db.run(transcript_of, "demo-2"))["demo"] is True
    assert "demo" not in await api.db.run(transcript_of, "real")

    trainer = await api.login("training_officer")
    r = await trainer.get("/api/hours/roster.csv", params=RANGE)
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    sessions = [row for row in rows if row["line"] == "session"]
    assert [(row["date"], row["officer_name"]) for row in sessions] == [
        ("2026-11-10", officer["name"])
    ]  # the demo calls of the 11th and 12th are not there
    assert DEMO_OFFICER["name"] not in r.text
    total = next(row for row in rows if row["line"] == "total")
    assert total["minutes"] == "9.0" and total["hours"] == "0.15"
    page = await trainer.get("/api/hours/roster.html", params=RANGE)
    assert page.status_code == 200 and DEMO_OFFICER["name"] not in page.text
    mine = await trainer.get(f"/api/officers/{oid}/hours.csv", params=RANGE)
    dates = [
        row["date"] for row in csv.DictReader(io.StringIO(mine.text)) if row["line"] == "session"
    ]
    assert dates == ["2026-11-10"]
    months = (await api.db.run(officer_progress, oid))["hours"]
    assert months == [{"period": "2026-11", "sessions": 1, "minutes": 9.0}]
