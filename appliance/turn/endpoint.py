"""When the officer's turn is over: the silence, the turn-end model and the words so far.

At each pause inside an utterance the speculative ASR starts on the audio so far (the
endpointer's ``silence_start``), and once the pause has lasted ``[turn] turn_end_listen_ms`` the
call asks the turn-end model about that audio, the silence included. When both are in and the
pause has lasted ``turn_end_silence_ms``, the voice and the words together say the officer
finished (the model's log-odds plus ``turn_end_words_weight`` times those of the words-end
model, against ``turn_end_threshold``) and the words do not stop where a sentence goes on ("I
want to …"), the turn ends; otherwise the endpointer ends it after ``min_silence_ms``, the
longest silence a turn may hold.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass

from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.engine import Engine
from appliance.inference.asr import Transcription
from appliance.turn.words_end import bundled, words_of

log = logging.getLogger(__name__)

# Words a finished sentence hardly ends on: articles, conjunctions, subject pronouns, fillers,
# prepositions, the infinitive "to", auxiliaries ("The clinician and I …", "I want to …"). A
# question may end on some ("Who are you talking to?"): it then waits for the longest silence,
# which costs that turn time, where ending it early would cut the officer off.
CONTINUING = frozenset(
    """a an the this these those my your his her our their every each
    and but or nor because if whether unless although while whereas
    i we they he she i'm we're they're you're it's there's that's i'd we'd i'll we'll you'll i've
    we've let's um uh er erm
    to of for with at in on about into onto by like than as through toward towards that which
    who whom whose is are was were am be been being can could would should will shall must might
    just really very wants needs trying""".split()
)
# Of those, the two that close a question ("How long has it been like this?", "Why did you do
# that?"): with a question mark they end it; otherwise they still hold the sentence open. Not the
# particles and prepositions officers also end on ("What's going on?"): Whisper writes a question
# mark at a pause, and "what's been going on | for you lately?" was cut in.
QUESTION_ENDS = frozenset({"this", "that"})
# Two words a telling or wanting goes on after ("Could you tell me | your name?", "I need you |
# to step back"): none of the corpus's 1273 officer turns ends on one, 66 places go on after one.
OPEN_PAIRS = frozenset(
    {"tell me", "let me", "show me", "give me", "remind me", "tell you", "let you", "show you"}
    | {"give you", "want you", "need you", "ask you"}
)
OPEN_MARKS = ("...", "…", ",", "-", "—", ";", ":")


def open_ended(text: str) -> bool:
    """Whether the words so far stop where a sentence goes on ("I want to", "because …",
    "Could you tell me")."""
    text = text.strip()
    if text.endswith(OPEN_MARKS):
        return True
    words = words_of(text)
    if len(words) < 2:
        return False
    if words[-1] in QUESTION_ENDS and text.endswith("?"):
        return False
    return words[-1] in CONTINUING or " ".join(words[-2:]) in OPEN_PAIRS


@dataclass
class _Pause:
    """The check of the pause in progress."""

    model: asyncio.Future[float]
    words: asyncio.Future[Transcription] | None


class TurnEnd:
    """The turn-end check of one call's pauses; ``finished`` is asked after every inbound frame."""

    def __init__(self, engine: Engine) -> None:
        self._model = engine.turn_end
        self._thread = engine.turn_end_thread
        cfg = engine.settings.turn
        self._after = cfg.turn_end_silence_ms * SAMPLE_RATE // 1000
        self._threshold = _logit(cfg.turn_end_threshold)
        self._words_weight = cfg.turn_end_words_weight
        self._words_end = bundled()
        self._pause: _Pause | None = None
        self.probability: float | None = None  # the model's latest verdict

    def ask(self, audio: FloatPCM, words: asyncio.Future[Transcription] | None) -> None:
        """Judge ``audio`` (the utterance so far, the pause's silence included); ``words`` is the
        pause's transcription."""
        self.drop()
        if self._model is not None:
            model = asyncio.ensure_future(self._thread.call(self._model.probability, audio))
            self._pause = _Pause(model, words)

    def drop(self) -> None:
        """The pause is over (the officer went on, or the turn ended): forget its check."""
        if self._pause is not None:
            self._pause.model.cancel()  # dropped unstarted if still queued
        self._pause = None

    async def settle(self) -> None:
        """Wait until the pause's verdict and words are in (offline; live, ``finished`` polls)."""
        pause = self._pause
        if pause is not None:
            await asyncio.wait([pause.model])
            if pause.words is not None:
                await asyncio.wait([pause.words])

    def finished(self, silence_samples: int | None) -> bool:
        """Whether the turn is over after this much silence (None: the officer is speaking)."""
        if silence_samples is None or silence_samples < self._after:
            return False
        verdict = self._verdict()
        if verdict is not None:
            self._pause = None  # one verdict a pause: the silence decides the rest
        return bool(verdict)

    def sentence_done(self) -> bool:
        """Whether the pause's check, if it is in, heard a finished sentence (the officer went on
        after it: "Take your time. | I'm staying right here.")."""
        verdict = self._verdict()
        return bool(verdict) and self._words().rstrip().endswith((".", "?", "!"))

    def _words(self) -> str:
        words = self._pause.words if self._pause is not None else None
        if words is None or not words.done() or words.cancelled():
            return ""
        try:
            return words.result().text
        except Exception:  # the turn that awaits it reports a failure
            return ""

    def _verdict(self) -> bool | None:
        """The model said finished and the words leave no sentence open (None: not in yet)."""
        pause = self._pause
        if pause is None:
            return False
        if not pause.model.done() or (pause.words is not None and not pause.words.done()):
            return None
        try:
            self.probability = probability = pause.model.result()
        except Exception as exc:  # a failing model costs speed, never the turn
            log.warning("turn-end model failed: %r; waiting for the silence", exc)
            return False
        text = self._words()
        score = _logit(probability)
        if self._words_weight:
            score += self._words_weight * self._words_end.logit(text)
        complete = score >= self._threshold and not open_ended(text)
        log.debug(
            "turn end p=%.3f score=%.2f open=%s: %s", probability, score, open_ended(text), complete
        )
        return complete


def _logit(p: float) -> float:
    """Log-odds of a probability, kept finite."""
    p = min(max(p, 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p))
