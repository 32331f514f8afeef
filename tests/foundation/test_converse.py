"""One full voice turn on real models: synthesized officer speech in, a spoken reply out."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from appliance.audio.frames import SAMPLE_RATE, read_wav, rms_dbfs, write_wav
from appliance.converse import converse
from appliance.engine import Engine
from appliance.errors import AudioInputError

from ..conftest import REPO, free_port

Speak = Callable[[str], np.ndarray]
SENTENCE = "Hello sir, my name is Officer Daniels. Are you safe right now?"
KEY_WORDS = ("officer", "daniels", "safe")


def officer_wav(speak: Speak, path: Path) -> Path:
    x = speak(SENTENCE)
    pad = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    write_wav(path, np.concatenate([pad, x, pad]), SAMPLE_RATE)
    return path


def assert_english_reply(text: str) -> None:
    words = re.findall(r"[A-Za-z']+", text)
    assert len(words) >= 2, text
    assert sum(c.isascii() for c in text) / len(text) > 0.95, text


def assert_valid_speech(path: Path) -> None:
    info = sf.info(str(path))
    assert info.format == "WAV" and info.channels == 1 and info.frames > info.samplerate // 4
    assert rms_dbfs(read_wav(path).samples) > -40.0


def test_converse_cli_end_to_end(speak: Speak, tmp_path: Path, test_env: dict[str, str]) -> None:
    wav = officer_wav(speak, tmp_path / "officer.wav")
    out = tmp_path / "reply.wav"
    env = {
        **os.environ,
        **test_env,
        "CODEBLU_LLM__PORT": str(free_port()),
        # the LLM voice end to end (the authored voice's turn: tests/sessions/test_one_turn.py)
        "CODEBLU_PERSONA__VOICE": '"llm"',
        "CODEBLU_PERSONA__LLM_FIRST_SENTENCE_MS": "30000",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "appliance",
            "converse",
            "--input",
            str(wav),
            "--out",
            str(out),
            "--json",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    heard = result["officer_text"].lower()
    assert all(w in heard for w in KEY_WORDS), heard
    assert_english_reply(result["reply_text"])
    assert_valid_speech(out)
    for stage in (
        "vad",
        "asr",
        "llm_first_token",
        "first_sentence",
        "tts_first_audio",
        "to_first_audio",
    ):
        assert result["timings_ms"][stage] >= 0.0


async def test_stereo_44k_8bit_input_just_works(
    engine: Engine, speak: Speak, tmp_path: Path
) -> None:
    x = speak(SENTENCE)
    from appliance.audio.frames import resample

    y = resample(
        np.concatenate([np.zeros(8000, np.float32), x, np.zeros(8000, np.float32)]),
        SAMPLE_RATE,
        44_100,
    )
    wav = tmp_path / "stereo8.wav"
    sf.write(str(wav), np.stack([y, y], axis=1), 44_100, subtype="PCM_U8")
    result = await converse(engine, wav, tmp_path / "reply.wav")
    assert all(w in result.officer_text.lower() for w in ("officer", "safe"))
    assert_valid_speech(tmp_path / "reply.wav")


async def test_all_silent_input_is_refused(engine: Engine, tmp_path: Path) -> None:
    wav = tmp_path / "silent.wav"
    write_wav(wav, np.zeros(SAMPLE_RATE * 2, dtype=np.float32), SAMPLE_RATE)
    with pytest.raises(AudioInputError, match="silent.wav: no speech found"):
        await converse(engine, wav, tmp_path / "reply.wav")
    assert not (tmp_path / "reply.wav").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"RIFF\x00\x00junk", "not a readable audio file"), (None, "contains no audio samples")],
)
def test_cli_bad_input_is_one_line_error(
    tmp_path: Path, test_env: dict[str, str], content: bytes | None, message: str
) -> None:
    wav = tmp_path / "bad.wav"
    if content is None:
        sf.write(str(wav), np.zeros(0, dtype=np.float32), SAMPLE_RATE)
    else:
        wav.write_bytes(content)
    env = {**os.environ, **test_env}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "appliance",
            "converse",
            "--input",
            str(wav),
            "--out",
            str(tmp_path / "r.wav"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "bad.wav" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
