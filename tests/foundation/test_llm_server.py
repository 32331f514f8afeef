"""The supervised LLM server: start, failures that name their cause, restart after a crash."""

import asyncio
import os
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from appliance.errors import LLMError
from appliance.inference.llm_client import LLMClient
from appliance.inference.llm_server import LLMServer, server_command
from appliance.inference.models import bundled_llm
from appliance.settings import LLMSection, Settings

from ..conftest import free_port

PROMPT = [
    {"role": "system", "content": "You are a storyteller."},
    {"role": "user", "content": "Tell me a very long story about a lighthouse keeper."},
]


def section(settings: Settings, **update: object) -> LLMSection:
    return settings.llm.model_copy(update={"port": free_port(), **update})


@pytest_asyncio.fixture
async def server(settings: Settings, tmp_path: Path) -> AsyncIterator[LLMServer]:
    srv = LLMServer(section(settings), bundled_llm(), tmp_path / "llm.log")
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


async def test_port_in_use_is_named(settings: Settings) -> None:
    cfg = section(settings)
    with socket.socket() as holder:
        holder.bind((cfg.host, cfg.port))
        holder.listen()
        with pytest.raises(LLMError, match=rf"llm\.port {cfg.port} .* already in use"):
            await LLMServer(cfg, bundled_llm()).start()


async def test_missing_server_program_is_named(settings: Settings) -> None:
    cfg = section(settings, mode="vllm", model="/nonexistent/model")
    os.environ["PATH"], old = "/nonexistent", os.environ["PATH"]
    try:
        with pytest.raises(LLMError, match="'vllm' not found"):
            await LLMServer(cfg, None).start()
    finally:
        os.environ["PATH"] = old


async def test_unreachable_external_url(settings: Settings) -> None:
    cfg = section(
        settings, mode="external", url=f"http://127.0.0.1:{free_port()}/v1", startup_timeout_s=1.0
    )
    with pytest.raises(LLMError, match="not healthy after 1 s"):
        await LLMServer(cfg, None).start()


async def test_server_dying_mid_turn_fails_the_turn_then_restarts(server: LLMServer) -> None:
    client = LLMClient(server.base_url, "persona", max_tokens=512)
    first_pid = server.pid
    assert first_pid is not None
    got: list[str] = []
    with pytest.raises(LLMError, match="LLM server at .* failed"):
        async for delta in client.stream_chat(PROMPT):
            got.append(delta)
            if len(got) == 3:
                os.killpg(first_pid, signal.SIGKILL)
    assert len(got) >= 3
    for _ in range(240):  # the supervisor notices and restarts the child
        if server.state == "ready" and server.pid != first_pid:
            break
        await asyncio.sleep(0.25)
    assert server.state == "ready" and server.restarts == 1
    reply = await client.complete([{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert reply.strip()
    await client.aclose()


async def test_cancelling_the_consumer_stops_the_stream(server: LLMServer) -> None:
    client = LLMClient(server.base_url, "persona", max_tokens=512)

    async def consume() -> int:
        n = 0
        async for _ in client.stream_chat(PROMPT):
            n += 1
        return n

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The server is free for the next request straight away.
    assert (await client.complete([{"role": "user", "content": "Hi"}], max_tokens=4)).strip()
    await client.aclose()


def test_prompt_cache_is_sized_from_the_settings(settings: Settings) -> None:
    on = server_command(section(settings, prompt_cache_mib=256), bundled_llm())
    at = on.index("--cache_size")
    assert on[on.index("--cache") + 1] == "true" and on[at + 1] == str(256 * 1024 * 1024)
    off = server_command(section(settings, prompt_cache_mib=0), bundled_llm())
    assert "--cache" not in off and "--cache_size" not in off


def test_the_prompt_is_read_by_its_own_thread_count(settings: Settings) -> None:
    def threads(cmd: list[str]) -> tuple[str, str]:
        return cmd[cmd.index("--n_threads") + 1], cmd[cmd.index("--n_threads_batch") + 1]

    unset = section(settings, threads=1, batch_threads=None)
    assert threads(server_command(unset, bundled_llm())) == ("1", "1")
    batch = section(settings, threads=1, batch_threads=2)
    assert threads(server_command(batch, bundled_llm())) == ("1", "2")


def child_environ(pid: int) -> list[bytes]:
    return Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")


async def test_the_child_runs_offline(server: LLMServer) -> None:
    assert server.pid is not None
    environ = child_environ(server.pid)
    for var in (b"HF_HUB_OFFLINE=1", b"TRANSFORMERS_OFFLINE=1", b"VLLM_NO_USAGE_STATS=1"):
        assert var in environ
