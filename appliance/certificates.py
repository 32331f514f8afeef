"""HTTPS: the appliance's certificate (IT's, or self-signed at first start) and its fingerprint."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from appliance.discovery import certificate_fingerprint, host_ipv4_addresses
from appliance.errors import ApplianceError
from appliance.settings import Settings

LOCAL_NAME = "codeblu.local"
VALID_DAYS = 825  # the longest validity Apple platforms accept for a TLS server certificate


class TLSError(ApplianceError):
    """The certificate or key cannot be used."""

    code = "tls_invalid"


@dataclass(frozen=True)
class TLSFiles:
    """The certificate and key the server uses, and whether the appliance generated them."""

    cert: Path
    key: Path
    generated: bool

    @property
    def fingerprint(self) -> str:
        """SHA-256 fingerprint of the certificate (zeroconf TXT ``tls``)."""
        return fingerprint_sha256(self.cert)

    def uvicorn_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``uvicorn.Config`` to serve HTTPS with these files."""
        return {"ssl_certfile": str(self.cert), "ssl_keyfile": str(self.key)}


def fingerprint_sha256(cert_path: Path) -> str:
    """SHA-256 fingerprint of the (first) certificate, colon hex (zeroconf TXT ``tls``)."""
    try:
        return certificate_fingerprint(cert_path.read_text(encoding="ascii"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise TLSError(f"{cert_path}: not a readable PEM certificate ({exc})") from exc


def check_pair(cert: Path, key: Path) -> None:
    """Fail, naming both paths, unless the certificate and key load and belong together."""
    for path in (cert, key):
        if not path.is_file():
            raise TLSError(f"{path}: file not found (tls.cert / tls.key)")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        raise TLSError(
            f"certificate {cert} does not match key {key} (or one is not PEM): {exc.reason or exc};"
            " give the key that was used to request this certificate"
        ) from exc
    except OSError as exc:
        raise TLSError(f"cannot read certificate {cert} or key {key}: {exc}") from exc


def host_names() -> tuple[list[str], list[str]]:
    """DNS names and IP addresses this appliance answers on, for the certificate's SAN."""
    host = socket.gethostname()
    names = [LOCAL_NAME, "localhost"]
    for name in (host, f"{host.split('.')[0]}.local"):
        if name and name not in names:
            names.append(name)
    return names, sorted(set(host_ipv4_addresses()) | {"127.0.0.1"})


def _covers(cert_path: Path, names: list[str], ips: list[str]) -> bool:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    have_ips = {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    fresh = cert.not_valid_after_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    return (
        fresh and set(ips) <= have_ips and set(names) <= set(san.get_values_for_type(x509.DNSName))
    )


def generate(cert_path: Path, key_path: Path, names: list[str], ips: list[str]) -> None:
    """Write a self-signed ECDSA P-256 certificate for the names and IPs; key owner-only."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, LOCAL_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CodeBlu appliance"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    alt: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    alt += [x509.IPAddress(ipaddress.ip_address(a)) for a in ips]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def certificate_paths(settings: Settings) -> tuple[Path, Path, bool]:
    """The certificate and key the server uses, and whether they are the generated pair."""
    tls = settings.tls
    if tls.cert is not None and tls.key is not None:
        return settings.resolve(tls.cert), settings.resolve(tls.key), False
    folder = settings.resolve(settings.appliance.data_dir) / "tls"
    return folder / "cert.pem", folder / "key.pem", True


def ensure_certificate(settings: Settings) -> TLSFiles:
    """IT's certificate if configured (checked), else the generated one (made or renewed)."""
    cert, key, generated = certificate_paths(settings)
    if not generated:
        check_pair(cert, key)
        return TLSFiles(cert, key, generated=False)
    folder = cert.parent
    names, ips = host_names()
    try:
        current = cert.is_file() and key.is_file() and _covers(cert, names, ips)
    except (ValueError, x509.ExtensionNotFound):
        current = False
    try:
        if not current:  # first start, a new address, or close to expiry
            generate(cert, key, names, ips)
    except OSError as exc:
        raise TLSError(
            f"{folder}: cannot write the generated certificate ({exc}); make appliance.data_dir"
            " writable or set tls.cert and tls.key"
        ) from exc
    check_pair(cert, key)
    return TLSFiles(cert, key, generated=True)


def server_tls(settings: Settings) -> TLSFiles | None:
    """The certificate to serve with, or None when ``tls.enabled`` is off."""
    return ensure_certificate(settings) if settings.tls.enabled else None


def uvicorn_ssl_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.Config`` to serve HTTPS; empty when TLS is off."""
    files = server_tls(settings)
    return files.uvicorn_kwargs() if files else {}
