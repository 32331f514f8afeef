"""Supervise the LLM server as a child process (llama.cpp, `vllm serve`) or use an external URL."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Literal

import httpx

from appliance.errors import LLMError
from appliance.settings import LLMSection

log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1
State = Literal["stopped", "starting", "ready", "restarting", "failed"]
MAX_BACKOFF_S = 60.0


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to end it if the appliance dies without cleaning up."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def port_is_free(host: str, port: int) -> bool:
    """Whether a TCP port can be bound on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is fine
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _prompt_cache_args(cfg: LLMSection) -> list[str]:
    """llama.cpp's RAM cache of prompt states: a session's next prompt resumes from its last one."""
    if not cfg.prompt_cache_mib:
        return []
    cache_bytes = str(cfg.prompt_cache_mib << 20)
    return ["--cache", "true", "--cache_type", "ram", "--cache_size", cache_bytes]


# Nothing leaves the LAN: weights come from local folders only, no usage statistics are sent.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "VLLM_NO_USAGE_STATS": "1",
    "VLLM_DO_NOT_TRACK": "1",
    "DO_NOT_TRACK": "1",
}


def server_env() -> dict[str, str]:
    """The child's environment: the appliance's, offline."""
    return {**os.environ, **OFFLINE_ENV}


def server_command(cfg: LLMSection, model: Path | None) -> list[str]:
    """The command line that serves ``model`` under ``cfg``."""
    if cfg.mode == "llama_cpp":
        if model is None:
            raise LLMError("llm.model: no GGUF file for the llama.cpp server")
        return [
            sys.executable,
            "-m",
            "appliance.inference.llama_child",  # llama_cpp.server with a bounded prompt cache
            "--model",
            str(model),
            "--model_alias",
            cfg.served_name,
            "--host",
            cfg.host,
            "--port",
            str(cfg.port),
            "--n_ctx",
            str(cfg.context_tokens),
            "--n_threads",
            str(cfg.threads),
            "--n_threads_batch",
            str(cfg.batch_threads or cfg.threads),
            # Logits of the last token only: the server's default (all) computes and keeps a
            # vocabulary-wide row per prompt token, in every saved state; only logprobs need it.
            "--logits_all",
            "false",
            *_prompt_cache_args(cfg),
            *cfg.extra_args,
        ]
    if cfg.mode == "vllm":
        return [
            # This environment's own vllm: a systemd unit's PATH does not hold the venv's bin/.
            str(Path(sys.executable).parent / "vllm"),
            "serve",
            cfg.model,
            "--served-model-name",
            cfg.served_name,
            "--host",
            cfg.host,
            "--port",
            str(cfg.port),
            "--max-model-len",
            str(cfg.context_tokens),
            *cfg.extra_args,
        ]
    raise LLMError(f"llm.mode {cfg.mode!r} has no server to supervise")


class LLMServer:
    """Async context manager: start the server, wait until healthy, restart it if it dies."""

    def __init__(self, cfg: LLMSection, model: Path | None, log_path: Path | None = None) -> None:
        self._cfg = cfg
        self._model = model
        self._log_path = log_path
        self._proc: asyncio.subprocess.Process | None = None
        self._monitor: asyncio.Task[None] | None = None
        self._closing = False
        self.restarts = 0
        self._recent: list[float] = []  # monotonic times of restarts within the window
        self.state: State = "stopped"
        self.detail = ""
        if cfg.mode == "external":
            assert cfg.url is not None
            self.base_url = cfg.url.rstrip("/")
        else:
            self.base_url = f"http://{cfg.host}:{cfg.port}/v1"

    @property
    def supervised(self) -> bool:
        """Whether this appliance runs the server itself."""
        return self._cfg.mode != "external"

    @property
    def pid(self) -> int | None:
        """The child's process id, when running."""
        return self._proc.pid if self._proc else None

    async def __aenter__(self) -> LLMServer:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start (or check) the server; raise ``LLMError`` naming the cause if it cannot serve."""
        self.state = "starting"
        if not self.supervised:
            await self._wait_healthy(None)
            self.state = "ready"
            return
        await self._launch()
        self._monitor = asyncio.create_task(self._watch(), name="llm-server-monitor")

    async def _launch(self) -> None:
        if not port_is_free(self._cfg.host, self._cfg.port):
            self.state, self.detail = "failed", f"port {self._cfg.port} in use"
            raise LLMError(
                f"llm.port {self._cfg.port} on {self._cfg.host} is already in use "
                "(stop what holds it or set llm.port)"
            )
        cmd = server_command(self._cfg, self._model)
        out = self._log_path.open("ab") if self._log_path else asyncio.subprocess.DEVNULL
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *cmd,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
                env=server_env(),
            )
        except FileNotFoundError:
            self.state = "failed"
            raise LLMError(
                f"cannot start the LLM server: {Path(cmd[0]).name!r} not found ({cmd[0]});"
                ' install this profile\'s extra (README, "Install on an appliance")'
            ) from None
        finally:
            if self._log_path and not isinstance(out, int):
                out.close()
        await self._wait_healthy(self._proc)
        self.state, self.detail = "ready", f"pid {self._proc.pid}"
        log.info("LLM server ready", extra={"pid": self._proc.pid, "url": self.base_url})

    async def _wait_healthy(self, proc: asyncio.subprocess.Process | None) -> None:
        deadline = time.monotonic() + self._cfg.startup_timeout_s
        async with httpx.AsyncClient(timeout=2.0) as http:
            while time.monotonic() < deadline:
                if proc is not None and proc.returncode is not None:
                    self.state = "failed"
                    raise LLMError(
                        f"LLM server exited with status {proc.returncode} while starting"
                        + (f" (see {self._log_path})" if self._log_path else "")
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{self.base_url}/models")).status_code == 200:
                        return
                await asyncio.sleep(0.25)
        self.state = "failed"
        await self._kill()
        raise LLMError(
            f"LLM server at {self.base_url} not healthy after {self._cfg.startup_timeout_s:.0f} s"
        )

    async def _watch(self) -> None:
        """Restart the child whenever it dies, with back-off and a limit per time window."""
        while not self._closing:
            assert self._proc is not None
            code = await self._proc.wait()
            if self._closing:
                return
            log.warning("LLM server exited", extra={"status": code})
            await self._relaunch(code)

    async def _relaunch(self, code: int) -> None:
        """Launch again after ``restart_backoff_s`` (doubling per recent restart).

        More than ``max_restarts`` restarts within ``restart_window_s`` mark the stage ``failed``
        until the oldest leaves the window; then it is tried again.
        """
        cfg = self._cfg
        while not self._closing:
            now = time.monotonic()
            self._recent = [t for t in self._recent if now - t < cfg.restart_window_s]
            if len(self._recent) >= cfg.max_restarts:
                if cfg.max_restarts == 0:
                    self.state, self.detail = "failed", f"exited with {code}; restarts are off"
                    return
                wait = cfg.restart_window_s - (now - self._recent[0])
                self.state = "failed"
                self.detail = (
                    f"exited with {code}; {len(self._recent)} restarts in the last"
                    f" {cfg.restart_window_s:.0f} s (llm.max_restarts); next try in {wait:.0f} s"
                )
                await asyncio.sleep(wait)
                continue
            delay = min(cfg.restart_backoff_s * 2 ** len(self._recent), MAX_BACKOFF_S)
            self.state, self.detail = "restarting", f"exited with {code}; restart in {delay:.1f} s"
            await asyncio.sleep(delay)
            self._recent.append(time.monotonic())
            self.restarts += 1
            try:
                await self._launch()
                return
            except LLMError as exc:
                self.state, self.detail = "failed", exc.message

    async def _kill(self) -> None:
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10.0)
        except TimeoutError:
            proc.kill()
            await proc.wait()

    async def stop(self) -> None:
        """Stop supervising and end the child process."""
        self._closing = True
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
        await self._kill()
        self.state = "stopped"
