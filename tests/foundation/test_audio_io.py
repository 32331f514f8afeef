from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from appliance.audio.frames import SAMPLE_RATE, read_wav, rms_dbfs, write_wav
from appliance.errors import AudioInputError


def tone(rate: int, seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_stereo_44k_8bit_is_resampled_to_16k_mono(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    x = tone(44_100, 1.0)
    sf.write(str(path), np.stack([x, x], axis=1), 44_100, subtype="PCM_U8")
    audio = read_wav(path)
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.samples.ndim == 1 and audio.samples.dtype == np.float32
    assert abs(audio.duration_s - 1.0) < 0.01
    assert -10.0 < rms_dbfs(audio.samples) < -5.0  # a 0.5-amplitude sine is about -9 dBFS


def test_float_wav_and_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "float.wav"
    sf.write(str(path), tone(48_000, 0.5), 48_000, subtype="FLOAT")
    audio = read_wav(path)
    out = tmp_path / "out.wav"
    write_wav(out, audio.samples, audio.sample_rate)
    info = sf.info(str(out))
    assert info.samplerate == SAMPLE_RATE and info.channels == 1 and info.subtype == "PCM_16"


def test_not_audio_is_refused_with_the_path(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("this is not a RIFF file")
    with pytest.raises(AudioInputError, match="notes.wav: not a readable audio file"):
        read_wav(path)


def test_empty_wav_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    sf.write(str(path), np.zeros(0, dtype=np.float32), 16_000)
    with pytest.raises(AudioInputError, match="contains no audio samples"):
        read_wav(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioInputError, match="file not found"):
        read_wav(tmp_path / "absent.wav")
