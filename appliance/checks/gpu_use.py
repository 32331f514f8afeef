"""Whether a GPU profile really runs on CUDA: a tiny ONNX session and a CTranslate2 CUDA probe.

Seeing a GPU is not enough: onnxruntime silently falls back to the CPU when its CUDA provider
cannot load (the CPU wheel, or CUDA libraries of another major), and Piper would then run there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from appliance.checks.rows import Row, fail, ok
from appliance.inference.models import bundled_vad
from appliance.settings import Settings

CUDA = "CUDAExecutionProvider"
WINDOW = 512 + 64  # one Silero VAD chunk with its context


def onnx_on_cuda(model: Path | None = None) -> str | None:
    """Run the bundled VAD once on the CUDA provider; why it did not, or None when it did."""
    import onnxruntime as ort

    session = ort.InferenceSession(
        str(model or bundled_vad()), providers=[CUDA, "CPUExecutionProvider"]
    )
    used = session.get_providers()
    if not used or used[0] != CUDA:
        offered = ", ".join(ort.get_available_providers())
        return f"onnxruntime ran on {used[0] if used else 'nothing'} (providers here: {offered})"
    session.run(
        None,
        {
            "input": np.zeros((1, WINDOW), dtype=np.float32),
            "state": np.zeros((2, 1, 128), dtype=np.float32),
            "sr": np.array(16000, dtype=np.int64),
        },
    )
    return None


def ctranslate2_on_cuda(compute_type: str) -> str | None:
    """Whether CTranslate2 finds a CUDA device and loads CUDA for ``compute_type``; why not."""
    import ctranslate2

    try:
        devices = ctranslate2.get_cuda_device_count()
        types = ctranslate2.get_supported_compute_types("cuda") if devices else set()
    except (RuntimeError, ValueError) as exc:
        return f"CTranslate2 cannot use CUDA: {exc}"
    if not devices:
        return "CTranslate2 sees no CUDA device"
    if compute_type not in types:
        return f"CTranslate2 on CUDA has no {compute_type} (has {', '.join(sorted(types))})"
    return None


def gpu_use_row(
    settings: Settings,
    onnx: Callable[[], str | None] = onnx_on_cuda,
    ct2: Callable[[str], str | None] = ctranslate2_on_cuda,
) -> Row:
    """Fails when a stage the profile puts on the GPU would run on the CPU."""
    m = settings.models
    profile = settings.appliance.profile
    problems = []
    if m.tts_cuda and (why := onnx()) is not None:
        problems.append(f"models.tts_cuda: {why}")
    if m.asr_device == "cuda" and (why := ct2(m.asr_compute_type)) is not None:
        problems.append(f"models.asr_device: {why}")
    if problems:
        return fail(
            "gpu use",
            f"{profile} profile, but on the CPU: {'; '.join(problems)}",
            "install the gpu extra with requirements/gpu-constraints.txt and do the"
            ' onnxruntime-gpu swap (README, "GPU profile"); check `nvidia-smi`',
        )
    if not (m.tts_cuda or m.asr_device == "cuda"):
        return ok("gpu use", f"{profile} profile: Piper and Whisper run on the CPU by design")
    return ok("gpu use", f"{profile} profile: a CUDA session ran (onnxruntime, CTranslate2)")
