"""How much of each LLM prompt the llama.cpp server reads again, turn after turn.

    .venv/bin/python -m benchmarks.llm_prompt [--turns 10] [--modes ours append-only] [--label x]

Starts the profile's LLM server as the appliance does (``LLMServer``: llama.cpp with its RAM
prompt cache), then plays the benchmark's officer lines as one conversation in each mode, on a
fresh server each:

- ``ours``: the ``llm`` voice's own path: ``Conversation.officer_turn`` → ``reply_plans`` (the
  prompt with state and the authored line that grounds it) → ``grounded_lines`` with a budget
  that never runs out (as ``ours-llm-only`` in the side-by-side); what was said is recorded;
- ``append-only``: a Pipecat-style chat of the same card: one system message (card, rules and the
  first state), then the officer's lines and the replies appended, nothing else changing.

Per request: the prompt's tokens (the GGUF's chat template and tokenizer, as the server applies
them), the tokens shared with the previous prompt, the tokens the server evaluated (its log:
``prefix-match hit, remaining N prompt tokens to eval``) and the time to the first token. Prints
p50/p95 per mode; writes a JSON to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.inference.llm_client import LLMClient, Message
from appliance.inference.llm_server import LLMServer
from appliance.inference.models import resolve_models
from appliance.persona.scenario import load_scenario
from appliance.settings import Settings, load_settings
from appliance.turn.conversation import Conversation
from appliance.turn.reply import grounded_lines
from appliance.turn.timeline import TurnTimeline
from benchmarks.appliance_process import isolated_env
from benchmarks.live_load import SCENARIOS
from benchmarks.machine import load_average, machine_info
from benchmarks.peers.pipecat_process import persona_system_prompt
from benchmarks.summary import spread
from benchmarks.utterances import OFFICER_LINES

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
MODES = ("ours", "append-only")
SCENARIO = SCENARIOS[0]  # the side-by-side's card
REUSE = re.compile(r"(\d+) prefix-match hit, remaining (\d+) prompt tokens to eval")


class PromptTokens:
    """The server's view of a chat prompt: its chat template, then its tokenizer."""

    def __init__(self, gguf: Path) -> None:
        self._llama = Llama(str(gguf), vocab_only=True, verbose=False)
        meta = self._llama.metadata
        vocab = self._llama._model  # noqa: SLF001
        self._format = Jinja2ChatFormatter(
            meta["tokenizer.chat_template"],
            eos_token=vocab.token_get_text(vocab.token_eos()),
            bos_token=vocab.token_get_text(vocab.token_bos()),
        )

    def __call__(self, messages: Sequence[Message]) -> list[int]:
        """The prompt's token ids."""
        result = self._format(messages=[dict(m) for m in messages])  # type: ignore[misc]
        return self._llama.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )


def shared_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the common prefix of two token lists."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def evaluated(log_text: str, prompt_tokens: int) -> int:
    """Prompt tokens the server evaluated for the request whose log is ``log_text``."""
    hits = REUSE.findall(log_text)
    return int(hits[-1][1]) if hits else prompt_tokens


class Recorder:
    """One row per LLM request: tokens, reuse and time to first token."""

    def __init__(self, tokens: PromptTokens, log: Path) -> None:
        self.tokens = tokens
        self.log = log
        self.rows: list[dict[str, Any]] = []
        self._previous: list[int] = []
        self._offset = 0

    def start(self, messages: Sequence[Message]) -> list[int]:
        """Note the prompt about to be sent; the log is read from here."""
        self._offset = self.log.stat().st_size
        return self.tokens(messages)

    def finish(self, prompt: list[int], first_token_ms: float | None, reply: str) -> None:
        """Record the request just made."""
        with self.log.open("rb") as f:
            f.seek(self._offset)
            text = f.read().decode("utf-8", "replace")
        self.rows.append(
            {
                "prompt_tokens": len(prompt),
                "shared_with_previous": shared_prefix(self._previous, prompt),
                "evaluated": evaluated(text, len(prompt)),
                "first_token_ms": first_token_ms,
                "reply": reply,
            }
        )
        self._previous = prompt


async def play_ours(
    llm: LLMClient, rec: Recorder, analyzer: UtteranceAnalyzer, lines: Sequence[str]
) -> None:
    """The llm voice's turns, each waiting for the LLM (no authored line on time-out)."""
    conv = Conversation(
        load_scenario(SCENARIO), analyzer, session_id="llm-prompt", officer={"id": "b"}
    )
    t = 0.0
    for text in lines:
        t += 1.0
        await asyncio.to_thread(conv.officer_turn, text, start=t, end=t + 2.0)
        t += 2.0
        for plan in conv.reply_plans():
            prompt = rec.start(plan.messages)
            timeline = TurnTimeline()
            said = [
                line.text
                async for line in grounded_lines(
                    llm, plan.messages, plan.lines, plan.authored, timeline=timeline, budget_s=60.0
                )
            ]
            request, first = timeline.first("llm_request"), timeline.first("llm_first_token")
            ms = round((first - request) * 1000, 1) if first and request else None
            reply = " ".join(said)
            rec.finish(prompt, ms, reply)
            conv.character_turn(plan.speaker, reply, start=t + 0.5, end=t + 2.0)
            t += 2.5


async def play_append_only(llm: LLMClient, rec: Recorder, lines: Sequence[str]) -> None:
    """A chat that only grows: the first prompt's system message, then user/assistant turns."""
    chat: list[Message] = [{"role": "system", "content": persona_system_prompt(SCENARIO)}]
    for text in lines:
        chat.append({"role": "user", "content": text})
        prompt = rec.start(chat)
        sent = time.monotonic()
        first: float | None = None
        parts = []
        async for delta in llm.stream_chat(chat):
            if first is None:
                first = time.monotonic()
            parts.append(delta)
        ms = round((first - sent) * 1000, 1) if first is not None else None
        reply = "".join(parts).strip()
        rec.finish(prompt, ms, reply)
        chat.append({"role": "assistant", "content": reply})


async def run_mode(
    mode: str,
    settings: Settings,
    gguf: Path,
    work: Path,
    lines: Sequence[str],
    tokens: PromptTokens,
) -> list[dict[str, Any]]:
    """One conversation in ``mode`` on a fresh server."""
    log = work / f"llm-{mode}.log"
    analyzer = await asyncio.to_thread(UtteranceAnalyzer.load) if mode == "ours" else None
    async with LLMServer(settings.llm, gguf, log) as server:
        llm = LLMClient(
            server.base_url,
            settings.llm.served_name,
            max_tokens=settings.llm.max_tokens,
            temperature=settings.llm.temperature,
            seed=settings.llm.seed,
        )
        rec = Recorder(tokens, log)
        try:
            if analyzer is not None:
                await play_ours(llm, rec, analyzer, lines)
            else:
                await play_append_only(llm, rec, lines)
        finally:
            await llm.aclose()
    return rec.rows


def summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """p50/p95 of tokens evaluated and of time to first token, over requests after the first."""
    later = rows[1:]
    return {
        "evaluated": spread(r["evaluated"] for r in later),
        "first_token_ms": spread(r["first_token_ms"] for r in later),
        "prompt_tokens_last": rows[-1]["prompt_tokens"] if rows else None,
        "requests": len(rows),
    }


def format_rows(mode: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """One line per request."""
    out = [f"{mode}: req prompt shared evaluated first_token_ms"]
    for i, r in enumerate(rows):
        out.append(
            f"  {i:>3} {r['prompt_tokens']:>6} {r['shared_with_previous']:>6}"
            f" {r['evaluated']:>9} {r['first_token_ms']!s:>14}"
        )
    return "\n".join(out)


async def run(args: argparse.Namespace) -> int:
    """Every mode, one after another; returns the exit status."""
    started = datetime.now(UTC)
    lines = (OFFICER_LINES * 2)[: args.turns]
    load_before = load_average()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="codeblu-llm-prompt-") as tmp:
        work = Path(tmp)
        profile = args.profile or load_settings().appliance.profile
        env = isolated_env(work, profile=profile, max_sessions=1)
        settings = load_settings(environ={**os.environ, **env})
        gguf = (await asyncio.to_thread(resolve_models, settings)).llm_gguf
        assert gguf is not None, "this profile has no llama.cpp model"
        tokens = PromptTokens(gguf)
        for mode in args.modes:
            rows = await run_mode(mode, settings, gguf, work, lines, tokens)
            print(format_rows(mode, rows))
            results[mode] = {"summary": summary(rows), "requests": rows}
    load_after = load_average()
    print(f"\nafter the first request (load average {load_before} → {load_after}):")
    for mode, r in results.items():
        s = r["summary"]
        ev, ft = s["evaluated"] or {}, s["first_token_ms"] or {}
        print(
            f"{mode:>12}: evaluated p50 {ev.get('p50')} p95 {ev.get('p95')};"
            f" first token p50 {ft.get('p50')} p95 {ft.get('p95')} ms;"
            f" last prompt {s['prompt_tokens_last']} tokens"
        )
    name = f"llm-prompt-{profile}{'-' + args.label if args.label else ''}"
    path = args.out / f"{name}-{started.strftime('%Y%m%d-%H%M%S')}.json"
    args.out.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "benchmark": "llm_prompt",
                "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "command": " ".join(["python", "-m", "benchmarks.llm_prompt", *sys.argv[1:]]),
                "profile": profile,
                "scenario": SCENARIO,
                "machine": {
                    **machine_info(),
                    "load_average_before": load_before,
                    "load_average_after": load_after,
                },
                "officer_lines": list(lines),
                "modes": results,
            },
            indent=1,
        )
    )
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.llm_prompt", description=__doc__)
    p.add_argument("--turns", type=int, default=10)
    p.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    p.add_argument("--profile")
    p.add_argument("--label", default="")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
