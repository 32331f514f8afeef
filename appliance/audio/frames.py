"""PCM audio: reading and writing WAV files, conversion to 16 kHz mono float32, levels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

from appliance.errors import AudioInputError

SAMPLE_RATE = 16_000
FloatPCM = npt.NDArray[np.float32]
Int16PCM = npt.NDArray[np.int16]


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples in [-1, 1] at ``sample_rate``."""

    samples: FloatPCM
    sample_rate: int

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate


def to_mono(samples: npt.NDArray[np.float32]) -> FloatPCM:
    """Average the channels of a (frames, channels) array into one."""
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    return np.ascontiguousarray(samples, dtype=np.float32)


def resample(samples: FloatPCM, rate_in: int, rate_out: int) -> FloatPCM:
    """High-quality resampling of a mono float32 signal."""
    if rate_in == rate_out or len(samples) == 0:
        return samples
    return np.asarray(soxr.resample(samples, rate_in, rate_out, quality="HQ"), dtype=np.float32)


def int16_to_float(pcm: Int16PCM) -> FloatPCM:
    """int16 PCM to float32 in [-1, 1)."""
    return (pcm.astype(np.float32) / 32768.0).astype(np.float32)


def float_to_int16(samples: FloatPCM) -> Int16PCM:
    """float32 in [-1, 1] to int16 PCM, clipped."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)


def rms_dbfs(samples: FloatPCM) -> float:
    """Root-mean-square level in dB relative to full scale (-120 for digital silence)."""
    if len(samples) == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return max(-120.0, 20.0 * float(np.log10(rms + 1e-12)))


def read_wav(path: Path, *, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Read any PCM/float WAV (any rate, channels, bit depth) as mono float32 at ``sample_rate``."""
    if not Path(path).is_file():
        raise AudioInputError(f"{path}: file not found")
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise AudioInputError(f"{path}: not a readable audio file ({exc})") from None
    if data.shape[0] == 0:
        raise AudioInputError(f"{path}: contains no audio samples")
    mono = to_mono(data)
    return Audio(resample(mono, int(rate), sample_rate), sample_rate)


def write_wav(path: Path, samples: FloatPCM | Int16PCM, sample_rate: int) -> None:
    """Write mono 16-bit PCM WAV."""
    pcm = samples if samples.dtype == np.int16 else float_to_int16(samples.astype(np.float32))
    sf.write(str(path), pcm, sample_rate, subtype="PCM_16")
