"""Room codes: single use, expiring, and guessing is rate-limited."""

from __future__ import annotations

import sqlite3

from tests.web.conftest import Api


async def _code(api: Api, officer_id: str) -> str:
    staff = await api.login("instructor")
    r = await staff.post("/api/pairing", json={"officer_id": officer_id})
    assert r.status_code == 201 and r.json()["expires_in_s"] == 600
    code = r.json()["code"]
    assert len(code) == 6 and code.isalnum() and code.isupper()
    return str(code)


async def test_code_pairs_once_and_yields_an_officer_token(api: Api) -> None:
    officer = await api.officer()
    code = await _code(api, officer["id"])
    device = api.client("10.0.0.7")
    r = await device.post("/api/pairing/redeem", json={"code": f"{code[:3].lower()}-{code[3:]}"})
    assert r.status_code == 200
    assert r.json()["officer"]["name"] == "Dana Daniels" and r.json()["token_type"] == "bearer"
    token = r.json()["token"]
    me = await device.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["officer_id"] == officer["id"]
    again = await api.client("10.0.0.8").post("/api/pairing/redeem", json={"code": code})
    assert again.status_code == 409
    assert again.json() == {
        "detail": "this room code was already used: ask the instructor for a new one",
        "code": "pairing_code_used",
    }


async def test_expired_code_is_refused(api: Api) -> None:
    officer = await api.officer()
    code = await _code(api, officer["id"])

    def expire(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE pairing_codes SET expires_ts = 1")

    await api.db.run(expire)
    r = await api.client().post("/api/pairing/redeem", json={"code": code})
    assert r.status_code == 410 and "expired" in r.json()["detail"]

    def tokens(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT COUNT(*) FROM device_tokens").fetchone()[0])

    assert await api.db.run(tokens) == 0


async def test_forged_codes_are_refused_then_guessing_is_rate_limited(api: Api) -> None:
    officer = await api.officer()
    code = await _code(api, officer["id"])
    guesser = api.client("10.0.0.66")
    for guess in (
        "AAAAAA",
        "BBBBBB",
        "CCCCCC",
        "DDDDDD",
        "EEEEEE",
        "FFFFFF",
        "GGGGGG",
        "HHHHHH",
        "JJJJJJ",
        "KKKKKK",
    ):
        r = await guesser.post("/api/pairing/redeem", json={"code": guess})
        assert r.status_code == 401 and r.json()["detail"].startswith("room code not recognised")
    r = await guesser.post("/api/pairing/redeem", json={"code": code})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "too many wrong room codes" in r.json()["detail"]
    r = await api.client("10.0.0.67").post("/api/pairing/redeem", json={"code": code})
    assert r.status_code == 200  # the real device elsewhere still pairs


async def test_code_for_unknown_officer_is_404(api: Api) -> None:
    staff = await api.login("instructor")
    r = await staff.post("/api/pairing", json={"officer_id": "nope"})
    assert r.status_code == 404 and r.json()["detail"] == "no officer with id 'nope'"


async def _guess_wrong(api: Api, ip: str, times: int) -> list[int]:
    guesser = api.client(ip)
    codes = []
    for i in range(times):
        r = await guesser.post("/api/pairing/redeem", json={"code": f"ZZZZ{i:02d}"})
        assert r.status_code in (401, 429), (ip, i, r.text)
        codes.append(r.status_code)
    return codes


async def test_guessing_from_many_addresses_never_locks_out_a_fresh_device(api: Api) -> None:
    officer = await api.officer()
    code = await _code(api, officer["id"])
    answers = [await _guess_wrong(api, f"10.6.0.{n}", 10) for n in range(6)]  # 60 wrong codes
    assert answers[:5] == [[401] * 10] * 5  # ten tries per address
    assert answers[5] == [401] + [429] * 9  # in a spree, one try for an address new to it
    r = await api.client("10.6.1.1").post("/api/pairing/redeem", json={"code": code})
    assert r.status_code == 200, r.text  # the real device, at an address that never guessed


async def test_during_a_guessing_spree_an_address_that_guessed_wrong_must_wait(api: Api) -> None:
    officer = await api.officer()
    code = await _code(api, officer["id"])
    for n in range(5):
        assert await _guess_wrong(api, f"10.7.0.{n}", 10) == [401] * 10
    assert await _guess_wrong(api, "10.7.1.1", 1) == [401]  # one typo while others guess
    r = await api.client("10.7.1.1").post("/api/pairing/redeem", json={"code": code})
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts"
    assert "ask the instructor" in r.json()["detail"]
    r = await api.client("10.7.0.0").post("/api/pairing/redeem", json={"code": code})
    assert r.status_code == 429


async def test_an_instructor_resets_the_pairing_limits(api: Api) -> None:
    officer = await api.officer()
    code = await _code(api, officer["id"])
    assert await _guess_wrong(api, "10.5.0.1", 10) == [401] * 10  # an officer mistyping
    tablet = api.client("10.5.0.1")
    assert (await tablet.post("/api/pairing/redeem", json={"code": code})).status_code == 429
    trainer = await api.login("training_officer")
    assert (await trainer.post("/api/pairing/limits/reset")).status_code == 403
    instructor = await api.login("instructor")
    r = await instructor.post("/api/pairing/limits/reset")
    assert r.status_code == 200 and r.json() == {"addresses_cleared": 1}
    r = await tablet.post("/api/pairing/redeem", json={"code": code})
    assert r.status_code == 200, r.text
