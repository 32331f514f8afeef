"""The models run below the event loop's CPU priority, and so do the threads they start (the
pools of CTranslate2 and onnxruntime); the VAD, on every inbound frame, runs at the loop's."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from appliance.audio.frames import SAMPLE_RATE
from appliance.engine import Engine
from appliance.inference.executor import MODEL_NICE, ModelThread

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")


def nice_of(tid: int) -> int:
    """A thread's nice value, from /proc (field 19 of its stat line)."""
    stat = Path(f"/proc/self/task/{tid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[16])


def threads() -> dict[int, int]:
    """Every thread of this process: id → nice."""
    return {int(t.name): nice_of(int(t.name)) for t in Path("/proc/self/task").iterdir()}


async def test_a_model_thread_runs_lower_and_the_vad_thread_does_not() -> None:
    loop_nice = nice_of(threading.get_native_id())
    model, vad = ModelThread("test-model"), ModelThread("test-vad", nice=0)
    try:
        assert await model.call(lambda: nice_of(threading.get_native_id())) == min(
            19, loop_nice + MODEL_NICE
        )
        assert await vad.call(lambda: nice_of(threading.get_native_id())) == loop_nice
    finally:
        model.close()
        vad.close()


async def test_the_threads_the_models_start_run_lower_too(engine: Engine) -> None:
    assert engine.asr is not None and engine.turn_end is not None
    loop_nice = nice_of(threading.get_native_id())
    before = set(threads())
    # Work that wakes every model's own pool (threads started at load or on first use).
    await engine.asr.transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32))
    await engine.turn_end_thread.call(
        engine.turn_end.probability, np.zeros(SAMPLE_RATE, dtype=np.float32)
    )
    now = threads()
    lower = [tid for tid, nice in now.items() if nice > loop_nice]
    # The ASR's, the TTS's, the turn-end model's and the analysis' threads at least, and their
    # pools' (two ASR threads on cpu-embedded).
    assert len(lower) >= 5, now
    # Nothing the models started since runs at the loop's priority: every new thread is lower.
    assert all(now[tid] > loop_nice for tid in set(now) - before), now
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == loop_nice
