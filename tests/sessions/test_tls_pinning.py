"""The reference client over HTTPS: it trusts exactly the certificate zeroconf advertised."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from appliance.app import create_app
from appliance.certificates import server_tls
from appliance.discovery import Advertisement
from appliance.engine import Engine
from appliance.settings import Settings
from headset_client import HeadsetClient, SignallingError
from headset_client.__main__ import _locate

from ..conftest import free_port
from ..live_app import served
from .test_discovery import LOOPBACK, room_settings

WRONG = ":".join(["AB"] * 32)


async def test_the_client_pins_the_advertised_certificate(
    settings: Settings, engine: Engine, device_token: str, tmp_path: Path
) -> None:
    tls = server_tls(settings)
    assert tls is not None
    port = free_port()
    app = create_app(settings, engine, advertise=False)
    async with served(app, port, **tls.uvicorn_kwargs()):
        room = room_settings(settings, "Room Pinned", port)
        async with Advertisement(room, tls_fingerprint=tls.fingerprint):
            args = argparse.Namespace(
                url=None, room="Room Pinned", browse_s=4.0, interface=LOOPBACK, tls_fingerprint=None
            )
            url, api, fingerprint = await _locate(args)
        assert url == f"https://127.0.0.1:{port}" and fingerprint == tls.fingerprint
        async with HeadsetClient(
            url, api_path=api, tls_fingerprint=fingerprint, token=device_token
        ) as client:
            assert client.session is not None
            sid = client.session.session_id
        assert app.state.sessions.transcript(sid)["outcome"] == "ended"

        impostor = HeadsetClient(url, tls_fingerprint=WRONG, token=device_token)
        with pytest.raises(SignallingError, match="not the advertised") as caught:
            async with impostor:
                pass
        assert caught.value.code == "tls_mismatch" and impostor.session is None
        assert len(app.state.sessions.live) == 0
