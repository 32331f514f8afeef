"""Silero VAD through onnxruntime with numpy state: one shared model, one state per stream."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.errors import ModelError

CHUNK = 512  # samples per inference at 16 kHz (32 ms)
_CONTEXT = 64  # samples of the previous chunk the model sees before each chunk


class SileroVAD:
    """The Silero VAD ONNX session, shared by every stream (it holds no per-stream state)."""

    def __init__(self, model_path: Path) -> None:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(
                str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own unrelated types
            raise ModelError(f"cannot load Silero VAD from {model_path}: {exc}") from None
        self._sr = np.array(SAMPLE_RATE, dtype=np.int64)

    def stream(self) -> VADStream:
        """A fresh per-stream state for this model."""
        return VADStream(self)

    def run(self, window: FloatPCM, state: FloatPCM) -> tuple[float, FloatPCM]:
        """One inference: ``window`` is context + chunk, returns (speech probability, new state)."""
        out, new_state = self._session.run(
            None, {"input": window[np.newaxis, :], "state": state, "sr": self._sr}
        )
        return float(out[0][0]), new_state


class VADStream:
    """Speech probability per 512-sample chunk of one continuous stream."""

    def __init__(self, model: SileroVAD) -> None:
        self._model = model
        self.reset()

    def reset(self) -> None:
        """Forget the stream's history."""
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)

    def probability(self, chunk: FloatPCM) -> float:
        """Speech probability of the next 512-sample chunk."""
        if len(chunk) != CHUNK:
            raise ValueError(f"VAD chunk must be {CHUNK} samples, got {len(chunk)}")
        window = np.concatenate([self._context, chunk]).astype(np.float32, copy=False)
        prob, self._state = self._model.run(window, self._state)
        self._context = window[-_CONTEXT:]
        return prob
