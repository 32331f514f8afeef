"""Inbound WebRTC audio: decoded Opus frames (48 kHz, stereo or mono) → 16 kHz mono float32."""

from __future__ import annotations

import numpy as np
from av import AudioFrame, AudioResampler

from appliance.audio.frames import SAMPLE_RATE, FloatPCM, int16_to_float


class InboundConverter:
    """Streaming resampler for one inbound track (keeps filter state across frames)."""

    def __init__(self) -> None:
        self._resampler = AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)

    def convert(self, frame: AudioFrame) -> FloatPCM:
        """One received frame as 16 kHz mono float32 (may be empty while the filter fills)."""
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        if not out:
            return np.zeros(0, dtype=np.float32)
        return int16_to_float(np.concatenate(out).astype(np.int16, copy=False))
