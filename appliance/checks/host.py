"""Checks of the host: Python and packages, CUDA visibility, ports, folders and disk space."""

from __future__ import annotations

import getpass
import importlib.util
import os
import platform
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import httpx

from appliance import __version__
from appliance.checks.rows import Row, fail, ok, skip, warn
from appliance.inference.llm_server import port_is_free
from appliance.records.disk import LOW_FREE_BYTES, MIN_FREE_BYTES, existing_ancestor
from appliance.settings import Settings

BASE_PACKAGES = (
    "numpy",
    "ctranslate2",
    "faster-whisper",
    "piper-tts",
    "fastapi",
    "uvicorn",
    "aiortc",
    "zeroconf",
    "cryptography",
    "argon2-cffi",
)
_WILDCARDS = {"", "0.0.0.0", "::"}
PROBE_BYTES = 64 * 1024


def python_row() -> Row:
    """The interpreter the appliance runs on."""
    return ok("python", f"Python {platform.python_version()} ({sys.executable})")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def packages_row(settings: Settings) -> Row:
    """Versions of the packages this configuration needs; a missing one fails."""
    wanted = list(BASE_PACKAGES)
    extra = {"llama_cpp": ("llama_cpp_python", "embedded"), "vllm": ("vllm", "gpu")}
    if settings.llm.mode in extra:
        wanted.append(extra[settings.llm.mode][0])
    found = {d: _version(d) for d in wanted}
    ort = _version("onnxruntime-gpu") or _version("onnxruntime")
    found["onnxruntime"] = ort
    missing = [d for d, v in found.items() if v is None]
    listed = ", ".join([f"codeblu {__version__}", *(f"{d} {v}" for d, v in found.items() if v)])
    if missing:
        group = extra.get(settings.llm.mode, ("", "embedded"))[1]
        return fail(
            "packages",
            f"missing: {', '.join(missing)}; found {listed}",
            f".venv/bin/pip install -e '.[{group}]' (README, \"Install on an appliance\")",
        )
    return ok("packages", listed)


def cuda_visibility(need_torch: bool = False) -> dict[str, bool]:
    """Whether onnxruntime, CTranslate2 (and vLLM's torch, when asked) see a CUDA GPU."""
    seen: dict[str, bool] = {}
    try:
        import onnxruntime

        seen["onnxruntime"] = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    except ImportError:
        seen["onnxruntime"] = False
    try:
        import ctranslate2

        seen["ctranslate2"] = ctranslate2.get_cuda_device_count() > 0
    except (ImportError, RuntimeError):
        seen["ctranslate2"] = False
    if need_torch:
        seen["vllm"] = _torch_cuda()
    return seen


def _torch_cuda() -> bool:
    if importlib.util.find_spec("vllm") is None or importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


def gpu_row(settings: Settings, seen: dict[str, bool] | None = None) -> Row:
    """CUDA for every stage this configuration puts on the GPU; the CPU profile needs none."""
    m, llm = settings.models, settings.llm
    needs = {
        "ctranslate2": m.asr_device == "cuda",
        "onnxruntime": m.tts_cuda,
        "vllm": llm.mode == "vllm",
    }
    seen = cuda_visibility(need_torch=needs["vllm"]) if seen is None else seen
    visible = ", ".join(k for k, v in seen.items() if v) or "none"
    if not any(needs.values()):
        profile = settings.appliance.profile
        return ok("gpu", f"{profile} profile runs on the CPU (CUDA visible to: {visible})")
    blind = [k for k, need in needs.items() if need and not seen.get(k, False)]
    if blind:
        keys = {
            "ctranslate2": "models.asr_device",
            "onnxruntime": "models.tts_cuda",
            "vllm": "llm.mode",
        }
        return fail(
            "gpu",
            f"CUDA not visible to {', '.join(blind)} ({', '.join(keys[b] for b in blind)} need it)",
            "check `nvidia-smi` lists the GPU (install the NVIDIA driver and CUDA 12 runtime), and"
            ' for onnxruntime do the onnxruntime-gpu swap (README, "GPU profile")',
        )
    return ok("gpu", f"CUDA visible to {visible} ({settings.appliance.profile} profile)")


def local_host(host: str) -> str:
    """An address to reach a server listening on ``host`` from this machine."""
    return "127.0.0.1" if host.strip() in _WILDCARDS else host


def running_appliance(settings: Settings) -> dict[str, object] | None:
    """The ``/healthz`` body of an appliance already serving on ``server.port``, if one answers."""
    s = settings.server
    urls = [f"http://127.0.0.1:{s.local_port}"] if s.local_port else []
    urls += [f"{scheme}://{local_host(s.host)}:{s.port}" for scheme in ("https", "http")]
    for url in urls:
        try:
            body = httpx.get(f"{url}/healthz", timeout=2.0, verify=False).json()
        except (httpx.HTTPError, ValueError):
            continue
        if isinstance(body, dict) and "stages" in body:
            return body
    return None


def port_rows(settings: Settings, running: bool) -> list[Row]:
    """Server ports and (unless external) ``llm.port`` are free, or held by this appliance."""
    s, llm = settings.server, settings.llm
    rows: list[Row] = []
    checks = [("server port", "server.port", s.host, s.port)]
    if s.local_port:
        checks.append(("local port", "server.local_port", "127.0.0.1", s.local_port))
    if llm.mode != "external":
        checks.append(("llm port", "llm.port", llm.host, llm.port))
    for name, key, host, port in checks:
        if port_is_free(host, port):
            rows.append(ok(name, f"{key} {port} on {host} is free"))
        elif running:
            rows.append(ok(name, f"{key} {port} is in use by the running appliance"))
        else:
            rows.append(
                fail(
                    name,
                    f"{key} {port} on {host} is already in use",
                    f"stop what holds it or set {key}",
                )
            )
    if llm.mode == "external":
        rows.append(skip("llm port", f"llm.mode is external ({llm.url}): no local LLM server"))
    return rows


def unwritable(folder: Path) -> str | None:
    """Why files cannot be created in ``folder`` (or the folder cannot be created), else None."""
    base = existing_ancestor(folder)
    if not base.is_dir():
        return f"{base} is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=base, prefix=".codeblu-probe-") as probe:
            probe.write(b"\0" * PROBE_BYTES)  # an empty file can be made on a full disk
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return f"{base} is not writable ({exc.strerror})"
    return None


def folder_row(check: str, key: str, folder: Path) -> Row:
    """The appliance's user can create files in a configured folder."""
    problem = unwritable(folder)
    if problem is None:
        return ok(check, f"{key}: {folder} is writable")
    user = getpass.getuser()
    return fail(
        check,
        f"{key}: {folder}: {problem}",
        f"make it writable by the appliance's user (sudo install -d -o {user} {folder})"
        f" or set {key} to a writable folder",
    )


def folder_rows(settings: Settings) -> list[Row]:
    """The data folder and the records folder are writable."""
    data = settings.resolve(settings.appliance.data_dir)
    records = settings.resolve(settings.records.path).parent
    return [
        folder_row("data folder", "appliance.data_dir", data),
        folder_row("records folder", "records.path", records),
    ]


def disk_row(settings: Settings) -> Row:
    """Free space where the records live."""
    where = existing_ancestor(settings.resolve(settings.records.path).parent)
    free = shutil.disk_usage(where).free
    detail = f"{free / 2**30:.1f} GiB free on {where}"
    if free < MIN_FREE_BYTES:
        return fail("disk", detail, "free space (old backups, stored audio) or move records.path")
    if free < LOW_FREE_BYTES:
        return warn("disk", detail, "free space soon: under 2 GiB left for records and backups")
    return ok("disk", detail)


def process_user() -> str:
    """Who the checks run as (the service should run as its own user)."""
    return f"{getpass.getuser()} (uid {os.getuid()})"
