"""Check of zeroconf: register an advertisement and see it in a browse, on loopback."""

from __future__ import annotations

import time

from appliance.checks.rows import Row, fail, ok
from appliance.discovery import Advertisement, advertised_addresses, browse
from appliance.errors import ApplianceError
from appliance.settings import Settings

LOOPBACK = ("127.0.0.1",)
BROWSE_S = 4.0


async def mdns_row(settings: Settings, fingerprint: str = "") -> Row:
    """Advertise ``_codeblu._tcp`` on loopback, browse for it; name the LAN addresses it uses."""
    try:
        lan = advertised_addresses(settings.server.host)
    except ApplianceError as exc:
        return fail("mdns", exc.message, "set server.host to an address of this appliance")
    probe_room = f"{settings.appliance.room[:40]} doctor probe"
    probe = settings.model_copy(
        update={"appliance": settings.appliance.model_copy(update={"room": probe_room})}
    )
    started = time.monotonic()
    try:
        async with Advertisement(probe, tls_fingerprint=fingerprint, addresses=LOOPBACK):
            found = await browse(BROWSE_S, room=probe_room, interfaces=LOOPBACK)
    except (ApplianceError, OSError) as exc:
        return fail(
            "mdns",
            f"zeroconf could not advertise: {exc}",
            "allow multicast UDP 5353 (firewall: ufw allow 5353/udp) and check avahi or"
            " another mDNS responder does not hold the port exclusively",
        )
    if not found:
        return fail(
            "mdns",
            f"advertisement not seen by a browse within {BROWSE_S:.0f} s",
            "allow multicast UDP 5353 on the appliance (firewall) and on the LAN switch",
        )
    seen = found[0]
    return ok(
        "mdns",
        f"_codeblu._tcp seen on loopback in {time.monotonic() - started:.1f} s"
        f" (TXT room, ver {seen.properties.get('ver')}, tls, cap); advertises"
        f" {', '.join(lan)} port {settings.server.port}",
    )
