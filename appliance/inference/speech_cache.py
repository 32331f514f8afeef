"""Synthesized lines kept on disk and in memory, so an authored reply's audio is ready at once.

Keyed by the voice model, the text and every delivery parameter: a changed line or voice is a
new entry. The card lines are synthesized ahead (``warm``) in the background. Kept in memory at
the rate they are played at (resampled once, off the event loop), so a cached line goes to the
outbound track as it is.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import numpy as np

from appliance.audio.frames import float_to_int16, int16_to_float, resample
from appliance.inference.tts import NeutralStyle, PiperTTS, Speech, VoiceStyle, trim_lead

log = logging.getLogger(__name__)
# Lines kept in memory, by size: at 48 kHz a line is 100–600 KiB, and a session says each line once,
# so memory serves repeats and the lines just synthesized; the disk serves the rest in about a
# millisecond, resampling included (0.8 ms for a 1.9 s line). A larger budget bought nothing but
# memory that kept filling long after start-up (24 MiB took ~20 minutes of two calls).
MEMORY_BYTES = 4 * 1024 * 1024


class SpeechCache:
    """``speak`` returns cached audio when it has it, else synthesizes and keeps the result."""

    def __init__(
        self, tts: PiperTTS, folder: Path, model_id: str, *, rate: int | None = None
    ) -> None:
        self.tts = tts
        self.folder = folder
        self.model_id = model_id
        self.rate = rate  # the rate lines are played at (None: the voice's own)
        self._memory: OrderedDict[str, Speech] = OrderedDict()
        self._memory_bytes = 0
        self.hits = 0
        self.misses = 0

    def key(self, text: str, style: VoiceStyle | None) -> str:
        """The cache key of a line in a style."""
        s = style or NeutralStyle()
        fields = (
            s.length_scale,
            s.noise_scale,
            s.noise_w_scale,
            s.volume,
            s.pitch_semitones,
        )
        raw = f"{self.model_id}|{text}|" + "|".join(f"{v:.4f}" for v in fields)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npy"

    def cached(self, text: str, style: VoiceStyle | None) -> bool:
        """Whether the line's audio is in memory or on disk."""
        key = self.key(text, style)
        return key in self._memory or self._path(key).is_file()

    async def speak(self, text: str, style: VoiceStyle | None) -> Speech:
        """The line's audio: from memory, from disk, or synthesized now (and kept)."""
        key = self.key(text, style)
        if (speech := self._memory.get(key)) is not None:
            self._memory.move_to_end(key)
            self.hits += 1
            return speech
        path = self._path(key)
        speech = await asyncio.to_thread(self._load, path)
        if speech is None:
            self.misses += 1
            speech = await self.tts.synthesize(text, style)
            await asyncio.to_thread(self._save, path, speech)
        else:
            self.hits += 1
        speech = await asyncio.to_thread(self._playable, speech)
        self._remember(key, speech)
        return speech

    def _playable(self, speech: Speech) -> Speech:
        """The line at the playback rate."""
        if self.rate is None or speech.sample_rate == self.rate or not len(speech.pcm):
            return speech
        pcm = resample(int16_to_float(speech.pcm), speech.sample_rate, self.rate)
        return Speech(float_to_int16(pcm), self.rate)

    def _load(self, path: Path) -> Speech | None:
        try:
            pcm = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None
        # Lines kept before the voice's lead-in was trimmed are trimmed as they are read.
        return Speech(trim_lead(pcm.astype(np.int16), self.tts.sample_rate), self.tts.sample_rate)

    def _save(self, path: Path, speech: Speech) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.stem + ".tmp.npy")
            np.save(tmp, speech.pcm, allow_pickle=False)
            tmp.replace(path)
        except OSError as exc:  # a full or read-only disk costs speed, never the line
            log.warning("speech cache not written: %s", exc)

    def _remember(self, key: str, speech: Speech) -> None:
        if (old := self._memory.pop(key, None)) is not None:
            self._memory_bytes -= old.pcm.nbytes
        self._memory[key] = speech
        self._memory_bytes += speech.pcm.nbytes
        while self._memory_bytes > MEMORY_BYTES and len(self._memory) > 1:
            _, dropped = self._memory.popitem(last=False)
            self._memory_bytes -= dropped.pcm.nbytes

    @property
    def memory_bytes(self) -> int:
        """Bytes of audio held in memory (at most ``MEMORY_BYTES``, or one longer line)."""
        return self._memory_bytes

    async def warm(
        self,
        lines: Iterable[tuple[str, VoiceStyle]],
        quiet: Callable[[], Awaitable[object]] | None = None,
    ) -> int:
        """Synthesize every line not cached yet (one at a time); the number made.

        ``quiet`` is awaited before each synthesis: it returns when no call needs the voice.
        """
        made = 0
        for text, style in lines:
            key = self.key(text, style)
            if key not in self._memory and not self._path(key).is_file():
                if quiet is not None:
                    await quiet()
                speech = await self.tts.synthesize(text, style)
                await asyncio.to_thread(self._save, self._path(key), speech)
                made += 1
        return made
