"""Speech recognition with faster-whisper (CTranslate2), entirely inside its own thread."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.errors import ASRError, ModelError
from appliance.inference.executor import ModelThread
from appliance.settings import ModelsSection

# Words officers say on these calls, to bias decoding toward them.
DOMAIN_PROMPT = "Officer on a crisis call. Sir, ma'am, I'm here to help. Are you safe?"
FRAMES_PER_S = 100  # Whisper's log-Mel frames per second (hop of 160 samples at 16 kHz)
FULL_WINDOW_FRAMES = 3000  # the 30 s window Whisper was trained on
FULL_WINDOW_S = FULL_WINDOW_FRAMES / FRAMES_PER_S
MAX_TOKENS_PER_S = 8.0  # fast speech is about 4 words (5 tokens) a second
MAX_WORDS_PER_S = 5.0
MIN_WORDS_PER_S = 1.5  # slower than almost anyone talks, pauses included
LOOP_COMPRESSION_RATIO = 2.4  # faster-whisper's threshold for a repetitive (looping) decode
MIN_WINDOW_S = 4.0  # shorter windows make Whisper drop words of a short line ("What your name")
PROMPT_CHARS = 200  # the end of the words heard before, given to Whisper as context


@dataclass(frozen=True)
class Transcription:
    """The text of one utterance."""

    text: str
    audio_s: float
    no_speech_prob: float


def plausible(text: str, audio_s: float) -> bool:
    """Whether a transcript could have been spoken in ``audio_s`` (no decoding loop)."""
    words = re.findall(r"[\w']+", text.lower())
    if not MIN_WORDS_PER_S * audio_s <= len(words) <= MAX_WORDS_PER_S * audio_s + 3:
        return False  # a loop, or a decode that stopped early ("Take your time" of two sentences)
    for size in range(1, len(words) // 2 + 1):  # one phrase said over and over
        if len(words) % size == 0 and words == words[:size] * (len(words) // size):
            return False
    raw = text.encode()
    return len(raw) < 24 or len(raw) / len(zlib.compress(raw)) <= LOOP_COMPRESSION_RATIO


def first_of_loop(text: str, audio_s: float) -> str | None:
    """The phrase a decode repeats until its token cap, when that phrase alone fits the audio.

    A window cut short makes Whisper say the utterance, then say it again over the silence after
    it ("What's your name? What's your name? What's your"): more words than the audio holds.
    A phrase said twice within what the audio can hold is left alone ("Put it down. Put it down.").
    """
    tokens = text.split()
    words = [re.sub(r"[^\w']", "", t.lower()) for t in tokens]
    if len(words) <= MAX_WORDS_PER_S * audio_s + 3:
        return None
    for size in range(1, len(words) // 2 + 1):
        unit = words[:size]
        repeated = (unit * (len(words) // size + 1))[: len(words)]
        if words == repeated:
            phrase = " ".join(tokens[:size])
            return phrase if plausible(phrase, audio_s) else None
    return None


class WhisperASR:
    """A CTranslate2 Whisper model; ``transcribe`` is safe to call from many sessions."""

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str = "cpu",
        compute_type: str = "int8",
        threads: int = 2,
        beam_size: int = 1,
        fit_window_margin_s: float | None = None,
    ) -> None:
        self._dir, self._device, self._compute = model_dir, device, compute_type
        self._threads, self._beam = threads, beam_size
        # None: always encode Whisper's full 30 s window (padded), as faster-whisper does. A number:
        # encode only the utterance plus this much padding (encoder cost grows with the window).
        self._fit_margin = fit_window_margin_s
        self._thread = ModelThread("asr")
        self._model: object | None = None

    async def start(self) -> None:
        """Load the model."""
        await self._thread.call(self._load)

    def _load(self) -> None:
        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(
                str(self._dir),
                device=self._device,
                compute_type=self._compute,
                cpu_threads=self._threads,
                local_files_only=True,
            )
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError variants
            raise ModelError(f"cannot load Whisper from {self._dir}: {exc}") from None

    @property
    def ready(self) -> bool:
        """Whether the model is loaded."""
        return self._model is not None

    async def transcribe(self, samples: FloatPCM, before: str = "") -> Transcription:
        """Transcribe 16 kHz mono audio; ``before``: what the speaker said just before it."""
        return await self._thread.call(self.transcribe_sync, samples, before)

    def transcribe_sync(self, samples: FloatPCM, before: str = "") -> Transcription:
        """Blocking transcription; drains the segment generator here, not on the event loop."""
        from faster_whisper import WhisperModel

        if not isinstance(self._model, WhisperModel):
            raise ASRError("ASR is not started")
        audio_s = len(samples) / SAMPLE_RATE
        margin = self._fit_margin
        prompt = f"{DOMAIN_PROMPT} {before[-PROMPT_CHARS:]}".strip()
        if margin is not None and audio_s < FULL_WINDOW_S - margin:
            fitted = self._transcribe_fitted(self._model, samples, prompt)
            if plausible(fitted.text, audio_s):
                return fitted
            if (phrase := first_of_loop(fitted.text, audio_s)) is not None:
                return Transcription(phrase, audio_s, fitted.no_speech_prob)
            # A cut window may stop early ("Take" for "Take your time.") or say a phrase twice
            # within the audio's length: redo it whole.
        try:
            segments, _info = self._model.transcribe(
                samples,
                language="en",
                beam_size=self._beam,
                condition_on_previous_text=False,
                without_timestamps=True,
                vad_filter=False,
                initial_prompt=prompt,
            )
            parts = list(segments)
        except Exception as exc:
            raise ASRError(f"speech recognition failed: {exc}") from None
        text = " ".join(s.text.strip() for s in parts).strip()
        no_speech = min((s.no_speech_prob for s in parts), default=1.0)
        return Transcription(text, audio_s, no_speech)

    def _transcribe_fitted(self, model: object, samples: FloatPCM, prompt: str) -> Transcription:
        """One pass over an encoder window cut to the utterance, its output capped by its length."""
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        assert isinstance(model, WhisperModel) and self._fit_margin is not None
        audio_s = len(samples) / SAMPLE_RATE
        try:
            features = model.feature_extractor(samples)
            window_s = max(MIN_WINDOW_S, audio_s + self._fit_margin)
            frames = min(FULL_WINDOW_FRAMES, round(window_s * FRAMES_PER_S))
            window = np.zeros((features.shape[0], frames), dtype=np.float32)
            used = min(frames, features.shape[1])
            window[:, :used] = features[:, :used]
            multilingual = model.model.is_multilingual
            tokenizer = Tokenizer(model.hf_tokenizer, multilingual, "transcribe", "en")
            prompt = model.get_prompt(
                tokenizer, tokenizer.encode(" " + prompt), without_timestamps=True
            )
            # A loop is cut short: no one says more than MAX_TOKENS_PER_S tokens a second.
            limit = min(model.max_length, len(prompt) + round(MAX_TOKENS_PER_S * audio_s) + 8)
            result = model.model.generate(
                model.encode(window),
                [prompt],
                beam_size=self._beam,
                max_length=limit,
                return_no_speech_prob=True,
                suppress_blank=True,
                suppress_tokens=[-1],
            )[0]
            tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
            text = tokenizer.decode(tokens).strip()
        except Exception as exc:
            raise ASRError(f"speech recognition failed: {exc}") from None
        return Transcription(text, audio_s, float(result.no_speech_prob))

    @classmethod
    def configured(cls, models: ModelsSection, model_dir: Path, **overrides: Any) -> WhisperASR:
        """The ASR stage as ``[models]`` configures it; ``overrides`` replace any keyword."""
        options: dict[str, Any] = {
            "device": models.asr_device,
            "compute_type": models.asr_compute_type,
            "threads": models.asr_threads,
            "beam_size": models.asr_beam_size,
            "fit_window_margin_s": models.asr_window_margin_s or None,
        }
        return cls(model_dir, **(options | overrides))

    def close(self) -> None:
        """Release the model thread."""
        self._thread.close()
