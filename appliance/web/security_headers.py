"""ASGI middleware: the security headers on every HTTP answer (pages, API, errors).

The policy allows this appliance's own scripts, styles, images and sockets and nothing else: no
inline script, no ``eval``, no CDN. The only inline CSS allowed is the fixed style sheet of the
pages the appliance renders itself (the review, the hours export, the methodology page), by
hash; the officer's client shows the review in a ``srcdoc`` frame, which inherits this policy.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from appliance.records.hours_export import STYLE as HOURS_STYLE
from appliance.review.html import CSS as REVIEW_STYLE
from appliance.web.routes.methodology import STYLE as METHODOLOGY_STYLE

HSTS_MAX_AGE_S = 365 * 24 * 3600
INLINE_STYLES = (REVIEW_STYLE, HOURS_STYLE, METHODOLOGY_STYLE)


def style_hash(css: str) -> str:
    """The CSP source that allows one inline ``<style>`` block with exactly this text."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def content_security_policy() -> str:
    """The one policy of every answer."""
    styles = " ".join(style_hash(css) for css in INLINE_STYLES)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' {styles}",
            "img-src 'self' data:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",  # the console frames the review; no other site frames us
        )
    )


POLICY = content_security_policy()
COMMON = {
    "content-security-policy": POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": (
        "microphone=(self), xr-spatial-tracking=(self), camera=(), geolocation=(), payment=(),"
        " usb=()"
    ),
}


class SecurityHeaders:
    """Add the security headers; HSTS over HTTPS; ``no-store`` on the API (personal data)."""

    def __init__(self, app: ASGIApp, no_store_prefix: str = "/api/") -> None:
        self.app = app
        self.no_store_prefix = no_store_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the answer as it starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        no_store = str(scope["path"]).startswith(self.no_store_prefix)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers[name] = value
                if https:
                    headers["strict-transport-security"] = f"max-age={HSTS_MAX_AGE_S}"
                if no_store:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, sending)
