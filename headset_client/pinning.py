"""Trusting exactly the certificate the appliance advertised (zeroconf TXT ``tls``), nothing else.

The appliance's certificate is usually self-signed, so no CA vouches for it; what vouches for it
is the SHA-256 fingerprint it advertises. The client fetches the certificate, compares the
fingerprint, and then trusts that certificate alone for its requests: a server presenting any
other certificate fails the TLS handshake before a token or a byte of audio is sent.
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

from appliance.discovery import certificate_fingerprint
from headset_client.signalling import SignallingError

FETCH_TIMEOUT_S = 10.0


def same_fingerprint(a: str, b: str) -> bool:
    """Whether two SHA-256 fingerprints are equal (case and colons ignored)."""
    return a.replace(":", "").upper() == b.replace(":", "").upper()


def trusting(cert_pem: str) -> ssl.SSLContext:
    """A client context that trusts ``cert_pem`` and nothing else (names are not checked)."""
    context = ssl.create_default_context(cadata=cert_pem)
    context.check_hostname = False  # trust rests on the pinned certificate, not on an address
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # the pinned leaf is the anchor
    return context


async def pinned_context(base_url: str, fingerprint: str) -> ssl.SSLContext:
    """A context for ``base_url`` (https) that trusts only the certificate with ``fingerprint``."""
    where = urlsplit(base_url)
    host, port = where.hostname or "", where.port or 443
    try:
        pem = await asyncio.to_thread(
            ssl.get_server_certificate, (host, port), timeout=FETCH_TIMEOUT_S
        )
    except (OSError, ssl.SSLError) as exc:
        raise SignallingError(
            f"{base_url}: cannot read the appliance's certificate ({exc})", code="unreachable"
        ) from exc
    found = certificate_fingerprint(pem)
    if not same_fingerprint(found, fingerprint):
        raise SignallingError(
            f"{base_url} presented certificate {found}, not the advertised {fingerprint}:"
            " refusing to connect (another machine may be posing as the appliance)",
            code="tls_mismatch",
        )
    return trusting(pem)


async def trust(base_url: str, fingerprint: str | None) -> ssl.SSLContext | bool:
    """What the client's HTTP requests verify against: the pinned certificate, or the system CAs."""
    if not fingerprint:
        return True
    if not base_url.startswith("https://"):
        raise SignallingError(
            f"{base_url}: a TLS fingerprint needs an https:// address", code="bad_request"
        )
    return await pinned_context(base_url, fingerprint)
