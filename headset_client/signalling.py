"""The appliance's signalling API: create a session, exchange SDP, end it, fetch its transcript."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from appliance.errors import ApplianceError

_CODES = {
    400: "bad_request",
    404: "not_found",
    409: "conflict",
    422: "bad_request",
    503: "appliance_full",
}


class SignallingError(ApplianceError):
    """The appliance refused or failed a signalling request; ``status`` is the HTTP status."""

    code = "signalling_failed"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code or _CODES.get(status or 0))
        self.status = status


@dataclass(frozen=True)
class SessionInfo:
    """A session the appliance created for this client."""

    session_id: str
    offer_url: str
    scenario: dict[str, Any] = field(default_factory=dict)
    time_limit_s: float = 0.0


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or response.reason_phrase
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, list):  # FastAPI's validation errors
        return "; ".join(
            f"{'.'.join(str(p) for p in d.get('loc', []))}: {d.get('msg', d)}"
            if isinstance(d, dict)
            else str(d)
            for d in detail
        )
    return str(detail)


async def _call(
    http: httpx.AsyncClient, method: str, url: str, body: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    try:
        response = await http.request(method, url, json=body)
    except httpx.HTTPError as exc:
        raise SignallingError(
            f"{method} {url}: appliance unreachable ({exc or type(exc).__name__})",
            code="unreachable",
        ) from exc
    if response.status_code >= 400:
        raise SignallingError(
            f"{method} {url}: {response.status_code} {_detail(response)}",
            status=response.status_code,
        )
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SignallingError(
            f"{method} {url}: the appliance answered {response.status_code} without a JSON object",
            status=response.status_code,
            code="bad_response",
        )
    return data


def _field(data: Mapping[str, Any], key: str, kind: type, what: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise SignallingError(f"{what}: answer lacks {key!r} ({data!r:.200})", code="bad_response")
    return value


async def create_session(
    http: httpx.AsyncClient, officer: Mapping[str, str], scenario_id: str, api: str = "/api"
) -> SessionInfo:
    """POST /sessions: ask for a session for this officer and scenario."""
    url = f"{api}/sessions"
    data = await _call(http, "POST", url, {"officer": dict(officer), "scenario_id": scenario_id})
    limit = data.get("time_limit_s", 0.0)
    scenario = data.get("scenario")
    return SessionInfo(
        session_id=_field(data, "session_id", str, f"POST {url}"),
        offer_url=_field(data, "offer_url", str, f"POST {url}"),
        scenario=scenario if isinstance(scenario, dict) else {},
        time_limit_s=float(limit) if isinstance(limit, int | float) else 0.0,
    )


async def send_offer(http: httpx.AsyncClient, offer_url: str, sdp: str) -> str:
    """POST the complete (non-trickle) SDP offer; return the appliance's SDP answer."""
    data = await _call(http, "POST", offer_url, {"sdp": sdp, "type": "offer"})
    if data.get("type") != "answer":
        raise SignallingError(
            f"POST {offer_url}: expected an SDP answer, got {data.get('type')!r}",
            code="bad_response",
        )
    return str(_field(data, "sdp", str, f"POST {offer_url}"))


async def end_session(
    http: httpx.AsyncClient, session_id: str, api: str = "/api"
) -> dict[str, Any]:
    """DELETE the session; return ``{"session_id", "outcome"}``."""
    return await _call(http, "DELETE", f"{api}/sessions/{session_id}")


async def fetch_transcript(
    http: httpx.AsyncClient, session_id: str, api: str = "/api"
) -> dict[str, Any]:
    """GET the session's transcript JSON."""
    return await _call(http, "GET", f"{api}/sessions/{session_id}/transcript")
