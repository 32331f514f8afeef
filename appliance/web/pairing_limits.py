"""Room-code guessing limits: per address, never a lockout of every device; an instructor resets.

A room code is 6 characters from 31 (about 8.9e8 codes), single use and good for 10 minutes, so
guessing one at 10 wrong codes per address per 10 minutes is hopeless. Many addresses guessing
at once (a spree) is the case to slow further: then an address that has guessed wrong must wait
until the spree is over, while an address that never guessed still gets its try, so the officer
holding the real code is never locked out by someone else's guessing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from appliance.web.http_errors import TooManyAttempts
from appliance.web.rate_limit import FailureLimiter

PER_ADDRESS, SPREE, WINDOW_S = 10, 50, 600.0
_ALL = "*"


class PairingLimits:
    """Counts wrong room codes per address and on the whole appliance."""

    def __init__(
        self,
        per_address: int = PER_ADDRESS,
        spree: int = SPREE,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.addresses = FailureLimiter(per_address, window_s, clock)
        self.everyone = FailureLimiter(spree, window_s, clock)

    def check(self, ip: str) -> None:
        """Raise ``TooManyAttempts`` if ``ip`` must wait before trying a room code."""
        wait = self.addresses.retry_after(ip)
        if wait:
            raise TooManyAttempts(
                f"too many wrong room codes: wait {wait} s, then type the code shown on the"
                " console (or ask the instructor to reset pairing)",
                wait,
            )
        spree = self.everyone.retry_after(_ALL)
        if spree and self.addresses.count(ip):
            wait = min(spree, self.addresses.clear_after(ip))
            raise TooManyAttempts(
                f"many wrong room codes are being tried on this appliance and this device has"
                f" sent one: ask the instructor to reset pairing, or wait {wait} s",
                wait,
            )

    def fail(self, ip: str) -> None:
        """Count one wrong room code from ``ip``."""
        self.addresses.fail(ip)
        self.everyone.fail(_ALL)

    def reset(self) -> int:
        """Forget every wrong code (an instructor's reset); how many addresses were held back."""
        self.everyone.clear()
        return self.addresses.clear()
