"""Demo mode: whether "Try the demo" is offered, and the passes that reach one demo call."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from appliance.web.http_errors import Forbidden

DEMO_SCENARIO = "demo_bus_shelter"
# A demo call's "officer": nobody registered; its sessions are marked demo in the records.
DEMO_OFFICER = {"id": "demo", "name": "Demo caller"}
DEMO_PASS_LIFETIME_S = 3600.0  # the call (three minutes) and reading its review afterwards


class DemoOff(Forbidden):
    """A demo call was asked for while demo mode is off."""

    code = "demo_off"


@dataclass
class DemoDesk:
    """Demo mode (from ``[server] demo_mode``, switched live by an admin) and passes in memory.

    A pass is the bearer token of one demo call's browser: it reaches that session only (its
    offer, its end, its transcript and review) and a restart forgets it.
    """

    enabled: bool = False
    lifetime_s: float = DEMO_PASS_LIFETIME_S
    _passes: dict[str, tuple[str, float]] = field(default_factory=dict)

    def check(self) -> None:
        """Raise ``DemoOff`` unless demo mode is on."""
        if not self.enabled:
            raise DemoOff(
                "demo mode is off on this appliance: an admin turns it on ([server] demo_mode"
                " in appliance.toml, or PUT /api/demo/mode)"
            )

    def grant(self, session_id: str) -> str:
        """A new pass for the browser of the demo call ``session_id``."""
        now = time.monotonic()
        self._passes = {k: v for k, v in self._passes.items() if v[1] > now}
        token = secrets.token_urlsafe(24)
        self._passes[token] = (session_id, now + self.lifetime_s)
        return token

    def session_of(self, token: str) -> str | None:
        """The demo session a pass reaches, or None (unknown or expired)."""
        found = self._passes.get(token)
        if found is None or found[1] <= time.monotonic():
            return None
        return found[0]
