"""The llama.cpp child stays within its prompt-cache budget."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from appliance.inference.llm_client import LLMClient
from appliance.inference.llm_server import LLMServer
from appliance.inference.models import bundled_llm
from appliance.settings import Settings

from ..conftest import free_port

pytestmark = pytest.mark.slow
CACHE_MIB = 256
WORDS = (
    "officer bridge night cold voice please listen help family tired phone car river light money"
    " job sister brother rain train home door window street"
).split()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


async def test_the_llm_child_stays_within_its_cache_budget(
    settings: Settings, tmp_path: Path
) -> None:
    """Distinct long prompts (one saved state each) grow the child by at most its cache."""
    cfg = settings.llm.model_copy(update={"port": free_port(), "prompt_cache_mib": CACHE_MIB})
    async with LLMServer(cfg, bundled_llm(), tmp_path / "llm.log") as server:
        assert server.pid is not None
        client = LLMClient(server.base_url, cfg.served_name, max_tokens=4, timeout_s=300)
        try:
            await client.complete([{"role": "user", "content": "Hi"}], max_tokens=2)
            base = rss_mib(server.pid)
            rnd = random.Random(7)
            peak = base
            for i in range(6):
                text = f"Call {i}. " + " ".join(rnd.choice(WORDS) for _ in range(300))
                prompt = [
                    {"role": "system", "content": text},
                    {"role": "user", "content": "What now?"},
                ]
                await client.complete(prompt, max_tokens=4)
                peak = max(peak, rss_mib(server.pid))
        finally:
            await client.aclose()
    grown = peak - base
    assert grown < CACHE_MIB + 64, f"grew {grown:.0f} MiB over a {CACHE_MIB} MiB cache"
