"""Smart Turn v3.2 on onnxruntime: does the officer's utterance so far sound finished?

The model (a Whisper-tiny encoder with a classifier, from the ``pipecat-ai`` wheel's data) reads
the last 8 s of the utterance as 80 Whisper log-Mel bands × 800 frames; shorter audio is padded
with silence in front, and the waveform is normalized to zero mean and unit variance first, as
in training (pipecat's ``LocalSmartTurnAnalyzerV3``). It returns the probability that the turn
is complete. Blocking: the engine runs it on its own ``ModelThread``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.errors import ModelError

WINDOW_S = 8
WINDOW = WINDOW_S * SAMPLE_RATE  # samples the model reads
MEL_BANDS = 80
FRAMES = 800  # 10 ms log-Mel frames in the window
_NORM_EPS = 1e-7


class TurnEndModel:
    """The Smart Turn ONNX session; ``probability`` is thread-safe but meant for one thread."""

    def __init__(self, model_path: Path, *, threads: int = 1) -> None:
        from faster_whisper.feature_extractor import FeatureExtractor

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(
                str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own unrelated types
            raise ModelError(f"cannot load the turn-end model from {model_path}: {exc}") from None
        inputs = self._session.get_inputs()
        if len(inputs) != 1 or list(inputs[0].shape[1:]) != [MEL_BANDS, FRAMES]:
            shapes = [(i.name, i.shape) for i in inputs]
            raise ModelError(
                f"{model_path} is not a Smart Turn v3 model: inputs {shapes}, expected one "
                f"[batch, {MEL_BANDS}, {FRAMES}]"
            )
        self._input = inputs[0].name
        self._mel: Any = FeatureExtractor(feature_size=MEL_BANDS, sampling_rate=SAMPLE_RATE)
        self.path = model_path

    def features(self, audio: FloatPCM) -> np.ndarray[Any, np.dtype[np.float32]]:
        """The model's input for 16 kHz audio: the last 8 s, padded in front, as log-Mel bands."""
        x = np.asarray(audio, dtype=np.float32)[-WINDOW:]
        if len(x) < WINDOW:
            x = np.concatenate([np.zeros(WINDOW - len(x), dtype=np.float32), x])
        x = (x - x.mean()) / np.sqrt(x.var() + _NORM_EPS)
        mel = self._mel(x, padding=0)  # center-padded STFT: 801 frames, the last one dropped
        return np.ascontiguousarray(mel[:, :FRAMES], dtype=np.float32)

    def run(self, features: np.ndarray[Any, np.dtype[np.float32]]) -> float:
        """The model on one window's features: the probability that the turn is complete."""
        out = self._session.run(None, {self._input: features[np.newaxis]})
        return float(np.asarray(out[0]).reshape(-1)[0])

    def probability(self, audio: FloatPCM) -> float:
        """Probability (0–1) that the utterance ending with ``audio``'s last sample is complete."""
        return self.run(self.features(audio))
