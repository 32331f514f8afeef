"""Zeroconf: advertise this appliance as ``_codeblu._tcp`` on the LAN, and browse for appliances."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import logging
import re
import socket
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

import ifaddr
from zeroconf import (
    BadTypeInNameException,
    InterfaceChoice,
    IPVersion,
    NonUniqueNameException,
    ServiceStateChange,
    Zeroconf,
)
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from appliance import __version__
from appliance.errors import ApplianceError, ConfigError
from appliance.settings import Settings

log = logging.getLogger(__name__)

SERVICE_TYPE = "_codeblu._tcp.local."
API_BASE = "/api"
_LABEL_BYTES = 63  # one DNS label
_SUFFIX_ROOM = 4  # "-NN" appended by zeroconf on a name conflict
_WILDCARDS = {"", "0.0.0.0", "::"}
_RESOLVE_MS = 1500


class DiscoveryError(ApplianceError):
    """The zeroconf advertisement could not be started or updated."""

    code = "discovery_failed"


@dataclass(frozen=True)
class FoundAppliance:
    """One appliance seen on the LAN: instance name, host, IPv4 addresses, port and TXT keys."""

    name: str
    host: str
    addresses: tuple[str, ...]
    port: int
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def room(self) -> str:
        """The room the appliance serves (TXT ``room``)."""
        return self.properties.get("room", "")

    @property
    def capacity(self) -> int:
        """Free session slots (TXT ``cap``); 0 when missing or malformed."""
        try:
            return int(self.properties.get("cap", "0"))
        except ValueError:
            return 0

    @property
    def url(self) -> str:
        """Origin of the appliance's HTTP API (``https`` when a TLS fingerprint is advertised)."""
        scheme = "https" if self.properties.get("tls") else "http"
        return f"{scheme}://{self.addresses[0]}:{self.port}"

    @property
    def api_url(self) -> str:
        """The API base URL: origin plus TXT ``api``."""
        return self.url + self.properties.get("api", API_BASE)


def instance_name(room: str) -> str:
    """A DNS-SD instance name for a room: printable, no dots, one DNS label leaving suffix room."""
    text = re.sub(r"\s+", " ", room)
    text = re.sub(r"[\x00-\x1f\x7f.]+", "-", text).strip(" -") or "CodeBlu"
    encoded = text.encode("utf-8")[: _LABEL_BYTES - _SUFFIX_ROOM]
    return encoded.decode("utf-8", errors="ignore").rstrip(" -") or "CodeBlu"


def host_ipv4_addresses() -> tuple[str, ...]:
    """Every IPv4 address on this host's interfaces, loopback included."""
    found = {ip.ip for adapter in ifaddr.get_adapters() for ip in adapter.ips if ip.is_IPv4}
    return tuple(sorted(str(a) for a in found))


def advertised_addresses(host: str, available: Sequence[str] | None = None) -> tuple[str, ...]:
    """IPv4 addresses to advertise for a server listening on ``host``.

    A wildcard host means every non-loopback IPv4 address of the host (loopback only when the host
    has nothing else); a specific address or name means the addresses it stands for.
    """
    if host.strip() in _WILDCARDS:
        everything = host_ipv4_addresses() if available is None else tuple(available)
        lan = tuple(a for a in everything if not ipaddress.ip_address(a).is_loopback)
        return lan or ("127.0.0.1",)
    try:
        return (str(ipaddress.IPv4Address(host)),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, family=socket.AF_INET, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        reason = f"{host!r} does not resolve to an IPv4 address ({exc})"
        raise ConfigError(f"server.host: {reason}") from None
    return tuple(sorted({str(info[4][0]) for info in infos}))


def certificate_fingerprint(cert_pem: str) -> str:
    """SHA-256 fingerprint of a PEM certificate, colon-separated upper-case hex (TXT ``tls``)."""
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(cert_pem)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _server_name() -> str:
    """This machine's mDNS host name for the advertisement (not the OS's own ``.local`` name)."""
    return f"codeblu-{uuid.getnode():012x}.local."


class Advertisement:
    """Registers ``_codeblu._tcp.local.`` while the context is open; unregisters on exit."""

    def __init__(
        self,
        settings: Settings,
        *,
        tls_fingerprint: str = "",
        capacity: int | None = None,
        addresses: Sequence[str] | None = None,
    ) -> None:
        self._room = settings.appliance.room
        self._port = settings.server.port
        self._tls = tls_fingerprint
        self._capacity = settings.server.max_sessions if capacity is None else capacity
        derived = addresses if addresses is not None else advertised_addresses(settings.server.host)
        self._addresses = tuple(derived)
        if not self._addresses:
            raise ConfigError("server.host: no IPv4 address to advertise over zeroconf")
        self._zc: AsyncZeroconf | None = None
        self._info: AsyncServiceInfo | None = None
        self._service_name = ""
        self._broadcast: asyncio.Future[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def addresses(self) -> tuple[str, ...]:
        """The IPv4 addresses advertised (and the interfaces mDNS runs on)."""
        return self._addresses

    @property
    def service_name(self) -> str:
        """The full service name registered last (after any conflict rename)."""
        if not self._service_name:
            raise DiscoveryError("the zeroconf advertisement has not been registered")
        return self._service_name

    @property
    def name(self) -> str:
        """The registered instance name, e.g. ``Training Room`` or ``Training Room-2``."""
        return self.service_name[: -len(SERVICE_TYPE) - 1]

    @property
    def capacity(self) -> int:
        """The free session slots last announced."""
        return self._capacity

    def properties(self) -> dict[str, str]:
        """The TXT record announced right now."""
        return {
            "api": API_BASE,
            "ver": __version__,
            "room": self._room,
            "tls": self._tls,
            "cap": str(self._capacity),
        }

    def _service_info(self, name: str) -> AsyncServiceInfo:
        return AsyncServiceInfo(
            SERVICE_TYPE,
            name,
            port=self._port,
            properties=self.properties(),
            server=_server_name(),
            parsed_addresses=list(self._addresses),
        )

    async def __aenter__(self) -> Self:
        try:
            self._zc = AsyncZeroconf(interfaces=list(self._addresses), ip_version=IPVersion.V4Only)
            info = self._service_info(f"{instance_name(self._room)}.{SERVICE_TYPE}")
            registered = await self._zc.async_register_service(info, allow_name_change=True)
            self._broadcast = asyncio.ensure_future(registered)
            self._info = info
            self._service_name = info.name
        except (OSError, BadTypeInNameException, NonUniqueNameException) as exc:
            await self._close()
            raise DiscoveryError(
                f"zeroconf advertisement on {', '.join(self._addresses)} failed: {exc}"
            ) from exc
        except BaseException:
            await self._close()
            raise
        log.info(
            "advertising %r as %s on %s port %d",
            self.name,
            SERVICE_TYPE,
            ", ".join(self._addresses),
            self._port,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._close()

    async def update_capacity(self, free: int) -> None:
        """Announce a new number of free session slots (TXT ``cap``)."""
        if free < 0:
            raise ValueError(f"free session slots cannot be negative: {free}")
        async with self._lock:
            if free == self._capacity:
                return
            self._capacity = free
            if self._zc is None or self._info is None:
                return
            self._cancel_broadcast()
            self._info = self._service_info(self._info.name)
            self._broadcast = asyncio.ensure_future(await self._zc.async_update_service(self._info))

    def _cancel_broadcast(self) -> None:
        # A newer announcement supersedes the repeats of an older one still being sent.
        if self._broadcast is not None and not self._broadcast.done():
            self._broadcast.cancel()
        self._broadcast = None

    async def _close(self) -> None:
        zc, info = self._zc, self._info
        self._zc = self._info = None
        try:
            self._cancel_broadcast()
            if zc is not None and info is not None:
                goodbye = await zc.async_unregister_service(info)
                await goodbye
        finally:
            if zc is not None:
                await zc.async_close()


async def browse(
    timeout_s: float = 3.0,
    room: str | None = None,
    *,
    interfaces: Sequence[str] | None = None,
) -> list[FoundAppliance]:
    """Appliances answering on the LAN within ``timeout_s`` (with ``room``: that room's, first one).

    With ``room`` it returns as soon as one appliance of that room is resolved. ``interfaces``
    limits mDNS to the given IPv4 addresses (default: all interfaces).
    """
    azc = AsyncZeroconf(
        interfaces=list(interfaces) if interfaces is not None else InterfaceChoice.All,
        ip_version=IPVersion.V4Only,
    )
    found: dict[str, FoundAppliance] = {}
    matched = asyncio.Event()
    pending: set[asyncio.Task[None]] = set()

    async def resolve(name: str) -> None:
        info = AsyncServiceInfo(SERVICE_TYPE, name)
        if not await info.async_request(azc.zeroconf, _RESOLVE_MS):
            return
        appliance = _found(info)
        if appliance is None or (room is not None and appliance.room.casefold() != room.casefold()):
            return
        found[name] = appliance
        if room is not None:
            matched.set()

    def on_change(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change is ServiceStateChange.Removed:
            found.pop(name, None)
            return
        task = asyncio.get_running_loop().create_task(resolve(name))
        pending.add(task)
        task.add_done_callback(pending.discard)

    browser = AsyncServiceBrowser(azc.zeroconf, SERVICE_TYPE, handlers=[on_change])
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(matched.wait(), timeout_s)
    finally:
        for task in list(pending):
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await browser.async_cancel()
        await azc.async_close()
    return sorted(found.values(), key=lambda a: a.name)


def _found(info: AsyncServiceInfo) -> FoundAppliance | None:
    addresses = tuple(info.parsed_addresses(IPVersion.V4Only))
    if not addresses or info.port is None:
        return None
    props = {k: v or "" for k, v in info.decoded_properties.items()}
    return FoundAppliance(
        name=info.name[: -len(SERVICE_TYPE) - 1],
        host=info.server or "",
        addresses=addresses,
        port=info.port,
        properties=props,
    )
