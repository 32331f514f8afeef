"""Role checks: nobody reaches above their role, and a refused request writes nothing."""

from __future__ import annotations

from appliance.records.sessions import save_session
from appliance.records.users import list_users
from tests.records.helpers import review, transcript
from tests.web.conftest import Api


async def test_instructor_cannot_create_an_admin_and_nothing_is_written(api: Api) -> None:
    instructor = await api.login("instructor")
    r = await instructor.post(
        "/api/users",
        json={"username": "mallory", "password": "Sneaky-Admin-2026!", "role": "admin"},
    )
    assert r.status_code == 403
    assert r.json() == {"detail": "this needs an admin; you are an instructor", "code": "forbidden"}
    assert (await instructor.get("/api/users")).status_code == 403
    assert [u.username for u in await api.db.run(list_users)] == [
        "admin",
        "instructor",
        "training_officer",
    ]


async def test_admin_creates_accounts_with_strong_passwords_only(api: Api) -> None:
    admin = await api.login("admin")
    r = await admin.post(
        "/api/users", json={"username": "sgt.ruiz", "password": "short1A!", "role": "instructor"}
    )
    assert r.status_code == 400 and "at least 12 characters" in r.json()["detail"]
    r = await admin.post(
        "/api/users",
        json={"username": "sgt.ruiz", "password": "alllowercaseword", "role": "instructor"},
    )
    assert r.status_code == 201  # a 16-character passphrase needs no symbol rules
    r = await admin.post(
        "/api/users",
        json={"username": "SGT.RUIZ", "password": "Another-Pass-2026", "role": "instructor"},
    )
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    r = await admin.post(
        "/api/users", json={"username": "x2", "password": "Another-Pass-2026", "role": "superuser"}
    )
    assert r.status_code == 422
    assert len(await api.db.run(list_users)) == 4


async def test_staff_roles_reach_only_their_own_work(api: Api) -> None:
    officer = await api.officer()
    await save_session(api.db, transcript(officer_id=officer["id"]), review())
    trainer = await api.login("training_officer")
    instructor = await api.login("instructor")
    r = await trainer.post("/api/reviews/s-1/signoff", json={})
    assert r.status_code == 403 and "instructor" in r.json()["detail"]
    assert (
        await trainer.post("/api/reviews/s-1/annotations", json={"text": "x"})
    ).status_code == 403
    assert (
        await trainer.post("/api/pairing", json={"officer_id": officer["id"]})
    ).status_code == 403
    r = await instructor.get(
        f"/api/officers/{officer['id']}/hours.csv",
        params={"from": "2026-11-01", "to": "2026-11-30"},
    )
    assert r.status_code == 403 and "training officer" in r.json()["detail"]
    assert (await trainer.get("/api/reviews/s-1")).json()["signed_off"] is None


async def test_officer_device_sees_only_its_own_records(api: Api) -> None:
    mine = await api.officer("Dana Daniels", "C-1")
    other = await api.officer("Sam Other", "C-2")
    await save_session(api.db, transcript("s-mine", officer_id=mine["id"]), review())
    await save_session(api.db, transcript("s-other", officer_id=other["id"]), review())
    device = await api.pair(mine["id"])
    me = (await device.get("/api/auth/me")).json()
    assert me == {"kind": "device", "role": "officer", "officer_id": mine["id"]}
    assert (await device.get("/api/reviews/s-mine")).status_code == 200
    r = await device.get("/api/reviews/s-other")
    assert r.status_code == 403 and r.json()["detail"] == "an officer sees only their own reviews"
    assert (await device.get("/api/records/sessions/s-other")).status_code == 403
    assert [s["id"] for s in (await device.get("/api/records/sessions")).json()] == ["s-mine"]
    assert (
        await device.get("/api/records/sessions", params={"officer_id": other["id"]})
    ).status_code == 403
    assert (await device.get(f"/api/officers/{other['id']}")).status_code == 403
    for method, path, body in (
        ("GET", "/api/officers", None),
        ("POST", "/api/officers", {"name": "Self Made"}),
        ("POST", "/api/reviews/s-mine/signoff", {}),
        ("POST", "/api/pairing", {"officer_id": mine["id"]}),
        ("GET", "/api/users", None),
        ("GET", f"/api/officers/{mine['id']}/hours.csv?from=2026-01-01&to=2026-12-31", None),
    ):
        r = await device.request(method, path, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert "paired officer device" in r.json()["detail"]


async def test_forged_bearer_token_is_refused(api: Api) -> None:
    c = api.client()
    r = await c.get("/api/auth/me", headers={"Authorization": "Bearer not-a-real-token"})
    assert r.status_code == 401 and "pair this device" in r.json()["detail"]
