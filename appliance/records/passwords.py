"""Password hashing (argon2id) and the strength rule every account password must pass."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from appliance.errors import RecordInvalid

MIN_LENGTH = 12
MAX_LENGTH = 256
_COMMON = frozenset(
    {
        "password1234",
        "passwordpassword",
        "123456789012",
        "qwertyuiopas",
        "administrator",
        "changeme1234",
        "letmein12345",
        "welcome12345",
        "codeblu12345",
        "police123456",
        "iloveyou1234",
        "trustno11234",
        "password123!",
        "Password123!",
        "P@ssw0rd1234",
    }
)
_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
# Verified against when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("codeblu-no-such-account")


def check_strength(password: str, username: str = "") -> None:
    """Refuse a weak password with the reason; long passphrases need no symbol rules."""
    if len(password) < MIN_LENGTH:
        raise RecordInvalid(f"password too short: use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise RecordInvalid(f"password too long: at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in {c.lower() for c in _COMMON} or len(set(lowered)) < 5:
        raise RecordInvalid("password too easy to guess: choose a longer, less common passphrase")
    if username and len(username) >= 3 and username.lower() in lowered:
        raise RecordInvalid("password must not contain the username")
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if len(password) < 16 and classes < 3:
        raise RecordInvalid(
            "password too weak: mix upper case, lower case, digits or symbols (3 of 4),"
            " or use a passphrase of 16 characters or more"
        )


def hash_password(password: str) -> str:
    """An argon2id hash of the password (slow by design: call off the event loop)."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches; a missing account still spends the same time."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
