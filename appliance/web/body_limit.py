"""ASGI middleware: every request body bounded (413), and a caller refused before its body is read.

The (small) body is read here in full before the app sees it, so a streamed body without a
Content-Length is caught too and nothing downstream ever acts on half a request. A request with
a body to a route that needs a log-in or a paired device is authenticated first, from its
headers alone: an unauthenticated caller's body is never read.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from appliance.errors import ApplianceError
from appliance.web.http_errors import PayloadTooLarge, error_response

# Why a request may not send its body (None: it may); gets the request's scope.
Admit = Callable[[Scope], Awaitable[ApplianceError | None]]


class BodyLimit:
    """Answer 413 when a request sends more than its route's limit; gate bodies behind ``admit``.

    ``max_bytes`` is the limit of every route; ``larger`` raises it for paths that match a
    pattern (an SDP offer). ``admit`` runs for a request with a body to a path under ``gated``
    that is not in ``public`` (the log-in and the room-code redemption).
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        *,
        larger: Sequence[tuple[str, int]] = (),
        admit: Admit | None = None,
        gated: str = "/api/",
        public: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = [(re.compile(pattern), limit) for pattern, limit in larger]
        self.admit = admit
        self.gated = gated
        self.public = public

    def limit(self, path: str) -> int:
        """The most bytes of body a request to ``path`` may send."""
        for pattern, limit in self.larger:
            if pattern.fullmatch(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length and the caller, read the body within the limit, hand it on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, headers = str(scope["path"]), dict(scope["headers"])
        limit = self.limit(path)
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send, _too_large(limit))
            return
        has_body = declared not in (None, b"0") or b"transfer-encoding" in headers
        if has_body and self.admit is not None and self._gated(path):
            refused = await self.admit(scope)
            if refused is not None:
                await self._refuse(scope, receive, send, refused)
                return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, _too_large(limit))
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _gated(self, path: str) -> bool:
        return path.startswith(self.gated) and path.rstrip("/") not in self.public

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, exc: ApplianceError
    ) -> None:
        """Answer ``exc`` and close: what is left of the body is never read."""
        response = error_response(exc)
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"request body too large: at most {limit} bytes are accepted")
