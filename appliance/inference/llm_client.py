"""One OpenAI-compatible streaming chat client: llama.cpp's server, `vllm serve`, a vLLM cluster."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence

import httpx

from appliance.errors import LLMError

Message = Mapping[str, str]


class LLMClient:
    """Streams text deltas of a chat completion; cancelling the consumer aborts the request."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        max_tokens: int = 80,
        temperature: float = 0.7,
        seed: int | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._defaults = {"max_tokens": max_tokens, "temperature": temperature}
        self._seed = seed
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=5.0), limits=httpx.Limits(max_connections=64)
        )

    async def health(self) -> bool:
        """Whether the server answers its model listing."""
        try:
            r = await self._http.get(f"{self.base_url}/models", timeout=5.0)
        except httpx.HTTPError:
            return False
        return r.status_code == 200

    async def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        stop: Sequence[str] = (),
    ) -> AsyncIterator[str]:
        """Yield the reply's text as it is generated."""
        body: dict[str, object] = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "stream": True,
            "max_tokens": max_tokens or self._defaults["max_tokens"],
            "temperature": self._defaults["temperature"] if temperature is None else temperature,
        }
        if self._seed is not None:
            body["seed"] = self._seed
        if stop:
            body["stop"] = list(stop)
        try:
            async with self._http.stream(
                "POST", f"{self.base_url}/chat/completions", json=body
            ) as resp:
                if resp.status_code != 200:
                    detail = (await resp.aread()).decode("utf-8", "replace")[:200]
                    raise LLMError(f"LLM server answered HTTP {resp.status_code}: {detail}")
                async for line in resp.aiter_lines():
                    delta = _parse_sse(line)
                    if delta is None:
                        break
                    if delta:
                        yield delta
        except httpx.HTTPError as exc:
            raise LLMError(f"LLM server at {self.base_url} failed: {type(exc).__name__}") from None

    async def complete(self, messages: Sequence[Message], **kwargs: object) -> str:
        """The whole reply as one string (for offline tools and the naive baseline)."""
        return "".join([d async for d in self.stream_chat(messages, **kwargs)])  # type: ignore[arg-type]

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()


def _parse_sse(line: str) -> str | None:
    """Text delta of one server-sent-event line; '' for none, None at the end of the stream."""
    if not line.startswith("data:"):
        return ""
    payload = line[5:].strip()
    if payload == "[DONE]":
        return None
    try:
        event = json.loads(payload)
        choice = event["choices"][0]
    except (ValueError, KeyError, IndexError):
        raise LLMError(f"LLM server sent a malformed stream event: {payload[:120]}") from None
    content = (choice.get("delta") or {}).get("content") or ""
    return str(content)
