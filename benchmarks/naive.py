"""The naive baseline: fixed 700 ms endpoint, full ASR, full LLM completion, full TTS, then play.

Same models (one ``Engine``), same utterances, same persona prompts and the same turn code
(``TurnRunner`` with ``whole=True``), run in the benchmark's own process one turn after another.
Its timeline uses the live pipeline's event names, so both are reduced to stages by
``TurnTimeline.stages_ms``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from appliance.audio.frames import SAMPLE_RATE
from appliance.engine import Engine
from appliance.persona.lines import prepare as prepare_lines
from appliance.persona.scenario import load_scenario
from appliance.turn.conversation import Conversation
from appliance.turn.timeline import TurnTimeline
from appliance.turn.turn import BufferOutput, TurnRunner
from appliance.turn.turn import Utterance as TurnUtterance
from benchmarks.live_load import SCENARIOS, TurnRecord, utterance_index
from benchmarks.utterances import Utterance

ENDPOINT_S = 0.700  # fixed silence wait of a plain VAD endpointer
FRAME_S = 0.020  # one outbound frame before the first audio is out


async def naive_turn(
    engine: Engine, conversation: Conversation, utt: Utterance, t: float
) -> TurnTimeline:
    """One sequential turn through the shared ``TurnRunner``; the silence wait is accounted."""
    end = t + utt.duration_s
    turn = TurnRunner(engine, conversation, lambda _event: None, lambda: end, whole=True)
    tl = TurnTimeline()
    now = time.monotonic()
    tl.mark("speech_end", now - ENDPOINT_S)
    tl.mark("endpoint", now)
    if await turn.hear(TurnUtterance(utt.samples, t, end), tl) is not None:
        await turn.reply(tl, BufferOutput(lead_s=FRAME_S))
    return tl


async def run_naive(
    engine: Engine, turns: Sequence[Utterance], sessions: int, per_session: int
) -> list[TurnRecord]:
    """The baseline over the same sessions' scenarios and utterances as the live run."""
    assert engine.analyzer is not None
    records: list[TurnRecord] = []
    for s in range(sessions):
        scenario = SCENARIOS[s % len(SCENARIOS)]
        card = load_scenario(scenario)
        await engine.analysis_thread.call(prepare_lines, card, engine.analyzer.encoder)
        conversation = Conversation(
            card,
            engine.analyzer,
            session_id=f"naive-{s}",
            officer={"id": f"naive-{s}", "name": "Officer Naive"},
            topic_threshold=engine.settings.persona.topic_threshold,
        )
        clock = 0.0
        for t in range(per_session):
            utt = turns[utterance_index(s, t, len(turns))]
            tl = await naive_turn(engine, conversation, utt, clock)
            clock += utt.duration_s + 5.0
            stages = tl.stages_ms()
            records.append(
                TurnRecord(
                    concurrency=0,
                    session=s,
                    turn=t,
                    scenario=scenario,
                    kind="naive",
                    utterance=utt.text,
                    utterance_s=round(len(utt.samples) / SAMPLE_RATE, 2),
                    latency_ms=stages.get("total"),
                    stages_ms=stages,
                    reply=conversation.turns[-1].text if conversation.turns else "",
                )
            )
    return records
