"""The GPU path: doctor proves CUDA is used; vLLM from this venv, offline; hash-pinned installs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from appliance.checks.gpu_use import gpu_use_row
from appliance.inference.llm_server import server_command, server_env
from appliance.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


def test_doctor_fails_a_gpu_profile_running_on_the_cpu() -> None:
    """This machine has no GPU: the gpu profile's Piper and Whisper would run on the CPU."""
    gpu = load_settings(environ={"CODEBLU_APPLIANCE__PROFILE": '"gpu"'})
    row = gpu_use_row(gpu)
    assert row.failed, row
    assert "on the CPU" in row.detail and "models.tts_cuda" in row.detail
    assert "models.asr_device" in row.detail and "gpu-constraints" in row.fix
    cpu = gpu_use_row(load_settings(environ={}))
    assert cpu.status == "ok"


def test_the_row_passes_when_both_probes_ran_on_cuda() -> None:
    gpu = load_settings(environ={"CODEBLU_APPLIANCE__PROFILE": '"gpu"'})
    row = gpu_use_row(gpu, onnx=lambda: None, ct2=lambda compute: None)
    assert row.status == "ok" and "CUDA session ran" in row.detail


def test_vllm_starts_from_this_environment_offline_with_time_to_load() -> None:
    gpu = load_settings(environ={"CODEBLU_APPLIANCE__PROFILE": '"gpu"'})
    cmd = server_command(gpu.llm, None)
    assert cmd[:2] == [str(Path(sys.executable).parent / "vllm"), "serve"]
    env = server_env()
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "VLLM_NO_USAGE_STATS", "DO_NOT_TRACK"):
        assert env[name] == "1", name
    # vLLM loads an 8B model and captures CUDA graphs for minutes (the LLM unit allows 900 s)
    unit = (REPO / "firmware_config/systemd/codeblu-llm.service").read_text()
    allowed = float(re.search(r"^TimeoutStartSec=(\d+)", unit, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert 600.0 <= gpu.llm.startup_timeout_s <= allowed


def test_gpu_constraints_pin_one_cuda_major() -> None:
    pins = dict(
        line.split("==", 1)
        for line in (REPO / "requirements/gpu-constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert {"vllm", "torch", "onnxruntime-gpu", "ctranslate2"} <= pins.keys()
    assert pins["cuda-toolkit"] == "0" and pins["nvidia-cudnn-cu13"] == "0"  # CUDA 13: refused
    assert all(not name.endswith("-cu13") or v == "0" for name, v in pins.items())


def test_model_packages_are_pinned_by_hash() -> None:
    lines = (REPO / "requirements/models.txt").read_text().replace("\\\n", " ").splitlines()
    reqs = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    assert len(reqs) == 7  # six model packages and the turn-end model's wheel
    for req in reqs:
        assert re.match(r"^[a-z0-9-]+==[\w.]+ ", req), req
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", req), req
