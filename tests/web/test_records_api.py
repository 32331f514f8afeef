"""Officers, assignments, sessions and reviews over the API; hostile input stored or refused."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator

from appliance.records.officers import list_officers
from appliance.records.sessions import save_session
from tests.records.helpers import review, transcript
from tests.web.conftest import Api

SQLISH = "Robert'); DROP TABLE officers;--"


def _count(table: str) -> object:
    def count(conn: sqlite3.Connection) -> int:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    return count


async def test_sql_looking_strings_are_stored_verbatim(api: Api) -> None:
    admin = await api.login("admin")
    r = await admin.post(
        "/api/officers", json={"name": SQLISH, "post_id": "1' OR '1'='1", "agency": 'x"; --'}
    )
    assert r.status_code == 201
    officer = r.json()
    assert officer["name"] == SQLISH and officer["post_id"] == "1' OR '1'='1"
    got = (await admin.get(f"/api/officers/{officer['id']}")).json()
    assert got["name"] == SQLISH and got["agency"] == 'x"; --'
    r = await admin.post(
        "/api/users",
        json={
            "username": "o'brien--",
            "password": "Quote-Safe-Pass-1",
            "display_name": SQLISH,
            "role": "instructor",
        },
    )
    assert r.status_code == 201 and r.json()["display_name"] == SQLISH
    await save_session(api.db, transcript(officer_id=officer["id"], officer_name=SQLISH), review())
    detail = (await admin.get("/api/records/sessions/s-1")).json()
    assert detail["officer_name"] == SQLISH
    assert [o["name"] for o in await api.db.run(list_officers)] == [SQLISH]


async def test_huge_posts_are_refused_with_413_and_nothing_written(api: Api) -> None:
    admin = await api.login("admin")
    r = await admin.post("/api/officers", json={"name": "A" * 2_000_000})
    assert r.status_code == 413
    assert r.json() == {
        "detail": "request body too large: at most 65536 bytes are accepted",
        "code": "payload_too_large",
    }

    async def stream() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"name": "'
        for _ in range(100):
            yield b"B" * 4096
        yield b'"}'

    r = await admin.post(
        "/api/officers", content=stream(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    r = await admin.post("/api/officers", json={"name": "C" * 500})
    assert r.status_code == 422  # within the body limit but over the field's length
    assert await api.db.run(_count("officers")) == 0


async def test_assignment_is_completed_by_the_session(api: Api) -> None:
    officer = await api.officer()
    trainer = await api.login("training_officer")
    r = await trainer.post(
        "/api/assignments", json={"officer_id": officer["id"], "scenario_id": "nope"}
    )
    assert r.status_code == 400 and "unknown scenario 'nope'" in r.json()["detail"]
    r = await trainer.post(
        "/api/assignments",
        json={
            "officer_id": officer["id"],
            "scenario_id": "overpass_voices",
            "due_date": "2026-13-45",
        },
    )
    assert r.status_code == 422
    r = await trainer.post(
        "/api/assignments", json={"officer_id": "ghost", "scenario_id": "overpass_voices"}
    )
    assert r.status_code == 404
    assert await api.db.run(_count("assignments")) == 0
    r = await trainer.post(
        "/api/assignments",
        json={
            "officer_id": officer["id"],
            "scenario_id": "overpass_voices",
            "due_date": "2026-12-01",
            "note": "before the CIT week",
        },
    )
    assert r.status_code == 201 and r.json()["status"] == "assigned"
    device = await api.pair(officer["id"])
    assert [a["scenario_id"] for a in (await device.get("/api/assignments")).json()] == [
        "overpass_voices"
    ]
    await save_session(api.db, transcript(officer_id=officer["id"]), review())
    done = (await trainer.get("/api/assignments", params={"officer_id": officer["id"]})).json()
    assert done[0]["status"] == "completed" and done[0]["completed_session_id"] == "s-1"


async def test_review_annotate_and_sign_off_once(api: Api) -> None:
    officer = await api.officer()
    await save_session(api.db, transcript(officer_id=officer["id"]), review(64))
    instructor = await api.login("instructor")
    listed = (await instructor.get("/api/records/sessions")).json()
    assert (
        listed[0]["id"] == "s-1" and listed[0]["active_minutes"] == 9.0 and listed[0]["has_review"]
    )
    detail = (await instructor.get("/api/records/sessions/s-1")).json()
    assert detail["transcript"]["turns"][1] == {
        "speaker": "subject",
        "start": 3.9,
        "end": 6.0,
        "text": "Stay back!",
        "interrupted": True,
    }
    r = await instructor.post(
        "/api/reviews/s-1/annotations",
        json={"text": "Good opening.", "competency": "opening_legitimacy", "t": 3.2},
    )
    assert r.status_code == 201 and r.json()["annotations"][0]["author"] == "Instructor"
    r = await instructor.post("/api/reviews/s-1/signoff", json={"note": "Discussed in debrief."})
    assert r.status_code == 200 and r.json()["signed_off"]["by"] == "Instructor"
    r = await instructor.post("/api/reviews/s-1/signoff", json={})
    assert r.status_code == 409 and r.json()["detail"] == "this review is already signed off"
    r = await instructor.post("/api/reviews/s-1/annotations", json={"text": "late note"})
    assert r.status_code == 409
    assert len((await instructor.get("/api/reviews/s-1")).json()["annotations"]) == 1
    assert (await instructor.get("/api/reviews/nope")).status_code == 404


async def test_officer_details_can_be_corrected(api: Api) -> None:
    a = await api.officer("Dana Daniels", "C-1")
    await api.officer("Sam Other", "C-2")
    trainer = await api.login("training_officer")
    r = await trainer.patch(f"/api/officers/{a['id']}", json={"name": "Dana Daniels-Ruiz"})
    assert r.status_code == 200 and r.json()["name"] == "Dana Daniels-Ruiz"
    assert r.json()["post_id"] == "C-1"
    r = await trainer.patch(f"/api/officers/{a['id']}", json={"name": "Changed", "post_id": "C-2"})
    assert r.status_code == 409 and "already has POST ID 'C-2'" in r.json()["detail"]
    got = (await trainer.get(f"/api/officers/{a['id']}")).json()
    assert (got["name"], got["post_id"]) == ("Dana Daniels-Ruiz", "C-1")  # nothing half-written
