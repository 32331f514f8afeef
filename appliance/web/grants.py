"""Replay tickets: a recording is served only under a ticket its audited replay handed out."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

REPLAY_TICKET_LIFETIME_S = 4 * 3600.0  # a debrief; afterwards press Play again (and be logged)


@dataclass
class ReplayGrants:
    """Tickets in memory (a restart forgets them): ticket → (user id, session id, expiry)."""

    lifetime_s: float = REPLAY_TICKET_LIFETIME_S
    _tickets: dict[str, tuple[int, str, float]] = field(default_factory=dict)

    def grant(self, user_id: int, session_id: str) -> str:
        """A new ticket for one user to fetch one session's recording."""
        now = time.monotonic()
        self._tickets = {k: v for k, v in self._tickets.items() if v[2] > now}
        ticket = secrets.token_urlsafe(24)
        self._tickets[ticket] = (user_id, session_id, now + self.lifetime_s)
        return ticket

    def allows(self, ticket: str, user_id: int | None, session_id: str) -> bool:
        """Whether ``ticket`` was granted to this user for this session and is still good."""
        found = self._tickets.get(ticket)
        if found is None or user_id is None:
            return False
        return found[0] == user_id and found[1] == session_id and found[2] > time.monotonic()
