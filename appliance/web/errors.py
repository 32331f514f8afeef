"""Access errors of the console and device API; ``status`` is the HTTP status answered."""

from __future__ import annotations

from appliance.errors import ApplianceError


class AccessError(ApplianceError):
    """A request refused for who sent it or how."""

    code = "access_denied"
    status = 403
    headers: dict[str, str] = {}


class NotAuthenticated(AccessError):
    """No valid session cookie or device token."""

    code = "not_authenticated"
    status = 401


class SessionExpired(NotAuthenticated):
    """The session cookie or device token is past its expiry."""

    code = "session_expired"


class LoginFailed(NotAuthenticated):
    """Wrong username or password."""

    code = "login_failed"


class Forbidden(AccessError):
    """Authenticated, but the role does not allow this."""

    code = "forbidden"


class CSRFRejected(AccessError):
    """A state-changing request without the session's CSRF token."""

    code = "csrf_rejected"


class TooManyAttempts(AccessError):
    """Too many failed attempts; ``Retry-After`` says when to try again."""

    code = "too_many_attempts"
    status = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(max(1, retry_after_s))}
