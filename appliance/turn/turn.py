"""The transport-free turn: officer audio → ASR → analysis → persona → reply lines → audio.

Live sessions, ``converse`` and the naive benchmark all run their turns through ``Turn``; only
where the audio comes from (``Utterance``) and where the reply goes (``Output``) differ.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from appliance.audio.frames import FloatPCM, rms_dbfs
from appliance.engine import Engine
from appliance.errors import ApplianceError
from appliance.inference.asr import Transcription
from appliance.inference.tts import Speech
from appliance.persona.state import PersonaState
from appliance.turn.conversation import Conversation, ReplyPlan
from appliance.turn.events import (
    Emit,
    PersonaStateChanged,
    SpeechEnd,
    SpeechStart,
    TranscriptFinal,
    TurnTiming,
)
from appliance.turn.reply import (
    ReplyAudio,
    Speaker,
    grounded_lines,
    one_line,
    speak_lines,
    speak_reply_whole,
)
from appliance.turn.timeline import TurnTimeline

Clock = Callable[[], float]


@dataclass
class _Played:
    """A reply line that started playing, and when it finished (None: cut off)."""

    speaker: str
    text: str
    start: float
    end: float | None = None


@dataclass(frozen=True)
class Utterance:
    """One endpointed officer utterance: its audio and its place in session seconds."""

    audio: FloatPCM
    start: float
    end: float
    interrupted: bool = False  # the officer talked over the subject with it


class Output(Protocol):
    """Where reply audio goes: a paced WebRTC track, or a buffer for files."""

    def play(
        self, speech: Speech, on_start: Callable[[], None], on_end: Callable[[], None]
    ) -> None:
        """Queue one line; ``on_start``/``on_end`` fire as its first/last audio goes out."""
        ...

    async def wait_idle(self) -> None:
        """Return once everything queued has played."""
        ...

    def flush(self) -> float:
        """Drop what is queued; return the seconds dropped."""
        ...

    @property
    def speaking(self) -> bool:
        """Whether audio is queued or playing."""
        ...

    @property
    def late_frames(self) -> int:
        """Outbound frames produced after their due time, so far."""
        ...

    @property
    def lead_s(self) -> float:
        """Time from a line's ``on_start`` to its first frame leaving (0 when it fires then)."""
        ...


class BufferOutput:
    """An ``Output`` that keeps the reply's audio (offline turns): lines "play" when queued."""

    def __init__(self, lead_s: float = 0.0) -> None:
        self.lines: list[Speech] = []
        self.lead_s = lead_s  # accounted time from a queued line to its first frame out
        self.late_frames = 0
        self.speaking = False

    def play(
        self, speech: Speech, on_start: Callable[[], None], on_end: Callable[[], None]
    ) -> None:
        """Keep the line and report it played."""
        self.lines.append(speech)
        on_start()
        on_end()

    async def wait_idle(self) -> None:
        """Nothing is ever pending."""

    def flush(self) -> float:
        """Nothing is ever queued."""
        return 0.0


def features_of(audio: FloatPCM, text: str, start: float, end: float) -> dict[str, float]:
    """Loudness and speech rate of an officer utterance (the review's pacing measures)."""
    words = len(text.split())
    return {
        "rms_dbfs": round(rms_dbfs(audio), 1),
        "words_per_minute": round(words / max(end - start, 0.25) * 60.0, 1),
    }


class TurnRunner:
    """Runs one conversation's turns on a started engine, emitting typed events as it goes.

    ``whole=True`` is the naive baseline: the LLM's completion is awaited whole and voiced in one
    synthesis instead of streamed sentence by sentence.
    """

    def __init__(
        self,
        engine: Engine,
        conversation: Conversation,
        emit: Emit,
        clock: Clock,
        *,
        whole: bool = False,
    ) -> None:
        assert engine.asr and engine.tts and engine.analyzer
        self.engine = engine
        self.conversation = conversation
        self.emit = emit
        self.clock = clock
        self.whole = whole
        self.count = 0

    async def hear(
        self,
        utt: Utterance,
        timeline: TurnTimeline,
        transcription: Awaitable[Transcription] | None = None,
    ) -> PersonaState | None:
        """Transcribe the officer (or await a speculative pass), record the turn, move the persona.

        Returns the new state, or None when no words were heard.
        """
        assert self.engine.asr is not None
        if transcription is None:
            timeline.mark("asr_start")
            transcription = self.engine.asr.transcribe(utt.audio)
        heard = await transcription
        timeline.mark("asr_done")
        text = heard.text.strip()
        if not text:
            return None
        self.emit(TranscriptFinal("officer", text, round(utt.start, 3), round(utt.end, 3)))
        _, state = await self.engine.analysis_thread.call(
            self.conversation.officer_turn,
            text,
            start=utt.start,
            end=utt.end,
            features=features_of(utt.audio, text, utt.start, utt.end),
            interrupted=utt.interrupted,
        )
        self.emit(PersonaStateChanged.of(state))
        return state

    async def reply(
        self,
        timeline: TurnTimeline,
        out: Output,
        on_error: Callable[[ApplianceError], None] | None = None,
        event: str | None = None,
    ) -> bool:
        """Voice every responding character's reply into ``out``; ``turn.timing`` when done.

        ``event`` (``silence``) replies to no officer turn; when the bank has nothing (left) for
        it, nothing is said. What was actually played is recorded in the transcript, also when
        the reply is cut short (barge-in cancels this coroutine) or a stage fails: then
        ``on_error`` gets the error and the queued audio is dropped, or without ``on_error`` the
        error propagates. Returns whether the reply played whole.
        """
        plans = self.conversation.reply_plans(event)
        first = next(plans, None)
        if first is None:
            return True
        self.count += 1
        try:
            for plan in itertools.chain((first,), plans):
                try:
                    await self._voice(plan, timeline, out)
                except ApplianceError as exc:
                    if on_error is None:
                        raise
                    on_error(exc)
                    out.flush()
                    return False
            return True
        finally:
            stages = timeline.stages_ms()
            self.conversation.timings.append({"turn": self.count, "stages_ms": stages})
            self.emit(TurnTiming(self.count, stages, out.late_frames))

    def _lines(self, plan: ReplyPlan, timeline: TurnTimeline) -> AsyncGenerator[ReplyAudio, None]:
        """The reply's lines with audio, from the voice this engine runs."""
        engine, persona = self.engine, self.conversation.persona
        assert engine.tts is not None
        voice: Speaker = engine.tts if self.whole else engine.speech or engine.tts
        llm = engine.llm
        if self.whole and llm is not None:
            return speak_reply_whole(
                llm,
                engine.tts,
                plan.messages,
                plan.lines,
                plan.speaker,
                style_for=persona.voice_for,
                timeline=timeline,
            )
        if engine.voice == "llm" and llm is not None:
            lines = grounded_lines(
                llm,
                plan.messages,
                plan.lines,
                plan.authored,
                timeline=timeline,
                budget_s=engine.settings.persona.llm_first_sentence_ms / 1000.0,
            )
        else:
            lines = one_line(plan.authored)
        return speak_lines(lines, voice, style_for=persona.voice_for, timeline=timeline)

    async def _voice(self, plan: ReplyPlan, timeline: TurnTimeline, out: Output) -> None:
        played: list[_Played] = []

        def started(line: ReplyAudio) -> None:
            if timeline.first("first_frame_sent") is None:
                timeline.mark("first_frame_sent", time.monotonic() + out.lead_s)
            played.append(_Played(line.speaker, line.text, self.clock()))
            self.emit(SpeechStart(line.speaker, line.text))

        def finished(line: ReplyAudio) -> None:
            for p in played:
                if p.text == line.text and p.end is None:
                    p.end = self.clock()
                    break
            self.emit(SpeechEnd(line.speaker, line.text))

        complete = False
        try:
            async with contextlib.aclosing(self._lines(plan, timeline)) as lines:
                async for line in lines:
                    out.play(line.speech, partial(started, line), partial(finished, line))
            await out.wait_idle()
            complete = True
        finally:
            self._record(played, interrupted=not complete)

    def _record(self, played: list[_Played], *, interrupted: bool) -> None:
        """One transcript turn per run of lines by one speaker: what was heard, start to end.

        A run ends where its last finished line ended (now, if none finished); the last run of
        a reply cut short is marked interrupted.
        """
        runs: list[list[_Played]] = []
        for p in played:
            if runs and runs[-1][0].speaker == p.speaker:
                runs[-1].append(p)
            else:
                runs.append([p])
        for i, run in enumerate(runs):
            ends = [p.end for p in run if p.end is not None]
            start, end = run[0].start, max(ends) if ends else self.clock()
            text = " ".join(p.text for p in run)
            cut = interrupted and i == len(runs) - 1
            speaker = run[0].speaker
            self.conversation.character_turn(speaker, text, start=start, end=end, interrupted=cut)
            self.emit(TranscriptFinal(speaker, text, round(start, 3), round(end, 3)))
