"""Streaming endpointer: VAD probabilities become speech-start, silence and speech-end events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.audio.vad import CHUNK, VADStream
from appliance.settings import TurnSection

EventKind = Literal["speech_start", "silence_start", "speech_resume", "speech_end"]


@dataclass(frozen=True)
class VADEvent:
    """A turn-taking event; sample indexes count from the start of the stream (16 kHz)."""

    kind: EventKind
    sample: int  # where the event happened in the audio
    utterance_start: int  # start of the current utterance, padding included
    decided_at: int  # the stream position when the endpointer knew (sample)
    by_model: bool = False  # speech_end: the turn-end model ended the turn, not the silence

    @property
    def t(self) -> float:
        """Event time in seconds from the start of the stream."""
        return self.sample / SAMPLE_RATE


class Endpointer:
    """Feed 16 kHz mono audio of any length; get events with sample-accurate positions.

    - ``speech_start`` once voiced audio has lasted ``min_speech_ms`` (sample = first voiced chunk);
    - ``silence_start`` after ``speculative_asr_ms`` of silence inside an utterance (start ASR now);
    - ``speech_resume`` if the officer goes on after a ``silence_start`` (drop that ASR);
    - ``speech_end`` after ``min_silence_ms`` of silence (sample = end of the last voiced chunk),
      or earlier through ``end_turn`` (the turn-end model said the officer finished).
    """

    def __init__(self, vad: VADStream, turn: TurnSection) -> None:
        self._vad = vad
        ms = SAMPLE_RATE // 1000
        self._on = turn.vad_threshold
        self._off = turn.vad_negative_threshold or max(0.01, turn.vad_threshold - 0.15)
        self._min_speech = turn.min_speech_ms * ms
        self._min_silence = turn.min_silence_ms * ms
        self._speculative = min(turn.speculative_asr_ms, turn.min_silence_ms) * ms
        self._pad = turn.speech_pad_ms * ms
        self._buf = np.zeros(0, dtype=np.float32)
        self._pos = 0  # samples consumed by the VAD
        self._voiced_from: int | None = None  # candidate start, before min_speech is reached
        self._in_speech = False
        self._start = 0
        self._silence_from: int | None = None
        self._confident_to = 0  # end of the utterance's last chunk at or above the on-threshold
        self._speculated = False
        self.last_probability = 0.0

    @property
    def in_speech(self) -> bool:
        """Whether an utterance is open."""
        return self._in_speech

    @property
    def voiced_now(self) -> bool:
        """Whether an utterance is open and its latest chunk was speech (not a pause in it)."""
        return self._in_speech and self._silence_from is None

    @property
    def pause_from(self) -> int | None:
        """Where the pause in the open utterance began (None while voiced or outside one)."""
        return self._silence_from if self._in_speech else None

    @property
    def position(self) -> int:
        """Samples processed so far."""
        return self._pos

    def feed(self, samples: FloatPCM) -> list[VADEvent]:
        """Process more audio; return the events it completes."""
        self._buf = np.concatenate([self._buf, samples.astype(np.float32, copy=False)])
        events: list[VADEvent] = []
        n = len(self._buf) // CHUNK
        for i in range(n):
            chunk = self._buf[i * CHUNK : (i + 1) * CHUNK]
            self._step(self._vad.probability(chunk), events)
        self._buf = self._buf[n * CHUNK :]
        return events

    def end_turn(self) -> VADEvent | None:
        """End the open utterance now, inside its pause; None when it is voiced or closed."""
        if not self._in_speech or self._silence_from is None:
            return None
        self._in_speech = False
        self._voiced_from = None
        return VADEvent("speech_end", self._voice_end(), self._start, self._pos, by_model=True)

    def flush(self) -> list[VADEvent]:
        """End of stream: close an open utterance at the last sample."""
        if not self._in_speech:
            return []
        end = self._pos if self._silence_from is None else self._voice_end()
        self._in_speech = False
        return [VADEvent("speech_end", min(end + self._pad, self._pos), self._start, self._pos)]

    def _voice_end(self) -> int:
        """Where the voice ended, once silence has begun.

        The last confident chunk, not the tail of Silero's fading probability between the two
        thresholds (that tail only delays the silence count), less the one chunk Silero's
        probability lags the audio by (measured on Piper speech against an energy ground truth:
        the last confident chunk ends 48–93 ms after the voice does).
        """
        assert self._silence_from is not None
        return max(self._start, min(self._confident_to, self._silence_from) - CHUNK)

    def _step(self, p: float, events: list[VADEvent]) -> None:
        chunk_start, self._pos = self._pos, self._pos + CHUNK
        self.last_probability = p
        if not self._in_speech:
            if p >= self._on:
                if self._voiced_from is None:
                    self._voiced_from = chunk_start
                if self._pos - self._voiced_from >= max(self._min_speech, CHUNK):
                    self._in_speech = True
                    self._start = max(0, self._voiced_from - self._pad)
                    self._silence_from = None
                    self._confident_to = self._pos
                    self._speculated = False
                    events.append(
                        VADEvent("speech_start", self._voiced_from, self._start, self._pos)
                    )
            elif p < self._off:
                self._voiced_from = None
            return
        if p >= self._on:
            if self._speculated:
                events.append(VADEvent("speech_resume", chunk_start, self._start, self._pos))
            self._silence_from = None
            self._confident_to = self._pos
            self._speculated = False
            return
        if p >= self._off:
            return
        if self._silence_from is None:
            self._silence_from = chunk_start
        silent = self._pos - self._silence_from
        if not self._speculated and silent >= self._speculative:
            self._speculated = True
            events.append(VADEvent("silence_start", self._voice_end(), self._start, self._pos))
        if silent >= self._min_silence:
            self._in_speech = False
            self._voiced_from = None
            events.append(VADEvent("speech_end", self._voice_end(), self._start, self._pos))
