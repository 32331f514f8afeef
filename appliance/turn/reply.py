"""The reply's lines and their audio: an authored line, or LLM deltas → filtered lines → TTS.

The LLM voice is grounded in the authored line and gives way to it when late or off-character.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Callable, Sequence
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


async def speak_reply_whole(
    llm: LLMClient,
    tts: PiperTTS,
    messages: Sequence[Message],
    lines: LineFilter,
    speaker: str,
    *,
    style_for: StyleFor,
    timeline: TurnTimeline,
) -> AsyncGenerator[ReplyAudio, None]:
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


class Speaker(Protocol):
    """Voices a line (the engine's speech cache, or Piper itself)."""

    async def speak(self, text: str, style: VoiceStyle | None) -> Speech:
        """The line's audio."""
        ...


async def grounded_lines(
    llm: LLMClient,
    messages: Sequence[Message],
    lines: LineFilter,
    fallback: Line,
    *,
    timeline: TurnTimeline,
    budget_s: float,
) -> AsyncGenerator[Line, None]:
    """The LLM's reply line by line, or the authored ``fallback`` alone when the LLM's first line
    is not ready within ``budget_s`` or nothing it wrote passes the filter.

    The LLM keeps generating while a line is spoken; closing or cancelling the consumer cancels
    the stream, which aborts the request upstream (barge-in). An LLM error propagates.
    """
    queue: asyncio.Queue[Line | None] = asyncio.Queue(maxsize=8)
    producer = asyncio.create_task(
        _produce(llm, messages, lines, queue, timeline), name="llm-stream"
    )
    try:
        try:
            line = await asyncio.wait_for(queue.get(), budget_s)
        except TimeoutError:
            timeline.mark("llm_fallback")
            yield fallback
            return
        if line is None or line.text == fallback.text:
            if line is None:
                await producer  # the stream ended with nothing: an LLM error fails the turn
            timeline.mark("llm_fallback")  # nothing the LLM wrote passed the filter
            yield fallback
            return
        while line is not None:
            yield line
            line = await queue.get()
        await producer  # surfaces an LLM error raised after the last line
    finally:
        if not producer.done():
            producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer


async def speak_lines(
    lines: AsyncGenerator[Line, None],
    voice: Speaker,
    *,
    style_for: StyleFor,
    timeline: TurnTimeline,
) -> AsyncGenerator[ReplyAudio, None]:
    """Each line with its audio, as soon as it is voiced (cached ahead or synthesized now).

    Closing this generator closes ``lines`` at once (a barge-in stops the LLM stream too).
    """
    try:
        async for line in lines:
            if timeline.first("first_sentence") is None:
                timeline.mark("first_sentence")
            speech = await voice.speak(line.text, style_for(line.speaker))
            if timeline.first("tts_first_audio") is None:
                timeline.mark("tts_first_audio")
            yield ReplyAudio(line.speaker, line.text, speech)
        timeline.mark("tts_done")
    finally:
        await lines.aclose()


async def one_line(line: Line) -> AsyncGenerator[Line, None]:
    """An authored reply: the one chosen line."""
    yield line
