"""The subject's reply: LLM text deltas → filtered, routed lines → TTS, pipelined line by line."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from appliance.inference.llm_client import LLMClient, Message
from appliance.inference.tts import PiperTTS, Speech, VoiceStyle
from appliance.turn.timeline import TurnTimeline


class Line(Protocol):
    """One sentence to speak, and which character speaks it."""

    @property
    def speaker(self) -> str:
        """Speaker id (``subject``, ``clinician``, …)."""
        ...

    @property
    def text(self) -> str:
        """What they say."""
        ...


class LineFilter(Protocol):
    """Turns text deltas into speakable lines (see ``appliance.persona.reply_filter``)."""

    @property
    def done(self) -> bool:
        """True when nothing more will be spoken: the LLM stream can stop."""
        ...

    def feed(self, delta: str) -> Sequence[Line]:
        """Add text; return the lines it completed."""
        ...

    def finish(self) -> Sequence[Line]:
        """End of text: the remaining lines."""
        ...


@dataclass(frozen=True)
class ReplyAudio:
    """A line of the reply with its audio."""

    speaker: str
    text: str
    speech: Speech


StyleFor = Callable[[str], VoiceStyle | None]


async def _produce(
    llm: LLMClient,
    messages: Sequence[Message],
    lines: LineFilter,
    out: asyncio.Queue[Line | None],
    timeline: TurnTimeline,
) -> None:
    """Stream the LLM and queue each finished line; stop early once the filter is done."""
    timeline.mark("llm_request")
    try:
        async for delta in llm.stream_chat(messages):
            if timeline.first("llm_first_token") is None:
                timeline.mark("llm_first_token")
            for line in lines.feed(delta):
                await out.put(line)
            if lines.done:
                break
        for line in lines.finish():
            await out.put(line)
        timeline.mark("llm_done")
    finally:
        await out.put(None)


async def speak_reply(
    llm: LLMClient,
    tts: PiperTTS,
    messages: Sequence[Message],
    lines: LineFilter,
    *,
    style_for: StyleFor,
    timeline: TurnTimeline,
) -> AsyncIterator[ReplyAudio]:
    """Yield each line with its audio as soon as it is synthesized.

    The LLM keeps generating while a line is being spoken. Closing or cancelling the consumer
    cancels the LLM stream, which aborts the request upstream (barge-in).
    """
    queue: asyncio.Queue[Line | None] = asyncio.Queue(maxsize=8)
    producer = asyncio.create_task(
        _produce(llm, messages, lines, queue, timeline), name="llm-stream"
    )
    try:
        while (line := await queue.get()) is not None:
            if timeline.first("first_sentence") is None:
                timeline.mark("first_sentence")
            speech = await tts.synthesize(line.text, style_for(line.speaker))
            if timeline.first("tts_first_audio") is None:
                timeline.mark("tts_first_audio")
            yield ReplyAudio(line.speaker, line.text, speech)
        timeline.mark("tts_done")
        await producer  # surfaces an LLM error raised after the last line
    finally:
        if not producer.done():
            producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer


async def speak_reply_whole(
    llm: LLMClient,
    tts: PiperTTS,
    messages: Sequence[Message],
    lines: LineFilter,
    speaker: str,
    *,
    style_for: StyleFor,
    timeline: TurnTimeline,
) -> AsyncIterator[ReplyAudio]:
    """The naive baseline: await the whole completion, filter it, voice it in one synthesis."""
    timeline.mark("llm_request")
    text = await llm.complete(messages)
    timeline.mark("llm_first_token")  # nothing is used before the completion is whole
    timeline.mark("llm_done")
    said = " ".join(line.text for line in (*lines.feed(text), *lines.finish()))
    timeline.mark("first_sentence")
    if not said:
        timeline.mark("tts_first_audio")
        return
    speech = await tts.synthesize(said, style_for(speaker))
    timeline.mark("tts_first_audio")
    yield ReplyAudio(speaker, said, speech)
