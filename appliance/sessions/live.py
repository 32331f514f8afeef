"""One officer's live session: a WebRTC peer, turn-taking, barge-in, the persona and the transcript."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc import RTCConfiguration, RTCDataChannel, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from appliance.audio.endpointing import Endpointer, VADEvent
from appliance.audio.frames import (
    SAMPLE_RATE,
    FloatPCM,
    float_to_int16,
    int16_to_float,
    resample,
    rms_dbfs,
)
from appliance.audio.inbound import InboundConverter
from appliance.audio.outbound_track import RATE as OUT_RATE
from appliance.audio.outbound_track import PacedAudioTrack
from appliance.audio.utterance_buffer import UtteranceBuffer
from appliance.turn.conversation import Conversation
from appliance.engine import Engine
from appliance.errors import ApplianceError, SessionConflict, SignallingError
from appliance.inference.asr import Transcription
from appliance.persona.scenario import Scenario
from appliance.turn.reply import speak_reply
from appliance.sessions.feed import EventFeed
from appliance.turn.timeline import TurnTimeline

log = logging.getLogger(__name__)
TICK_S = 2.0


@dataclass
class _Utterance:
    """The officer utterance in progress."""

    start: int  # absolute 16 kHz sample index, padding included
    voiced: int  # first voiced sample
    timeline: TurnTimeline = field(default_factory=TurnTimeline)
    speculative: asyncio.Task[Transcription] | None = None
    speculative_end: int = -1
    interrupted: bool = False  # the officer barged in on the subject with this utterance


class LiveSession:
    """Owns its peer connection, tasks and conversation; ``end()`` closes everything it holds."""

    def __init__(
        self,
        session_id: str,
        officer: dict[str, str],
        scenario: Scenario,
        engine: Engine,
        on_ended: Callable[[LiveSession], Awaitable[None]],
        feed: EventFeed | None = None,
    ) -> None:
        assert engine.analyzer is not None and engine.vad is not None
        self.id = session_id
        self.scenario = scenario
        self.engine = engine
        self.turn_cfg = engine.settings.turn
        self.conversation = Conversation(
            scenario, engine.analyzer, session_id=session_id, officer=officer
        )
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # LAN only: no public STUN
        self.out = PacedAudioTrack()
        self.channel: RTCDataChannel | None = None
        self.outcome: str | None = None
        self.created = time.monotonic()
        self.errors: list[dict[str, str]] = []
        self._on_ended = on_ended
        self._feed = feed
        self._pending: list[str] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._turn_task: asyncio.Task[None] | None = None
        self._endpointer = Endpointer(engine.vad.stream(), self.turn_cfg)
        self._audio = UtteranceBuffer(keep_samples=SAMPLE_RATE * 30)
        self._utt: _Utterance | None = None
        self._arrival = (0, 0.0)  # (stream position, monotonic time) of the latest inbound audio
        self._audio_t0: float | None = None  # session time of stream sample 0
        self._offered = False
        self._ended = asyncio.Event()
        self._turn_no = 0
        self.pc.on("datachannel", self._on_datachannel)
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_connection_state)

    # ---- clock and events -------------------------------------------------------------------

    def now(self) -> float:
        """Seconds since the session was created."""
        return time.monotonic() - self.created

    def _sample_time(self, sample: int) -> float:
        """Session time of a stream sample."""
        return (self._audio_t0 or 0.0) + sample / SAMPLE_RATE

    def _sample_monotonic(self, sample: int) -> float:
        """Monotonic time at which a stream sample arrived (from the latest arrival)."""
        pos, t = self._arrival
        return t - (pos - sample) / SAMPLE_RATE

    def send(self, event: dict[str, Any]) -> None:
        """Send one event on the ``events`` data channel (queued until it opens) and to the console."""
        if self._feed is not None:
            self._feed.publish(self.id, event)
        payload = json.dumps(event)
        if self.channel is not None and self.channel.readyState == "open":
            self.channel.send(payload)
        else:
            self._pending.append(payload)

    def _error(self, exc: ApplianceError) -> None:
        """A failed turn: exactly one ``error`` event; the session goes on."""
        log.warning("turn failed", extra={"session": self.id, "code": exc.code})
        self.errors.append({"code": exc.code, "message": exc.message})
        self.send(exc.as_event())

    def _spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(f"{self.id}:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ---- signalling -------------------------------------------------------------------------

    async def accept_offer(self, sdp: str, type_: str) -> RTCSessionDescription:
        """Answer a non-trickle offer (the answer carries all ICE candidates)."""
        if self._offered:
            raise SessionConflict(
                f"session {self.id} already has a peer connection; start a new session"
            )
        if type_ != "offer":
            raise SignallingError(f"expected an SDP offer, got type {type_!r}")
        if not re.search(r"^m=audio ", sdp, re.MULTILINE):
            raise SignallingError("the offer has no audio track (the microphone must be sent)")
        self._offered = True
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        except (ValueError, KeyError, IndexError, AssertionError, TypeError) as exc:
            self._offered = False  # nothing was set up: the client may offer again
            raise SignallingError(f"malformed SDP offer: {exc or type(exc).__name__}") from None
        self.pc.addTrack(self.out)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        self._spawn(self._tick(), "tick")
        self._spawn(self._time_limit(), "time-limit")
        self._send_state()
        return self.pc.localDescription

    def _on_datachannel(self, channel: RTCDataChannel) -> None:
        if channel.label != "events":
            return
        self.channel = channel
        for payload in self._pending:
            channel.send(payload)
        self._pending.clear()

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._spawn(self._consume(track), f"inbound-{track.kind}")

    async def _on_connection_state(self) -> None:
        if self.pc.connectionState in ("failed", "closed"):
            self._spawn(self.end("disconnected"), "end")

    # ---- inbound audio and turn-taking ------------------------------------------------------

    async def _consume(self, track: MediaStreamTrack) -> None:
        """Read every frame of an inbound track; audio feeds the endpointer."""
        converter = InboundConverter() if track.kind == "audio" else None
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if converter is None:
                continue  # video or other kinds: read and dropped so nothing piles up
            pcm = converter.convert(frame)  # type: ignore[arg-type]
            if not len(pcm):
                continue
            if self._audio_t0 is None:
                self._audio_t0 = self.now() - len(pcm) / SAMPLE_RATE
            self._audio.append(pcm)
            events = await self.engine.vad_thread.call(self._endpointer.feed, pcm)
            self._arrival = (self._endpointer.position, time.monotonic())
            for event in events:
                self._on_vad(event)
            self._check_barge_in()
            if self._utt is None:
                self._audio.trim(self._endpointer.position - SAMPLE_RATE)

    @property
    def subject_busy(self) -> bool:
        """Whether the subject is thinking of or speaking a reply."""
        return self.out.speaking or (self._turn_task is not None and not self._turn_task.done())

    def _on_vad(self, e: VADEvent) -> None:
        pad = self.turn_cfg.speech_pad_ms * SAMPLE_RATE // 1000
        if e.kind == "speech_start":
            self._utt = _Utterance(start=e.utterance_start, voiced=e.sample)
            self._utt.timeline.mark("speech_start", self._sample_monotonic(e.sample))
        elif self._utt is None:
            return
        elif e.kind == "silence_start":
            audio = self._audio.slice(self._utt.start, e.sample + pad)
            guess = self._spawn(self._transcribe(audio), "asr-speculative")
            guess.add_done_callback(lambda t, voiced=self._utt.voiced: self._partial(t, voiced))
            self._utt.speculative, self._utt.speculative_end = guess, e.sample
            self._utt.timeline.mark("asr_start")
        elif e.kind == "speech_resume":
            # The officer went on: that guess is thrown away (and dropped unstarted if still queued).
            if self._utt.speculative is not None:
                self._utt.speculative.cancel()
            self._utt.speculative = None
        elif e.kind == "speech_end":
            utt, self._utt = self._utt, None
            utt.timeline.mark("speech_end", self._sample_monotonic(e.sample))
            utt.timeline.mark("endpoint")
            audio = self._audio.slice(utt.start, e.sample + pad)
            keep = utt.speculative if utt.speculative_end == e.sample else None
            backchannel = self.subject_busy and not utt.interrupted
            self._spawn(self._officer_turn(utt, audio, e.sample, keep, backchannel), "officer-turn")

    def _partial(self, guess: asyncio.Task[Transcription], voiced: int) -> None:
        """Caption the speculative transcript at once; ``transcript.final`` confirms or replaces it."""
        if guess.cancelled() or guess.exception() is not None:
            return  # the officer went on, or the failure is reported by the turn that awaits it
        if text := guess.result().text.strip():
            start = round(self._sample_time(voiced), 3)
            self.send(
                {"type": "transcript.partial", "speaker": "officer", "text": text, "start": start}
            )

    def _check_barge_in(self) -> None:
        utt = self._utt
        if utt is None or utt.interrupted or not self.subject_busy:
            return
        spoken_ms = (self._endpointer.position - utt.voiced) * 1000 / SAMPLE_RATE
        # Still talking at the mark: a cough or "mm-hm" has fallen silent by then.
        if self._endpointer.voiced_now and spoken_ms >= self.turn_cfg.barge_in_min_ms:
            utt.interrupted = True
            utt.timeline.mark("barge_in")
            dropped = self.out.flush()
            if self._turn_task is not None:
                self._turn_task.cancel()
            self.send(
                {"type": "barge_in", "t": round(self.now(), 3), "dropped_s": round(dropped, 3)}
            )

    async def _transcribe(self, audio: FloatPCM) -> Transcription:
        assert self.engine.asr is not None
        return await self.engine.asr.transcribe(audio)

    async def _officer_turn(
        self,
        utt: _Utterance,
        audio: FloatPCM,
        end_sample: int,
        speculative: asyncio.Task[Transcription] | None,
        backchannel: bool,
    ) -> None:
        """Transcribe the officer, update the persona and, unless it was a backchannel, reply."""
        tl = utt.timeline
        try:
            if speculative is None:
                tl.mark("asr_start")
            heard = await (speculative or self._transcribe(audio))
        except ApplianceError as exc:
            self._error(exc)
            return
        tl.mark("asr_done")
        text = heard.text.strip()
        if not text:
            return
        start, end = self._sample_time(utt.voiced), self._sample_time(end_sample)
        self.send(
            {
                "type": "transcript.final",
                "speaker": "officer",
                "text": text,
                "start": round(start, 3),
                "end": round(end, 3),
            }
        )
        words = len(text.split())
        features = {
            "rms_dbfs": round(rms_dbfs(audio), 1),
            "words_per_minute": round(words / max(end - start, 0.25) * 60.0, 1),
        }
        _, state = await self.engine.analysis_thread.call(
            self.conversation.officer_turn,
            text,
            start=start,
            end=end,
            features=features,
            interrupted=utt.interrupted,
        )
        self.send(state.as_event())
        if backchannel or self.outcome is not None:
            return
        if self._turn_task is not None and not self._turn_task.done():
            self._turn_task.cancel()
        self._turn_task = self._spawn(self._reply(tl, state.outcome), "reply")

    async def _reply(self, tl: TurnTimeline, outcome: str | None) -> None:
        """Speak every planned character's reply; on barge-in keep only what was heard."""
        self._turn_no += 1
        try:
            await self._speak_plans(tl, outcome)
        finally:
            stages = tl.stages_ms()
            self.conversation.timings.append({"turn": self._turn_no, "stages_ms": stages})
            self.send({"type": "turn.timing", "turn": self._turn_no, "stages_ms": stages})

    async def _speak_plans(self, tl: TurnTimeline, outcome: str | None) -> None:
        assert self.engine.llm is not None and self.engine.tts is not None
        for plan in self.conversation.reply_plans():
            heard: list[str] = []
            span: list[float] = []
            interrupted = True

            def started(text: str, speaker: str = plan.speaker) -> None:
                if tl.first("first_frame_sent") is None:
                    tl.mark("first_frame_sent")
                span[:1] = span[:1] or [self.now()]
                heard.append(text)
                self.send({"type": "persona.speech.start", "speaker": speaker, "text": text})

            def finished(text: str, speaker: str = plan.speaker) -> None:
                span[1:] = [self.now()]
                self.send({"type": "persona.speech.end", "speaker": speaker, "text": text})

            try:
                async for line in speak_reply(
                    self.engine.llm,
                    self.engine.tts,
                    plan.messages,
                    plan.lines,
                    style_for=lambda _s, v=plan.voice: v,
                    timeline=tl,
                ):
                    pcm = float_to_int16(
                        resample(int16_to_float(line.speech.pcm), line.speech.sample_rate, OUT_RATE)
                    )
                    self.out.play(
                        pcm,
                        on_start=lambda t=line.text: started(t),
                        on_end=lambda t=line.text: finished(t),
                    )
                await self.out.wait_idle()
                interrupted = False
            except ApplianceError as exc:
                self._error(exc)
                self.out.flush()
                return
            finally:
                if heard:
                    start = span[0]
                    end = span[1] if len(span) > 1 else self.now()
                    self.conversation.character_turn(
                        plan.speaker, " ".join(heard), start=start, end=end, interrupted=interrupted
                    )
                    self.send(
                        {
                            "type": "transcript.final",
                            "speaker": plan.speaker,
                            "text": " ".join(heard),
                            "start": round(start, 3),
                            "end": round(end, 3),
                        }
                    )
        if outcome is not None:
            self._spawn(self.end(outcome), "end")

    # ---- persona clock, limits and the end --------------------------------------------------

    def _send_state(self) -> None:
        self.send(self.conversation.persona.state.as_event())

    async def _tick(self) -> None:
        last = self.conversation.persona.state
        while True:
            await asyncio.sleep(TICK_S)
            state = self.conversation.persona.tick(self.now())
            if state.stage != last.stage or abs(state.agitation - last.agitation) >= 1.0:
                self.send(state.as_event())
                last = state
            if state.outcome is not None and not self.subject_busy:
                self._spawn(self.end(state.outcome), "end")
                return

    async def _time_limit(self) -> None:
        await asyncio.sleep(self.scenario.time_limit_s)
        self._spawn(self.end("time_limit"), "end")

    def inject(self, name: str) -> dict[str, Any]:
        """Apply an instructor inject from the scenario card; returns the new state event."""
        state = self.conversation.persona.apply_inject(name, self.now())
        event = state.as_event()
        self.send(event)
        return event

    def nudge(self, delta: float, reason: str) -> dict[str, Any]:
        """Instructor override of the subject's agitation."""
        state = self.conversation.persona.nudge(delta, self.now(), reason)
        event = state.as_event()
        self.send(event)
        return event

    @property
    def ended(self) -> bool:
        """Whether the session is over."""
        return self._ended.is_set()

    async def end(self, outcome: str) -> None:
        """End the session once: stop every task, tell the client, close the peer."""
        if self._ended.is_set():
            return
        self._ended.set()
        self.outcome = outcome
        self.out.flush()
        me = asyncio.current_task()
        others = [t for t in self._tasks if t is not me]
        for task in others:
            task.cancel()
        for task in others:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.send(
            {
                "type": "session.ended",
                "outcome": outcome,
                "review_url": f"/api/sessions/{self.id}/review",
            }
        )
        await asyncio.sleep(0.05)  # let the last event leave before the transport closes
        self.out.stop()
        await self.pc.close()
        await self._on_ended(self)

    def summary(self) -> dict[str, Any]:
        """A short description for listings and the console."""
        state = self.conversation.persona.state
        return {
            "session_id": self.id,
            "officer": self.conversation.officer,
            "scenario_id": self.scenario.id,
            "elapsed_s": round(self.now(), 1),
            "agitation": state.agitation,
            "stage": state.stage,
            "outcome": self.outcome,
            "turns": len(self.conversation.turns),
        }
