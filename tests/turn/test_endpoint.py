"""Endpointing with the turn-end model: a pause mid-sentence does not end a call's turn (in real
time), and the check of a pause says "go on" there and "done" after a finished sentence."""

from __future__ import annotations

import asyncio
import copy
import time

import numpy as np
import pytest

from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.audio.vad import CHUNK
from appliance.engine import Engine
from appliance.persona.scenario import load_scenario
from appliance.settings import Settings
from appliance.turn.call import Call
from appliance.turn.conversation import Conversation
from appliance.turn.endpoint import TurnEnd
from appliance.turn.events import Event, TranscriptFinal, TurnTiming
from appliance.turn.turn import BufferOutput
from benchmarks.asr_window import word_errors, words
from benchmarks.cut_in_set import AlignedVoice, paused

pytestmark = pytest.mark.slow

LONGEST_SILENCE_MS = 3000  # only the turn-end model can end a turn sooner
# The lines stop on words no finished sentence ends on: a pause after "Tell me more about"
# may be heard as "Tell me more about what?" (the next word's first sound), a question the
# check takes for finished (benchmarks/RESULTS.md, "cut-ins", counts those).
FRAME = SAMPLE_RATE // 50


@pytest.fixture(scope="module")
def voice(settings: Settings) -> AlignedVoice:
    return AlignedVoice(settings)


def patient(engine: Engine) -> Engine:
    """The engine with a turn that holds up to 3 s of silence (models and threads shared)."""
    view = copy.copy(engine)
    turn = engine.settings.turn.model_copy(update={"min_silence_ms": LONGEST_SILENCE_MS})
    view.settings = engine.settings.model_copy(update={"turn": turn})
    return view


def conversation(engine: Engine) -> Conversation:
    """A fresh conversation on the overpass card."""
    assert engine.analyzer is not None
    return Conversation(
        load_scenario("overpass_voices"),
        engine.analyzer,
        session_id="s-endpoint",
        officer={"id": "o-1", "name": "Officer Test"},
    )


async def talk(engine: Engine, audio: FloatPCM) -> list[Event]:
    """Feed ``audio`` then 3.5 s of silence in 20 ms frames at real time; the events sent."""
    events: list[Event] = []
    call = Call(engine, conversation(engine), BufferOutput(), events.append, time.monotonic, print)
    stream = np.concatenate([audio, np.zeros(SAMPLE_RATE * 7 // 2, dtype=np.float32)])
    start = time.monotonic()
    try:
        for i in range(0, len(stream), FRAME):
            await call.feed(stream[i : i + FRAME])
            await asyncio.sleep(max(0.0, start + (i + FRAME) / SAMPLE_RATE - time.monotonic()))
        for _ in range(600):  # the last turn's reply (its timing closes the turn)
            if any(isinstance(e, TurnTiming) for e in events):
                break
            await asyncio.sleep(0.05)
    finally:
        await call.close()
    return events


def officer_turns(events: list[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, TranscriptFinal) and e.speaker == "officer"]


@pytest.mark.parametrize(
    "line",
    [
        "I'm wondering if | you've eaten anything today.",
        "We're going to | figure this out together.",
        "If you could just | put the knife on the ground.",
    ],
)
async def test_a_pause_mid_sentence_does_not_end_the_turn(
    engine: Engine, voice: AlignedVoice, line: str
) -> None:
    lead = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    utt = paused(voice, line, 800.0, lead)
    turns = officer_turns(await talk(patient(engine), utt.samples))
    assert len(turns) == 1, turns
    # Both stretches heard in the one turn: the words before the pause, and the end of the words
    # after it (Whisper base may mishear a word next to the spliced-in silence: "you've eaten").
    before, after = (words(part) for part in line.split(" | "))
    heard = words(turns[0])
    assert heard[: len(before)] == before and set(after[-2:]) <= set(heard), turns
    assert word_errors(line.replace(" |", ""), turns[0]) <= 3, turns


async def verdict(engine: Engine, audio: FloatPCM) -> tuple[bool, bool]:
    """The turn-end check of a pause after ``audio``, given all the time it needs (and whether it
    heard a finished sentence, which it must when it ends the turn)."""
    assert engine.asr is not None
    check = TurnEnd(engine)
    listen_ms = engine.settings.turn.turn_end_listen_ms  # the silence the model hears
    silence = np.zeros(SAMPLE_RATE * listen_ms // 1000, dtype=np.float32)
    words = asyncio.ensure_future(engine.asr.transcribe(audio))
    check.ask(np.concatenate([audio, silence]), words)
    await check.settle()
    after = engine.settings.turn.turn_end_silence_ms * SAMPLE_RATE // 1000
    assert not check.finished(after - 1)  # never before the short silence
    sentence = check.sentence_done()
    return check.finished(after), sentence


@pytest.mark.parametrize(
    "line",
    [
        "If you could just | put the knife on the ground.",
        "We're going to | figure this out together.",
        "The store manager just | wants you to leave for today.",
        "I'm wondering if | you've eaten anything today.",
        # The voice alone says finished here (0.96–0.98); the words say officers go on.
        "Do you remember | what you took tonight?",
        "Is there anything | I can get you?",
        "Could you tell me | your name?",
    ],
)
async def test_the_check_of_a_pause_mid_sentence_says_go_on(
    engine: Engine, voice: AlignedVoice, line: str
) -> None:
    utt = paused(voice, line, 800.0, np.zeros(SAMPLE_RATE // 2, dtype=np.float32))
    assert await verdict(engine, utt.samples[: utt.pause_at]) == (False, False)


@pytest.mark.parametrize(
    "line", ["Thank you for talking with me.", "Where are you staying right now?"]
)
async def test_the_check_after_a_finished_sentence_says_done(
    engine: Engine, voice: AlignedVoice, line: str
) -> None:
    assert await verdict(engine, voice.speak(line)[0]) == (True, True)


async def test_the_model_is_asked_once_a_pause_with_the_silence_it_needs(
    engine: Engine, voice: AlignedVoice
) -> None:
    """Asked at ``turn_end_listen_ms`` into the pause, not when its words are first heard: the
    audio it judges ends that far past where the silence began."""
    call = Call(
        engine, conversation(engine), BufferOutput(), lambda _e: None, time.monotonic, print
    )
    asked: list[tuple[int, int | None, int]] = []  # audio length, pause start, stream position
    ask = call._turn_end.ask

    def spy(audio: FloatPCM, words: asyncio.Future[object] | None) -> None:
        endpointer = call._endpointer
        asked.append((len(audio), endpointer.pause_from, endpointer.position))
        assert words is not None  # the pause's words are on their way
        ask(audio, words)  # type: ignore[arg-type]

    call._turn_end.ask = spy  # type: ignore[method-assign]
    lead = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    audio = np.concatenate([lead, voice.speak("Thank you for talking with me.")[0]])
    stream = np.concatenate([audio, np.zeros(SAMPLE_RATE * 3 // 2, dtype=np.float32)])
    try:
        for i in range(0, len(stream), FRAME):
            await call.feed(stream[i : i + FRAME])
            await asyncio.sleep(0.005)
    finally:
        await call.close()
    assert len(asked) == 1, asked
    length, pause, position = asked[0]
    listen = engine.settings.turn.turn_end_listen_ms * SAMPLE_RATE // 1000
    assert pause is not None and position - pause >= listen
    assert position - pause < listen + CHUNK + FRAME  # the first frame that reached it
    assert length >= position - pause  # the silence is in what it judged
