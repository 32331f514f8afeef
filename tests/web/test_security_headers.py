"""Security headers on every answer: pages, API, errors; HSTS only over HTTPS; no-store on data."""

from __future__ import annotations

import httpx

from tests.web.conftest import Api


def _directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def _assert_hardened(r: httpx.Response, what: str) -> None:
    policy = _directives(r.headers.get("content-security-policy", "default-src *"))
    assert policy["default-src"] == ["'self'"], what
    assert policy["script-src"] == ["'self'"], what  # no inline script, no eval, no CDN
    assert "'unsafe-inline'" not in policy["style-src"], what
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"], what
    assert policy["frame-ancestors"] == ["'self'"], what
    assert r.headers.get("x-content-type-options") == "nosniff", what
    assert r.headers.get("x-frame-options") == "SAMEORIGIN", what
    assert r.headers.get("referrer-policy") == "no-referrer", what


async def test_pages_api_and_errors_all_carry_the_headers(api: Api) -> None:
    anyone = api.client()
    staff = await api.login("instructor")
    answers = {
        "officer page": await anyone.get("/app/"),
        "console page": await anyone.get("/console/"),
        "a script": await anyone.get("/console/console.js"),
        "401": await anyone.get("/api/officers"),
        "404": await anyone.get("/no/such/page"),
        "422": await staff.post("/api/officers", json={"name": ""}),
        "413": await staff.post("/api/officers", content=b"x" * 100_000),
        "200 data": await staff.get("/api/officers"),
    }
    for what, r in answers.items():
        _assert_hardened(r, what)
        hsts = r.headers.get("strict-transport-security", "")
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 15552000
    assert answers["officer page"].status_code == 200 and answers["413"].status_code == 413


async def test_personal_data_is_never_cached(api: Api) -> None:
    officer = await api.officer()
    staff = await api.login("instructor")
    for path in ("/api/officers", f"/api/officers/{officer['id']}", "/api/auth/me"):
        r = await staff.get(path)
        assert r.status_code == 200 and r.headers.get("cache-control") == "no-store", path
    r = await api.client().post(
        "/api/auth/login", json={"username": "admin", "password": "Admin-Passphrase-2026"}
    )
    assert r.status_code == 200 and r.headers.get("cache-control") == "no-store"


async def test_no_hsts_over_plain_http(api: Api) -> None:
    transport = httpx.ASGITransport(app=api.app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://appliance.test") as c:
        r = await c.get("/app/")
    assert r.status_code == 200 and "strict-transport-security" not in r.headers
    _assert_hardened(r, "plain http page")


async def test_an_unexpected_failure_is_a_bare_500_with_the_headers(api: Api) -> None:
    async def boom() -> None:
        raise RuntimeError("secret internals /etc/codeblu")

    api.app.add_api_route("/api/test-boom", boom)  # a failure injected into a real route
    r = await api.client().get("/api/test-boom")
    assert r.status_code == 500
    assert r.json() == {
        "detail": "internal error: the appliance logged the cause",
        "code": "internal_error",
    }
    _assert_hardened(r, "500")
    assert r.headers.get("cache-control") == "no-store" and "secret" not in r.text
