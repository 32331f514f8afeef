"""Check that every stage's model is in place: bundled packages, or folders IT copied in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from appliance.errors import ModelError
from appliance.inference.models import ModelPaths, bundled_llm, resolve_models
from appliance.settings import LLMSection, Settings

_GGUF_MAGIC = b"GGUF"
_HF_WEIGHTS = ("*.safetensors", "*.bin", "*.pt")


@dataclass(frozen=True)
class ModelCheck:
    """Where each stage's model was found."""

    paths: ModelPaths
    llm: str  # a file, a folder, or the external URL

    def describe(self) -> str:
        """One line naming each stage's model."""
        p = self.paths
        turn_end = p.turn_end_onnx.name if p.turn_end_onnx else "off"
        return (
            f"vad {p.vad_onnx.name}, asr {p.asr_dir}, tts {p.tts_onnx.name}, llm {self.llm},"
            f" turn end {turn_end}"
        )


def is_gguf(path: Path) -> bool:
    """Whether ``path`` is a GGUF file (by its magic bytes)."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == _GGUF_MAGIC
    except OSError:
        return False


def gguf_in(path: Path) -> Path:
    """The GGUF file at ``path``: the file itself, or the single ``*.gguf`` inside a folder."""
    if path.is_dir():
        found = sorted(path.glob("*.gguf"))
        if len(found) != 1:
            raise ModelError(
                f"llm.model: {path} holds {len(found)} .gguf files; name the one to serve"
                ' (llm.model = "/path/model.gguf")'
            )
        path = found[0]
    if not path.is_file():
        raise ModelError(
            f"llm.model: file {path} does not exist (copy the GGUF there or set"
            ' llm.model = "bundled")'
        )
    if not is_gguf(path):
        raise ModelError(f"llm.model: {path} is not a GGUF file (llama.cpp serves GGUF models)")
    return path


def hf_model_dir(path: Path) -> Path:
    """A Hugging Face model folder for vLLM: ``config.json`` plus weight files."""
    if not path.is_dir():
        raise ModelError(
            f"llm.model: folder {path} does not exist (copy the model folder there"
            " or set llm.model)"
        )
    if not (path / "config.json").is_file():
        raise ModelError(
            f"llm.model: {path} holds no config.json (copy the whole Hugging Face model folder)"
        )
    if not any(any(path.glob(pattern)) for pattern in _HF_WEIGHTS):
        raise ModelError(f"llm.model: {path} holds no weights (*.safetensors): incomplete copy")
    return path


def llm_model(cfg: LLMSection) -> str:
    """The LLM this config serves, checked: a GGUF, a model folder, or the external URL."""
    if cfg.mode == "external":
        return str(cfg.url)
    if cfg.mode == "llama_cpp":
        return str(bundled_llm() if cfg.model == "bundled" else gguf_in(Path(cfg.model)))
    return str(hf_model_dir(Path(cfg.model).expanduser()))


def asr_folder(path: Path) -> Path:
    """A CTranslate2 Whisper folder: ``model.bin``, ``config.json`` and a tokenizer/vocabulary."""
    if not path.is_dir():
        raise ModelError(
            f"models.asr: folder {path} does not exist (copy the model there or set"
            ' models.asr = "bundled")'
        )
    if not (path / "model.bin").is_file():
        raise ModelError(
            f"models.asr: {path} holds no CTranslate2 model.bin (convert the Whisper"
            " model with ct2-transformers-converter)"
        )
    vocab = ("tokenizer.json", "vocabulary.json", "vocabulary.txt")
    if not any((path / n).is_file() for n in vocab):
        raise ModelError(f"models.asr: {path} holds no tokenizer.json or vocabulary file")
    return path


def check_models(settings: Settings) -> ModelCheck:
    """Locate every stage's model (preparing the bundled Whisper once); raise naming key and fix."""
    if settings.models.asr != "bundled":
        asr_folder(Path(settings.models.asr).expanduser())
    llm = llm_model(settings.llm)
    return ModelCheck(paths=resolve_models(settings), llm=llm)
