"""HTTPS: a generated certificate, IT's own pair checked, and a real TLS server."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from appliance.certificates import (
    TLSError,
    ensure_certificate,
    fingerprint_sha256,
    generate,
    server_tls,
    uvicorn_ssl_kwargs,
)
from appliance.settings import Settings
from tests.conftest import free_port
from tests.web.conftest import build_app, web_settings


def _settings(tmp_path: Path, **tls: object) -> Settings:
    base = web_settings(tmp_path)
    return base.model_copy(
        update={"tls": base.tls.model_validate({**base.tls.model_dump(), **tls})}
    )


def test_generated_certificate_covers_the_appliance_and_is_reused(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    files = ensure_certificate(settings)
    assert files.generated and files.cert == tmp_path / "tls" / "cert.pem"
    assert oct(files.key.stat().st_mode & 0o777) == "0o600"
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "codeblu.local" in san.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    fp = fingerprint_sha256(files.cert)
    assert fp == ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))
    assert (
        files.fingerprint == fp and ensure_certificate(settings).fingerprint == fp
    )  # not regenerated
    assert uvicorn_ssl_kwargs(settings) == {
        "ssl_certfile": str(files.cert),
        "ssl_keyfile": str(files.key),
    }
    assert (
        uvicorn_ssl_kwargs(_settings(tmp_path, enabled=False)) == {}
        and server_tls(_settings(tmp_path, enabled=False)) is None
    )


def test_it_provided_pair_is_checked(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    generate(a / "cert.pem", a / "key.pem", ["codeblu.local"], ["127.0.0.1"])
    generate(b / "cert.pem", b / "key.pem", ["codeblu.local"], ["127.0.0.1"])
    ok = ensure_certificate(_settings(tmp_path, cert=str(a / "cert.pem"), key=str(a / "key.pem")))
    assert not ok.generated and ok.cert == a / "cert.pem"
    with pytest.raises(TLSError) as err:
        ensure_certificate(_settings(tmp_path, cert=str(a / "cert.pem"), key=str(b / "key.pem")))
    assert f"certificate {a / 'cert.pem'} does not match key {b / 'key.pem'}" in err.value.message
    with pytest.raises(TLSError, match=r"missing.pem: file not found"):
        ensure_certificate(
            _settings(tmp_path, cert=str(tmp_path / "missing.pem"), key=str(a / "key.pem"))
        )
    with pytest.raises(TLSError, match="not a readable PEM certificate"):
        fingerprint_sha256(a / "key.pem")
    with pytest.raises(ValueError, match="set both tls.cert and tls.key"):
        _settings(tmp_path, cert=str(a / "cert.pem"))


async def test_real_https_server_with_the_generated_certificate(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    tls = server_tls(settings)
    assert tls is not None
    port = free_port()
    config = uvicorn.Config(
        build_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        **tls.uvicorn_kwargs(),
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):  # uvicorn offers no event to await for "started"
            if server.started:
                break
            await asyncio.sleep(0.05)  # noqa: ASYNC110
        assert server.started
        pinned = ssl.create_default_context(cafile=str(tls.cert))
        async with httpx.AsyncClient(verify=pinned, base_url=f"https://127.0.0.1:{port}") as client:
            r = await client.get("/api/auth/me")
            assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
        async with httpx.AsyncClient(base_url=f"https://127.0.0.1:{port}") as strict:
            with pytest.raises(httpx.ConnectError):  # self-signed: only a pinning client trusts it
                await strict.get("/api/auth/me")
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
