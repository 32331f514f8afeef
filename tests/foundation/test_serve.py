"""`python -m appliance serve`: each stage healthy, the LLM child stopped cleanly, clear errors."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from ..conftest import REPO, free_port


def start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "appliance", "serve"],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_reports_every_stage_ready_and_stops_cleanly(
    test_env: dict[str, str], sig: int
) -> None:
    port, local = free_port(), free_port()
    env = {
        **test_env,
        "CODEBLU_SERVER__PORT": str(port),
        "CODEBLU_SERVER__LOCAL_PORT": str(local),
        "CODEBLU_LLM__PORT": str(free_port()),
    }
    proc = start(env)
    try:
        body = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                r = httpx.get(f"http://127.0.0.1:{local}/healthz", timeout=2)
                body = r.json()
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert body is not None and body["status"] == "ok", body
        assert {k: v["state"] for k, v in body["stages"].items()} == {
            "vad": "ready",
            "asr": "ready",
            "llm": "ready",
            "tts": "ready",
            "analysis": "ready",
            "turn_end": "ready",
        }
        llm_pid = int(body["stages"]["llm"]["detail"].split()[-1])
        assert pid_alive(llm_pid)
        # The LAN port speaks HTTPS with the generated certificate (once the app's lifespan is up).
        status = 0
        for _ in range(120):
            try:
                status = httpx.get(
                    f"https://127.0.0.1:{port}/healthz", verify=False, timeout=2
                ).status_code
                break
            except httpx.ConnectError:
                time.sleep(0.25)
        assert status == 200
    finally:
        proc.send_signal(sig)  # systemd stops with SIGTERM, a terminal with SIGINT
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "start-up objects left out of garbage collection passes" in out  # audio not stalled
    time.sleep(0.5)
    assert not pid_alive(llm_pid), "the LLM server outlived the appliance"


def test_serve_port_in_use_is_a_one_line_error(test_env: dict[str, str]) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        proc = start({**test_env, "CODEBLU_SERVER__PORT": str(port)})
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert out.strip() == (
        f"error: server.port {port} on 127.0.0.1 is already in use"
        " (stop what holds it or set server.port)"
    )
