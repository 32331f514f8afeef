"""Zeroconf advertisement and browsing on loopback, seen by python-zeroconf and Debian's avahi."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from appliance import __version__
from appliance.discovery import (
    Advertisement,
    advertised_addresses,
    browse,
    certificate_fingerprint,
    instance_name,
)
from appliance.errors import ConfigError
from appliance.settings import Settings

LOOPBACK = ["127.0.0.1"]
BROWSE_S = 4.0
ABSENT_BROWSE_S = 2.5


def room_settings(settings: Settings, room: str, port: int | None = None) -> Settings:
    """The test settings (loopback host) for another room and port."""
    appliance = settings.appliance.model_copy(update={"room": room})
    server = settings.server.model_copy(update={"port": port or settings.server.port})
    return settings.model_copy(update={"appliance": appliance, "server": server})


def test_instance_name_is_one_printable_label() -> None:
    assert instance_name("Training Room") == "Training Room"
    assert instance_name("  Room 2.B\t(east)\n") == "Room 2-B (east)"
    assert instance_name("...") == "CodeBlu"
    long = instance_name("é" * 80)
    assert len(long.encode()) <= 59 and long == "é" * 29


def test_addresses_follow_the_listen_host() -> None:
    lan = ["127.0.0.1", "192.168.1.20", "10.0.0.5"]
    assert advertised_addresses("0.0.0.0", lan) == ("192.168.1.20", "10.0.0.5")
    assert advertised_addresses("0.0.0.0", ["127.0.0.1"]) == ("127.0.0.1",)
    assert advertised_addresses("127.0.0.1") == ("127.0.0.1",)
    assert advertised_addresses("localhost") == ("127.0.0.1",)
    with pytest.raises(ConfigError, match="server.host"):
        advertised_addresses("no-such-host.invalid")


def test_certificate_fingerprint_matches_sha256_of_der() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "codeblu.local")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    fingerprint = certificate_fingerprint(pem)
    assert fingerprint.replace(":", "") == cert.fingerprint(hashes.SHA256()).hex().upper()
    assert len(fingerprint.split(":")) == 32


async def test_browser_sees_txt_keys(settings: Settings) -> None:
    async with Advertisement(
        room_settings(settings, "Room Alpha"), tls_fingerprint="AB:CD", capacity=3
    ) as ad:
        assert ad.addresses == ("127.0.0.1",)
        found = await browse(BROWSE_S, room="Room Alpha", interfaces=LOOPBACK)
    assert len(found) == 1
    appliance = found[0]
    assert appliance.name == ad.name == "Room Alpha"
    assert appliance.port == settings.server.port
    assert appliance.addresses == ("127.0.0.1",)
    assert appliance.properties == {
        "api": "/api",
        "ver": __version__,
        "room": "Room Alpha",
        "tls": "AB:CD",
        "cap": "3",
    }
    assert appliance.capacity == 3
    assert appliance.url == f"https://127.0.0.1:{settings.server.port}"


async def test_capacity_update_is_seen_by_a_fresh_browse(settings: Settings) -> None:
    async with Advertisement(room_settings(settings, "Room Bravo")) as ad:
        first = await browse(BROWSE_S, room="Room Bravo", interfaces=LOOPBACK)
        await ad.update_capacity(1)
        second = await browse(BROWSE_S, room="Room Bravo", interfaces=LOOPBACK)
    assert [a.properties["cap"] for a in first] == [str(settings.server.max_sessions)]
    assert [a.properties["cap"] for a in second] == ["1"]
    assert second[0].properties["tls"] == ""
    assert first[0].url == f"http://127.0.0.1:{settings.server.port}"


async def test_unregistered_on_exit_even_after_an_error(settings: Settings) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with Advertisement(room_settings(settings, "Room Charlie")):
            assert await browse(BROWSE_S, room="Room Charlie", interfaces=LOOPBACK)
            raise RuntimeError("boom")
    assert await browse(ABSENT_BROWSE_S, room="Room Charlie", interfaces=LOOPBACK) == []


async def test_same_room_twice_gets_a_unique_suffix(settings: Settings) -> None:
    first = Advertisement(room_settings(settings, "Room Delta", port=18001))
    second = Advertisement(room_settings(settings, "Room Delta", port=18002))
    async with first, second:
        found = await browse(BROWSE_S, interfaces=LOOPBACK)
    delta = {a.name: a.port for a in found if a.room == "Room Delta"}
    assert first.name == "Room Delta"
    assert second.name == "Room Delta-2"
    assert delta == {"Room Delta": 18001, "Room Delta-2": 18002}


# --- avahi ---------------------------------------------------------------------------------------

BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
  </policy>
</busconfig>
"""

AVAHI_CONF = """[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
publish-addresses=no
"""


async def _line_containing(stream: asyncio.StreamReader, needle: str, timeout_s: float) -> bool:
    async def scan() -> bool:
        while line := await stream.readline():
            if needle in line.decode(errors="replace"):
                return True
        return False

    try:
        return await asyncio.wait_for(scan(), timeout_s)
    except TimeoutError:
        return False


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 5.0)
        except TimeoutError:
            proc.kill()
            await proc.wait()


@pytest_asyncio.fixture(scope="module")
async def avahi_bus(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A private D-Bus system bus with an avahi-daemon on loopback only; yields the bus address."""
    missing = [b for b in ("dbus-daemon", "avahi-daemon", "avahi-browse") if not shutil.which(b)]
    if missing:
        pytest.skip(f"needs avahi-daemon, avahi-utils and dbus ({', '.join(missing)} missing)")
    check = await asyncio.create_subprocess_exec(
        "avahi-daemon",
        "--check",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    if await check.wait() == 0:
        pytest.skip("an avahi-daemon not started by this test already runs here (one per host)")
    folder = tmp_path_factory.mktemp("avahi")
    socket_path = folder / "bus.sock"
    (folder / "bus.conf").write_text(BUS_CONF.format(socket=socket_path))
    (folder / "avahi.conf").write_text(AVAHI_CONF)
    address = f"unix:path={socket_path}"
    bus = await asyncio.create_subprocess_exec(
        "dbus-daemon",
        f"--config-file={folder / 'bus.conf'}",
        "--nofork",
        "--print-address",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert bus.stdout is not None
        if not await _line_containing(bus.stdout, "unix:path=", 10.0):
            pytest.skip("dbus-daemon would not start a private system bus here")
        env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": address}
        avahi = await asyncio.create_subprocess_exec(
            "avahi-daemon",
            "--no-drop-root",
            "--no-chroot",
            "--no-rlimits",
            "-f",
            str(folder / "avahi.conf"),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        drain: asyncio.Task[bytes] | None = None
        try:
            assert avahi.stderr is not None
            if not await _line_containing(avahi.stderr, "Server startup complete", 15.0):
                pytest.skip("avahi-daemon would not start on loopback here")
            drain = asyncio.create_task(avahi.stderr.read())  # keep its log pipe from filling
            yield address
        finally:
            await _stop(avahi)
            if drain is not None:
                await drain
    finally:
        await _stop(bus)


async def _avahi_browse(bus_address: str) -> list[list[str]]:
    proc = await asyncio.create_subprocess_exec(
        "avahi-browse",
        "-rtp",
        "_codeblu._tcp",
        env={**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": bus_address},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 20.0)
    finally:
        await _stop(proc)
    assert proc.returncode == 0, err.decode()
    return [line.split(";") for line in out.decode().splitlines() if line.startswith("=")]


async def test_avahi_browse_sees_the_appliance(settings: Settings, avahi_bus: str) -> None:
    async with Advertisement(room_settings(settings, "Room Echo"), capacity=2):
        resolved = await _avahi_browse(avahi_bus)
    ours = [r for r in resolved if r[3] == "Room\\032Echo"]
    assert ours, resolved
    fields = ours[0]
    assert fields[4] == "_codeblu._tcp"
    assert fields[7] == "127.0.0.1"
    assert fields[8] == str(settings.server.port)
    txt = dict(item.strip('"').split("=", 1) for item in fields[9].split('" "'))
    assert txt == {"api": "/api", "ver": __version__, "room": "Room Echo", "tls": "", "cap": "2"}
