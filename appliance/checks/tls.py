"""Check of HTTPS: the certificate loads, matches its key, is in date; its fingerprint."""

from __future__ import annotations

import datetime as dt

from cryptography import x509

from appliance.certificates import TLSError, certificate_paths, check_pair, fingerprint_sha256
from appliance.checks.rows import Row, fail, ok, warn
from appliance.settings import Settings

RENEW_DAYS = 30


def tls_row(settings: Settings) -> tuple[Row, str]:
    """The TLS row and the certificate's fingerprint ('' when there is none)."""
    if not settings.tls.enabled:
        return warn(
            "tls",
            "tls.enabled = false: plain HTTP; browsers refuse the microphone on a LAN address",
            "set tls.enabled = true",
        ), ""
    cert, key, generated = certificate_paths(settings)
    if generated and not cert.exists():
        return warn(
            "tls",
            f"no certificate yet at {cert}; one is generated at first start",
            "run `python -m appliance provision` or start the appliance once",
        ), ""
    try:
        check_pair(cert, key)
        fingerprint = fingerprint_sha256(cert)
        until = x509.load_pem_x509_certificate(cert.read_bytes()).not_valid_after_utc
    except TLSError as exc:
        keys = "" if generated else " (tls.cert / tls.key)"
        fix = (
            "delete both files to have a new pair generated at start"
            if generated
            else "set tls.cert and tls.key to a certificate and the key it was issued for"
        )
        return fail("tls", exc.message + keys, fix), ""
    except (OSError, ValueError) as exc:
        return fail(
            "tls",
            f"{cert}: not a readable certificate ({exc})",
            "install a PEM certificate (tls.cert)",
        ), ""
    left = until - dt.datetime.now(dt.UTC)
    detail = (
        f"{'generated' if generated else 'IT-provided'} {cert}, valid until"
        f" {until:%Y-%m-%d}, SHA-256 {fingerprint}"
    )
    if left.total_seconds() <= 0:
        return fail(
            "tls",
            f"expired: {detail}",
            "renew the certificate (a generated one is renewed at start)",
        ), fingerprint
    if left.days < RENEW_DAYS:
        return warn(
            "tls",
            f"expires in {left.days} days: {detail}",
            "renew the certificate before it expires",
        ), fingerprint
    return ok("tls", detail), fingerprint
