"""Piper text-to-speech: one sentence at a time, int16 PCM with its sample rate."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from appliance.audio.frames import Int16PCM, float_to_int16, int16_to_float, resample
from appliance.errors import ModelError, TTSError
from appliance.inference.executor import ModelThread

# Piper sometimes starts a sentence with up to ~400 ms of near-silence before the first phoneme
# ("Don't tell me it's fine!"): time the officer waits for nothing. Each sentence's audio starts
# this far before its first window above the onset level, so plosives keep their lead-in.
ONSET_DBFS = -50.0
ONSET_WINDOW_S = 0.010
ONSET_LEAD_S = 0.020


class VoiceStyle(Protocol):
    """How a line is voiced (persona stage or character); see ``appliance.persona.voice``."""

    @property
    def length_scale(self) -> float:
        """Speaking time factor (above 1 is slower)."""
        ...

    @property
    def noise_scale(self) -> float:
        """Voice variation."""
        ...

    @property
    def noise_w_scale(self) -> float:
        """Phoneme length variation."""
        ...

    @property
    def volume(self) -> float:
        """Gain factor."""
        ...

    @property
    def pitch_semitones(self) -> float:
        """Pitch shift."""
        ...


@dataclass(frozen=True)
class NeutralStyle:
    """The voice as the model speaks by default."""

    length_scale: float = 1.0
    noise_scale: float = 0.667
    noise_w_scale: float = 0.8
    volume: float = 1.0
    pitch_semitones: float = 0.0


@dataclass(frozen=True)
class Speech:
    """Synthesized mono audio."""

    pcm: Int16PCM
    sample_rate: int

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.pcm) / self.sample_rate


class PiperTTS:
    """The Piper voice, loaded in ``start()`` and run in its own thread."""

    def __init__(self, model: Path, config: Path, *, use_cuda: bool = False) -> None:
        self._model, self._config, self._cuda = model, config, use_cuda
        self._thread = ModelThread("tts")
        self._voice: object | None = None
        self.sample_rate = 0

    async def start(self) -> None:
        """Load the voice."""
        await self._thread.call(self._load)

    def _load(self) -> None:
        import onnxruntime as ort
        from piper import PiperConfig, PiperVoice

        # As ``PiperVoice.load``, but without onnxruntime's CPU memory arena: the arena grows to
        # what the longest line synthesized so far needed (48 MB for a 38-character line, 190 MB
        # for a 154-character one) and never gives it back, so the appliance's memory rose by
        # steps whenever a longer line than any before was spoken. Without it each synthesis
        # frees what it used.
        options = ort.SessionOptions()
        options.enable_cpu_mem_arena = False
        providers: list[str | tuple[str, dict[str, str]]] = ["CPUExecutionProvider"]
        if self._cuda:
            providers = [("CUDAExecutionProvider", {"cudnn_conv_algo_search": "HEURISTIC"})]
        try:
            config = PiperConfig.from_dict(json.loads(self._config.read_text(encoding="utf-8")))
            session = ort.InferenceSession(
                str(self._model), sess_options=options, providers=providers
            )
            voice = PiperVoice(session=session, config=config)
        except Exception as exc:  # onnxruntime / json errors of many kinds
            raise ModelError(f"cannot load Piper voice {self._model}: {exc}") from None
        self._voice = voice
        self.sample_rate = int(voice.config.sample_rate)

    @property
    def ready(self) -> bool:
        """Whether the voice is loaded."""
        return self._voice is not None

    async def synthesize(self, text: str, style: VoiceStyle | None = None) -> Speech:
        """Speak ``text`` (one sentence or a few) in ``style``."""
        return await self._thread.call(self.synthesize_sync, text, style)

    async def speak(self, text: str, style: VoiceStyle | None = None) -> Speech:
        """``synthesize``, under the name the reply pipeline uses for any source of speech."""
        return await self.synthesize(text, style)

    def synthesize_sync(self, text: str, style: VoiceStyle | None = None) -> Speech:
        """Blocking synthesis, for the model's own thread or offline tools."""
        from piper import PiperVoice, SynthesisConfig

        if not isinstance(self._voice, PiperVoice):
            raise TTSError("TTS is not started")
        s = style or NeutralStyle()
        factor = math.pow(2.0, s.pitch_semitones / 12.0)
        cfg = SynthesisConfig(
            length_scale=s.length_scale * factor,
            noise_scale=s.noise_scale,
            noise_w_scale=s.noise_w_scale,
            volume=s.volume,
        )
        try:
            chunks = [
                trim_lead(c.audio_int16_array, self.sample_rate)
                for c in self._voice.synthesize(text, cfg)
            ]
        except Exception as exc:
            raise TTSError(f"speech synthesis failed: {exc}") from None
        pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        if factor != 1.0 and len(pcm):
            # Played faster by ``factor`` the voice rises in pitch; the longer synthesis keeps
            # the tempo.
            shifted = resample(
                int16_to_float(pcm), round(self.sample_rate * factor), self.sample_rate
            )
            pcm = float_to_int16(shifted)
        return Speech(pcm.astype(np.int16, copy=False), self.sample_rate)

    def close(self) -> None:
        """Release the model thread."""
        self._thread.close()


def trim_lead(pcm: Int16PCM, sample_rate: int) -> Int16PCM:
    """``pcm`` from ``ONSET_LEAD_S`` before its first window above ``ONSET_DBFS`` (as it is when
    none is: a silent clip stays whole)."""
    window = max(1, round(sample_rate * ONSET_WINDOW_S))
    n = len(pcm) // window
    if n == 0:
        return pcm
    frames = pcm[: n * window].astype(np.float32).reshape(n, window) / 32768.0
    level = 10.0 * np.log10(np.mean(np.square(frames), axis=1) + 1e-12)
    loud = np.flatnonzero(level > ONSET_DBFS)
    if not len(loud):
        return pcm
    start = max(0, int(loud[0]) * window - round(sample_rate * ONSET_LEAD_S))
    return pcm[start:]
