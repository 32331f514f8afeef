"""What the web API's handlers share: settings, the records database and the attempt limiters."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from appliance.errors import RecordsError
from appliance.records.db import Database
from appliance.settings import Settings
from appliance.web.demo import DemoDesk
from appliance.web.grants import ReplayGrants
from appliance.web.pairing_limits import PairingLimits
from appliance.web.password_checks import PasswordChecks
from appliance.web.rate_limit import FailureLimiter

SESSION_LIFETIME_S = 8 * 3600.0  # a console log-in lasts one shift
DEVICE_TOKEN_LIFETIME_S = 12 * 3600.0  # a paired headset or tablet works for a training day
PAIRING_CODE_LIFETIME_S = 600.0  # a room code on the console screen is good for 10 minutes
LOGIN_FAILURES, LOGIN_WINDOW_S = 5, 900.0  # per account and address
LOGIN_FAILURES_PER_ADDRESS = 10  # per address, whatever the usernames, in the same window
REFUSAL_AUDIT_S = 60.0  # a refused (429) log-in is audited once a minute per address


@dataclass
class WebContext:
    """Per-app state of the web API (kept on ``app.state.web``)."""

    settings: Settings
    logins: FailureLimiter = field(
        default_factory=lambda: FailureLimiter(LOGIN_FAILURES, LOGIN_WINDOW_S)
    )
    login_addresses: FailureLimiter = field(
        default_factory=lambda: FailureLimiter(LOGIN_FAILURES_PER_ADDRESS, LOGIN_WINDOW_S)
    )
    refusals_audited: FailureLimiter = field(
        default_factory=lambda: FailureLimiter(1, REFUSAL_AUDIT_S)
    )
    replays: ReplayGrants = field(default_factory=ReplayGrants)
    passwords: PasswordChecks = field(default_factory=PasswordChecks)
    pairing: PairingLimits = field(default_factory=PairingLimits)
    demo: DemoDesk = field(init=False)

    def __post_init__(self) -> None:
        self.demo = DemoDesk(enabled=self.settings.server.demo_mode)

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry ``Secure`` whenever the appliance serves HTTPS."""
        return self.settings.tls.enabled


def web(request: Request) -> WebContext:
    """The web API's state."""
    context: WebContext = request.app.state.web
    return context


def records(request: Request) -> Database:
    """The records database opened in the app's lifespan."""
    db: Database | None = getattr(request.app.state, "records", None)
    if db is None:
        raise RecordsError("the records database is not open (appliance starting or stopping)")
    return db


def client_ip(request: Request) -> str:
    """The peer address of the request."""
    return request.client.host if request.client else ""
