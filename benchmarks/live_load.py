"""N concurrent reference clients over real WebRTC: M officer turns each, one barge-in each."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from appliance.turn.events import BargeIn, TurnTiming
from benchmarks.utterances import Utterance, UtteranceSet
from headset_client import HeadsetClient
from headset_client.client import ReplyResult, TurnError
from headset_client.latency import FrameLevel
from headset_client.recorder import RECORD_RATE
from headset_client.signalling import SignallingError

log = logging.getLogger(__name__)

SCENARIOS = (
    "overpass_voices",
    "backyard_trespass",
    "bar_intoxicated",
    "store_disorderly",
    "traffic_stop_filming",
    "coresponder_clinician",
)
MAX_RESTARTS = 3
SESSION_ENDED = "session_ended"
UNDERRUN_GAP_S = 0.040  # two 20 ms frames: a longer hole between reply frames is audible


@dataclass(frozen=True)
class LoadPlan:
    """What every session of one concurrency level does."""

    concurrency: int
    turns: int
    pause_s: float = 1.0
    stagger_s: float = 0.5
    barge_in: bool = True
    reply_timeout_s: float = 180.0


@dataclass
class TurnRecord:
    """One officer turn as the client saw it, with the appliance's per-stage times."""

    concurrency: int
    session: int
    turn: int
    scenario: str
    kind: str  # "turn", or "after_barge_in" (the reply to the interrupting utterance)
    utterance: str
    utterance_s: float
    latency_ms: float | None = None  # officer's last voiced frame sent → first voiced reply frame
    stages_ms: dict[str, float] = field(default_factory=dict)
    heard: str = ""
    reply: str = ""
    reply_s: float = 0.0
    underruns: int = 0  # gaps > 40 ms between received reply frames
    max_gap_ms: float = 0.0
    server_late_frames: int | None = (
        None  # PacedAudioTrack.late_frames so far (cumulative), if sent
    )
    restarts: int = 0  # sessions this officer had to start again (the scenario ended) before it
    # Voiced reply audio received while the officer was still speaking this utterance (a reply
    # to a pause mid-sentence, or one that went on over the officer): talked over, in ms.
    talked_over_ms: float = 0.0
    error: str | None = None


@dataclass
class BargeInRecord:
    """One barge-in: how fast the subject's audio stopped after the appliance's event."""

    concurrency: int
    session: int
    stop_after_event_ms: float | None
    stop_after_speech_ms: float | None
    dropped_s: float | None
    error: str | None = None


@dataclass
class LevelResult:
    """Everything measured at one concurrency level."""

    concurrency: int
    wall_s: float
    turns: list[TurnRecord]
    barge_ins: list[BargeInRecord]


def _arrivals(frames: Sequence[FrameLevel], first_at: float, last_at: float) -> npt.NDArray[Any]:
    return np.array([f.at for f in frames if first_at <= f.at <= last_at])


def reply_gaps(frames: Sequence[FrameLevel], first_at: float, last_at: float) -> tuple[int, float]:
    """Underruns (gaps over 40 ms) and the largest gap (ms) between reply frames received."""
    times = _arrivals(frames, first_at, last_at)
    if len(times) < 2:
        return 0, 0.0
    gaps = np.diff(times)
    return int(np.sum(gaps > UNDERRUN_GAP_S)), round(float(gaps.max()) * 1000.0, 1)


def underrun_offsets(frames: Sequence[FrameLevel], first_at: float, last_at: float) -> list[float]:
    """Where each underrun ended, in ms after the reply's first frame (to place its cause)."""
    times = _arrivals(frames, first_at, last_at)
    over = np.flatnonzero(np.diff(times) > UNDERRUN_GAP_S) + 1
    return [round(float(times[i] - first_at) * 1000.0, 1) for i in over]


def voiced_ms_between(frames: Sequence[FrameLevel], start: float, end: float) -> float:
    """Milliseconds of voiced received audio that arrived between ``start`` and ``end``."""
    return round(
        sum(f.length for f in frames if start <= f.at <= end and f.voiced()) / RECORD_RATE * 1000.0,
        1,
    )


def late_frames(reply: ReplyResult) -> int | None:
    """Cumulative server pacing underruns from ``turn.timing``, when the appliance sends them."""
    for e in reply.events:
        if isinstance(e.event, TurnTiming):
            return e.event.late_frames
    return None


def _fill(record: TurnRecord, client: HeadsetClient, reply: ReplyResult) -> None:
    record.latency_ms = round(reply.latency_ms, 1)
    record.stages_ms = reply.stages_ms
    record.heard, record.reply = reply.heard, reply.text
    record.reply_s = round(reply.last_frame_at - reply.first_frame_at + 0.02, 2)
    record.underruns, record.max_gap_ms = reply_gaps(
        client.frames, reply.first_frame_at, reply.last_frame_at
    )
    record.server_late_frames = late_frames(reply)


async def _turn(
    client: HeadsetClient, utt: Utterance, record: TurnRecord, timeout_s: float
) -> None:
    said = await client.say(utt.samples, utt.sample_rate)
    try:
        _fill(record, client, await client.wait_reply(timeout_s=timeout_s))
        record.talked_over_ms = voiced_ms_between(
            client.frames, said.started_at, said.voiced_end_at
        )
    except TurnError as exc:
        record.error = f"{exc.code}: {exc}"
    except TimeoutError as exc:
        record.error = f"timeout: {exc}"


async def _barge_in(
    client: HeadsetClient, lines: UtteranceSet, base: dict[str, Any], plan: LoadPlan
) -> tuple[BargeInRecord, TurnRecord]:
    """Ask an open question, talk over the reply, then time the reply to the interruption."""
    q, b = lines.open_question, lines.barge_in
    rec = BargeInRecord(plan.concurrency, base["session"], None, None, None)
    after = TurnRecord(
        **base, kind="after_barge_in", utterance=b.text, utterance_s=round(b.duration_s, 2)
    )
    await client.say(q.samples, q.sample_rate)
    try:
        await client.wait_event(
            "persona.speech.start", plan.reply_timeout_s, after=client.events[-1].received_at
        )
        await asyncio.sleep(0.3)  # the subject is audibly talking now
        result = await client.barge_in(b.samples, b.sample_rate, timeout_s=30.0)
    except TimeoutError as exc:
        rec.error = f"no barge-in: {exc}"
        return rec, after
    rec.stop_after_event_ms = _round(result.stop_after_event_ms)
    rec.stop_after_speech_ms = _round(result.stop_after_speech_ms)
    event = result.event.event
    rec.dropped_s = event.dropped_s if isinstance(event, BargeIn) else None
    try:
        _fill(after, client, await client.wait_reply(timeout_s=plan.reply_timeout_s))
    except (TurnError, TimeoutError) as exc:
        after.error = str(exc)
    return rec, after


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def utterance_index(session: int, turn: int, n: int) -> int:
    """Which utterance a session speaks at a turn: strided so short and long lines alternate."""
    return (session * 5 + turn * 7) % n


async def run_session(
    url: str,
    index: int,
    lines: UtteranceSet,
    plan: LoadPlan,
    api_path: str = "/api",
    token: str | None = None,
) -> tuple[list[TurnRecord], list[BargeInRecord]]:
    """One officer: M turns with pauses, then (optionally) one barge-in exchange.

    A scenario can end on its own (the persona's outcome); the officer then starts a new session
    of it and goes on with the remaining turns (at most ``MAX_RESTARTS`` times).
    """
    scenario = SCENARIOS[index % len(SCENARIOS)]
    officer = {"id": f"bench-{plan.concurrency}-{index}", "name": f"Officer Bench {index}"}
    turns: list[TurnRecord] = []
    barges: list[BargeInRecord] = []
    base: dict[str, Any] = {"concurrency": plan.concurrency, "session": index, "scenario": scenario}
    await asyncio.sleep(index * plan.stagger_s)  # headsets do not all start on the same frame
    t, barge_pending = 0, plan.barge_in
    for restart in range(MAX_RESTARTS + 1):
        client = HeadsetClient(
            url, officer=officer, scenario_id=scenario, api_path=api_path, token=token
        )
        try:
            async with client:
                while t < plan.turns and not client.events_of("session.ended"):
                    utt = lines.turns[utterance_index(index, t, len(lines.turns))]
                    record = TurnRecord(
                        **base,
                        turn=t,
                        kind="turn",
                        utterance=utt.text,
                        utterance_s=round(utt.duration_s, 2),
                        restarts=restart,
                    )
                    await _turn(client, utt, record, plan.reply_timeout_s)
                    turns.append(record)
                    if record.error and record.error.startswith(SESSION_ENDED):
                        break  # not the pipeline's failure: say it again in a new session
                    t += 1
                    await asyncio.sleep(plan.pause_s)
                if barge_pending and not client.events_of("session.ended"):
                    rec, after = await _barge_in(client, lines, {**base, "turn": plan.turns}, plan)
                    barges.append(rec)
                    turns.append(after)
                    barge_pending = False
        except SignallingError:
            if not client.events_of("session.ended"):
                raise  # only ending a session the scenario already ended may fail
        if t >= plan.turns and not barge_pending:
            break
        log.info(
            "session %d of level %d ended by its scenario; starting another",
            index,
            plan.concurrency,
        )
    return turns, barges


async def run_level(
    url: str,
    lines: UtteranceSet,
    plan: LoadPlan,
    api_path: str = "/api",
    tokens: Sequence[str] = (),
) -> LevelResult:
    """All sessions of one concurrency level at once (session i uses paired device token i)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    results = await asyncio.gather(
        *(
            run_session(url, i, lines, plan, api_path, tokens[i % len(tokens)] if tokens else None)
            for i in range(plan.concurrency)
        )
    )
    turns = [t for r in results for t in r[0]]
    barges = [b for r in results for b in r[1]]
    return LevelResult(plan.concurrency, round(loop.time() - started, 1), turns, barges)
