"""Secret tokens: generated at random, stored only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets

# Room codes avoid look-alike characters (0/O, 1/I/L) so they can be read off a screen.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_token() -> str:
    """A 256-bit URL-safe secret (cookies, bearer tokens, CSRF tokens)."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """A short room code, e.g. ``K7PX3M``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """A typed room code in canonical form (case and separators ignored)."""
    return "".join(c for c in code.upper() if c.isalnum())


def digest(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
