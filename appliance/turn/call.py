"""One call's turn-taking, transport-free: officer audio in, events and reply audio out.

A live session feeds it 16 kHz PCM as it arrives; the call runs the endpointer, speculative ASR
and barge-in, hands each endpointed utterance to ``TurnRunner``, keeps the persona's clock, and
says when the scenario reached an outcome. It owns its tasks: ``close()`` stops them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from appliance.audio.endpointing import Endpointer, VADEvent
from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.audio.utterance_buffer import UtteranceBuffer
from appliance.engine import Engine
from appliance.errors import ApplianceError
from appliance.inference.asr import Transcription
from appliance.persona.state import PersonaState
from appliance.turn.conversation import Conversation
from appliance.turn.endpoint import TurnEnd
from appliance.turn.events import BargeIn, Emit, ErrorEvent, PersonaStateChanged, TranscriptPartial
from appliance.turn.listening import Listening
from appliance.turn.timeline import TurnTimeline
from appliance.turn.turn import Output, TurnRunner, Utterance

log = logging.getLogger(__name__)
TICK_S = 2.0


@dataclass
class _Speaking:
    """The officer utterance in progress."""

    start: int  # absolute 16 kHz sample index, padding included
    voiced: int  # first voiced sample
    listening: Listening
    timeline: TurnTimeline = field(default_factory=TurnTimeline)
    asr_started: float | None = None  # when the latest speculative pass began
    judged_pause: int | None = None  # where the pause the turn-end model was asked about began
    interrupted: bool = False  # the officer barged in on the subject with this utterance


class Call:
    """Turn-taking of one conversation; ``on_outcome`` is called once the call should end."""

    def __init__(
        self,
        engine: Engine,
        conversation: Conversation,
        out: Output,
        emit: Emit,
        clock: Callable[[], float],
        on_outcome: Callable[[str], None],
        *,
        on_endpoint: Callable[[VADEvent], None] | None = None,
    ) -> None:
        assert engine.vad is not None
        self.engine = engine
        self.conversation = conversation
        self.out = out
        self.emit = emit
        self.clock = clock
        self.errors: list[dict[str, str]] = []
        self.turns = TurnRunner(engine, conversation, emit, clock)
        self._on_outcome = on_outcome
        self._on_endpoint = on_endpoint  # told of each turn's end (the cut-in benchmark)
        self._cfg = engine.settings.turn
        self._endpointer = Endpointer(engine.vad.stream(), self._cfg)
        self._turn_end = TurnEnd(engine)
        self._judge_after = self._cfg.turn_end_listen_ms * SAMPLE_RATE // 1000
        self._audio = UtteranceBuffer(keep_samples=SAMPLE_RATE * 30)
        self._utt: _Speaking | None = None
        self._arrival = (0, 0.0)  # (stream position, monotonic time) of the latest inbound audio
        self._audio_t0: float | None = None  # session time of stream sample 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reply_task: asyncio.Task[None] | None = None
        self._outcome_sent = False
        self._silence_s = engine.settings.persona.silence_s
        self._quiet_since = 0.0  # session time since when nobody has spoken

    # ---- tasks and errors -------------------------------------------------------------------

    def spawn(self, coro: Awaitable[Any], name: str, *, report: bool = True) -> asyncio.Task[Any]:
        """Run a task owned by this call; a failure is logged and sent as one ``error`` event.

        ``report=False`` is for a task whose result is awaited elsewhere, which reports it.
        """
        task = asyncio.ensure_future(coro)
        task.set_name(f"{self.conversation.session_id}:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if report:
            task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled() or task.exception() is None:
            return
        exc = task.exception()
        if isinstance(exc, ApplianceError):
            self.error(exc)
            return
        log.error(
            "task %s failed",
            task.get_name(),
            exc_info=exc,
            extra={"session": self.conversation.session_id},
        )
        where = task.get_name().split(":")[-1]
        self.error(ApplianceError(f"internal error in {where}: {exc!r}", code="internal_error"))

    def error(self, exc: ApplianceError) -> None:
        """A failed turn or task: exactly one ``error`` event; the call goes on."""
        log.warning(
            "turn failed", extra={"session": self.conversation.session_id, "code": exc.code}
        )
        self.errors.append({"code": exc.code, "message": exc.message})
        self.emit(ErrorEvent(exc.code, exc.message))

    def start(self) -> None:
        """Start the persona's clock and the scenario's time limit; say the first state."""
        self._quiet_since = self.clock()
        self.spawn(self._tick(), "tick")
        self.spawn(self._time_limit(), "time-limit")
        self.emit(PersonaStateChanged.of(self.conversation.persona.state))

    async def close(self) -> None:
        """Stop every task of the call (the caller's own task excepted) and drop queued audio."""
        self.out.flush()
        self._turn_end.drop()
        me = asyncio.current_task()
        others = [t for t in self._tasks if t is not me]
        for task in others:
            task.cancel()
        for task in others:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def _outcome(self, outcome: str) -> None:
        if not self._outcome_sent:
            self._outcome_sent = True
            self._on_outcome(outcome)

    # ---- inbound audio ----------------------------------------------------------------------

    def _sample_time(self, sample: int) -> float:
        """Session time of a stream sample."""
        return (self._audio_t0 or 0.0) + sample / SAMPLE_RATE

    def _sample_monotonic(self, sample: int) -> float:
        """Monotonic time at which a stream sample arrived (from the latest arrival)."""
        pos, t = self._arrival
        return t - (pos - sample) / SAMPLE_RATE

    async def feed(self, pcm: FloatPCM) -> None:
        """Take the next inbound 16 kHz audio: endpointing, speculative ASR, barge-in, turns."""
        if not len(pcm):
            return
        if self._audio_t0 is None:
            self._audio_t0 = self.clock() - len(pcm) / SAMPLE_RATE
        self._audio.append(pcm)
        events = await self.engine.vad_thread.call(self._endpointer.feed, pcm)
        self._arrival = (self._endpointer.position, time.monotonic())
        for event in events:
            self._on_vad(event)
        pause = self._endpointer.pause_from
        silence = None if pause is None else self._endpointer.position - pause
        if self._utt is not None and pause is not None and silence is not None:
            self._judge(self._utt, pause, silence)
        if self._utt is not None and self._turn_end.finished(silence):
            end = self._endpointer.end_turn()  # the officer finished: no need to wait longer
            if end is not None:
                self._on_vad(end)
        self._check_barge_in()
        if self._utt is None:
            self._audio.trim(self._endpointer.position - SAMPLE_RATE)

    @property
    def subject_busy(self) -> bool:
        """Whether the subject is thinking of or speaking a reply."""
        return self.out.speaking or (self._reply_task is not None and not self._reply_task.done())

    def _on_vad(self, e: VADEvent) -> None:
        pad = self._cfg.speech_pad_ms * SAMPLE_RATE // 1000
        self._quiet_since = self.clock()
        finished_sentence = e.kind == "speech_resume" and self._turn_end.sentence_done()
        if e.kind != "silence_start":
            self._turn_end.drop()  # a new utterance, the officer went on, or the turn is over
        if e.kind == "speech_start":
            assert self.engine.asr is not None
            listening = Listening(self.engine.asr, self.spawn, segments=self._cfg.asr_segments)
            self._utt = _Speaking(start=e.utterance_start, voiced=e.sample, listening=listening)
            self._utt.timeline.mark("speech_start", self._sample_monotonic(e.sample))
        elif self._utt is None:
            return
        elif e.kind == "silence_start":
            utt = self._utt
            guess = utt.listening.pause(self._audio.slice, utt.start, e.sample, pad)
            guess.add_done_callback(partial(self._partial, voiced=utt.voiced))
            utt.asr_started = time.monotonic()
        elif e.kind == "speech_resume":
            # The officer went on: after a finished sentence, its pass holds the words so far.
            self._utt.listening.resume(keep=finished_sentence)
        elif e.kind == "speech_end":
            utt, self._utt = self._utt, None
            utt.timeline.mark("speech_end", self._sample_monotonic(e.sample))
            utt.timeline.mark("endpoint")
            if self._on_endpoint is not None:
                self._on_endpoint(e)
            heard = Utterance(
                self._audio.slice(utt.start, e.sample + pad),
                self._sample_time(utt.voiced),
                self._sample_time(e.sample),
                utt.interrupted,
            )
            keep = utt.listening.at(e.sample)
            if keep is not None and utt.asr_started is not None:
                utt.timeline.mark("asr_start", utt.asr_started)
            backchannel = self.subject_busy and not utt.interrupted
            self.spawn(self._officer_turn(heard, utt.timeline, keep, backchannel), "officer-turn")

    def _judge(self, utt: _Speaking, pause: int, silence: int) -> None:
        """Once the pause has lasted ``turn_end_listen_ms``, ask the turn-end model about the
        utterance so far, the silence included: its verdict on a finished line firms up with the
        silence after it ("It sounds like you've had a really rough night.": 0.14 with 150 ms,
        0.87 with 300 ms), so asked too early it doubts a finished officer."""
        if utt.judged_pause != pause and silence >= self._judge_after:
            utt.judged_pause = pause
            audio = self._audio.slice(utt.start, self._audio.end)
            self._turn_end.ask(audio, utt.listening.pending)

    def _partial(self, guess: asyncio.Task[Transcription], voiced: int) -> None:
        """Caption the speculative transcript now; ``transcript.final`` confirms or replaces it."""
        if guess.cancelled() or guess.exception() is not None:
            return  # the officer went on, or the failure is reported by the turn that awaits it
        if text := guess.result().text.strip():
            self.emit(TranscriptPartial("officer", text, round(self._sample_time(voiced), 3)))
            if self._utt is not None and self._utt.listening.pending is guess:
                # Still in the pause: analyze the words now, so the turn does not wait for it.
                foresee = self.engine.analysis_thread.call(self.conversation.foresee, text)
                self.spawn(foresee, "foresee", report=False)

    def _check_barge_in(self) -> None:
        utt = self._utt
        if utt is None or utt.interrupted or not self.subject_busy:
            return
        spoken_ms = (self._endpointer.position - utt.voiced) * 1000 / SAMPLE_RATE
        # Still talking at the mark: a cough or "mm-hm" has fallen silent by then.
        if self._endpointer.voiced_now and spoken_ms >= self._cfg.barge_in_min_ms:
            utt.interrupted = True
            utt.timeline.mark("barge_in")
            dropped = self.out.flush()
            if self._reply_task is not None:
                self._reply_task.cancel()
            self.emit(BargeIn(round(self.clock(), 3), round(dropped, 3)))

    async def _officer_turn(
        self,
        utt: Utterance,
        timeline: TurnTimeline,
        speculative: asyncio.Task[Transcription] | None,
        backchannel: bool,
    ) -> None:
        """Hear the officer, move the persona and, unless it was a backchannel, reply."""
        try:
            state = await self.turns.hear(utt, timeline, speculative)
        except ApplianceError as exc:
            self.error(exc)
            return
        if state is None or backchannel or self._outcome_sent:
            return
        if self._reply_task is not None and not self._reply_task.done():
            self._reply_task.cancel()
        self._reply_task = self.spawn(self._reply(timeline, state.outcome), "reply")

    async def _reply(
        self, timeline: TurnTimeline, outcome: str | None, event: str | None = None
    ) -> None:
        try:
            played = await self.turns.reply(timeline, self.out, on_error=self.error, event=event)
        finally:
            self._quiet_since = self.clock()
        if played and outcome is not None:
            self._outcome(outcome)

    def _silence(self) -> None:
        """The officer has said nothing for a while: the subject may speak up."""
        quiet = self.clock() - self._quiet_since
        if self._utt is None and not self.subject_busy and quiet >= self._silence_s:
            self._quiet_since = self.clock()
            reply = self._reply(TurnTimeline(), None, event="silence")
            self._reply_task = self.spawn(reply, "reply-silence")

    # ---- persona clock, injects and limits --------------------------------------------------

    async def _tick(self) -> None:
        last = self.conversation.persona.state
        while True:
            await asyncio.sleep(TICK_S)
            state = self.conversation.persona.tick(self.clock())
            if state.stage != last.stage or abs(state.agitation - last.agitation) >= 1.0:
                self.emit(PersonaStateChanged.of(state))
                last = state
            if state.outcome is not None and not self.subject_busy:
                self._outcome(state.outcome)
                return
            if not self._outcome_sent:
                self._silence()

    async def _time_limit(self) -> None:
        await asyncio.sleep(self.conversation.scenario.time_limit_s)
        self._outcome("time_limit")

    def _changed(self, state: PersonaState) -> PersonaStateChanged:
        event = PersonaStateChanged.of(state)
        self.emit(event)
        return event

    def inject(self, name: str) -> PersonaStateChanged:
        """Apply an instructor inject from the scenario card; returns the new state event."""
        return self._changed(self.conversation.persona.apply_inject(name, self.clock()))

    def nudge(self, delta: float, reason: str) -> PersonaStateChanged:
        """Instructor override of the subject's agitation."""
        return self._changed(self.conversation.persona.nudge(delta, self.clock(), reason))
