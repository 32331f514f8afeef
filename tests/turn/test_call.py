"""A call's background tasks: a failure is logged with the session and sent as one error event."""

from __future__ import annotations

import asyncio
import logging

import pytest

from appliance.engine import Engine
from appliance.errors import ASRError
from appliance.persona.scenario import load_scenario
from appliance.turn.call import Call
from appliance.turn.conversation import Conversation
from appliance.turn.events import ErrorEvent, Event
from appliance.turn.turn import BufferOutput


def _call(engine: Engine, events: list[Event], outcomes: list[str]) -> Call:
    assert engine.analyzer is not None
    conversation = Conversation(
        load_scenario("overpass_voices"),
        engine.analyzer,
        session_id="s-failing",
        officer={"id": "o-1", "name": "Officer Test"},
    )
    return Call(engine, conversation, BufferOutput(), events.append, lambda: 1.0, outcomes.append)


async def _boom() -> None:
    raise KeyError("stage state")


async def _asr_down() -> None:
    raise ASRError("the speech recogniser is not running")


async def test_a_crashing_task_is_logged_and_sent_once_and_the_call_goes_on(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[Event] = []
    outcomes: list[str] = []
    call = _call(engine, events, outcomes)
    with caplog.at_level(logging.ERROR, logger="appliance.turn.call"):
        task = call.spawn(_boom(), "officer-turn")
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and errors[0].code == "internal_error"
    assert "officer-turn" in errors[0].message and "stage state" in errors[0].message
    logged = [r for r in caplog.records if "failed" in r.getMessage()]
    assert logged and getattr(logged[0], "session", None) == "s-failing"
    assert logged[0].exc_info is not None
    # the call still works: an inject moves the persona and is sent
    state = call.inject(next(iter(load_scenario("overpass_voices").injects)))
    assert events[-1] == state and not outcomes
    await call.close()


async def test_a_stage_error_keeps_its_code_and_an_awaited_task_is_not_reported_twice(
    engine: Engine,
) -> None:
    events: list[Event] = []
    call = _call(engine, events, [])
    await asyncio.gather(call.spawn(_asr_down(), "officer-turn"), return_exceptions=True)
    await asyncio.gather(call.spawn(_asr_down(), "asr", report=False), return_exceptions=True)
    await asyncio.sleep(0)
    assert [e for e in events if isinstance(e, ErrorEvent)] == [
        ErrorEvent("asr_failed", "the speech recogniser is not running")
    ]
    assert call.errors == [
        {"code": "asr_failed", "message": "the speech recogniser is not running"}
    ]
    await call.close()
