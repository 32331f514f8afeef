"""The appliance under test as a child process (`python -m appliance serve`) on isolated ports."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def isolated_env(data_dir: Path, *, profile: str, max_sessions: int) -> dict[str, str]:
    """``CODEBLU_*`` overrides keeping a benchmark appliance off real ports, records and room."""
    return {
        "CODEBLU_APPLIANCE__PROFILE": f'"{profile}"',
        "CODEBLU_APPLIANCE__DATA_DIR": f'"{data_dir}"',
        "CODEBLU_APPLIANCE__ROOM": f'"Benchmark {os.getpid()}"',
        "CODEBLU_MODELS__CACHE_DIR": f'"{REPO / "var" / "models"}"',
        "CODEBLU_RECORDS__PATH": f'"{data_dir / "records.sqlite3"}"',
        "CODEBLU_LLM__PORT": str(free_port()),
        "CODEBLU_SERVER__PORT": str(free_port()),
        "CODEBLU_SERVER__HOST": '"127.0.0.1"',
        "CODEBLU_SERVER__LOCAL_PORT": "0",  # the main listener is already on loopback
        "CODEBLU_SERVER__MAX_SESSIONS": str(max_sessions),
        "CODEBLU_TLS__ENABLED": "false",  # loopback: plain HTTP, as the reference client's tests
    }


class ApplianceProcess:
    """Async context manager: start `serve`, wait for ``/healthz`` 200, stop it with SIGINT."""

    def __init__(
        self, env: dict[str, str], log_path: Path, *, startup_timeout_s: float = 600.0
    ) -> None:
        self.env = env
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{env['CODEBLU_SERVER__PORT']}"
        self.startup_s = 0.0
        self._timeout = startup_timeout_s
        self._proc: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        """The serve process's id."""
        assert self._proc is not None
        return self._proc.pid

    async def __aenter__(self) -> ApplianceProcess:
        started = time.monotonic()
        with self.log_path.open("ab") as log:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "appliance",
                "serve",
                cwd=REPO,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        try:
            await self._wait_healthy()
        except BaseException:
            await self._stop()
            raise
        self.startup_s = round(time.monotonic() - started, 1)
        return self

    async def _wait_healthy(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self._timeout
        async with httpx.AsyncClient(timeout=2.0) as http:
            while time.monotonic() < deadline:
                if self._proc.returncode is not None:
                    raise RuntimeError(
                        f"the appliance exited with status {self._proc.returncode} while starting"
                        f" (log: {self.log_path})"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{self.url}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.5)
        raise TimeoutError(
            f"the appliance was not healthy within {self._timeout:.0f} s (log: {self.log_path})"
        )

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stop()

    async def kill(self) -> int:
        """SIGKILL the serve process, as a crash or power cut would (fault tests); its status."""
        assert self._proc is not None
        self._proc.kill()
        return await self._proc.wait()

    async def _stop(self) -> None:
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        proc.send_signal(signal.SIGINT)  # serve shuts down cleanly, its LLM server with it
        try:
            await asyncio.wait_for(proc.wait(), 30.0)
        except TimeoutError:
            proc.kill()
            await proc.wait()
