"""Ours and a Pipecat peer, side by side in one run, on the same officer utterances.

    .venv/bin/python -m benchmarks.peers.side_by_side [--turns 10] [--pause-s 1.0]
        [--systems ours-llm ours-llm-only pipecat ours-authored] [--out benchmarks/results/]

Each system gets one session of ``--turns`` officer turns over real WebRTC on loopback, one after
the other on the same machine: our appliance (``python -m appliance serve``, isolated ports) with
the ``llm`` voice (as shipped: the authored line answers when the LLM is late), with the ``llm``
voice made to wait for the LLM every turn (``ours-llm-only``), and with the ``authored`` voice;
and the Pipecat peer (``pipecat_bot``, in ``var/peers-venv``) on the same bundled models and the
same llama.cpp server set-up. Latency is measured at the client, the same way for all: the frame
carrying the officer's last voiced sample sent → the first voiced reply frame received. Prints
p50/p95 per system, how many replies were authored lines, in how many turns reply audio arrived
while the officer was still speaking (``over``), and ours/Pipecat; writes a JSON result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from appliance.settings import load_settings
from benchmarks.appliance_process import ApplianceProcess, isolated_env
from benchmarks.devices import pair_devices
from benchmarks.live_load import (
    SCENARIOS,
    LoadPlan,
    TurnRecord,
    reply_gaps,
    run_session,
    utterance_index,
    voiced_ms_between,
)
from benchmarks.machine import load_average, machine_info
from benchmarks.peers.authored import authored_matcher
from benchmarks.peers.peer_client import PeerClient
from benchmarks.peers.pipecat_log import stage_summary
from benchmarks.peers.pipecat_process import pipecat_peer
from benchmarks.summary import spread
from benchmarks.utterances import UtteranceSet, synthesize_lines

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "results"
SYSTEMS = ("ours-llm", "ours-llm-only", "pipecat", "ours-authored")
# The llm voice gives way to the authored line when the LLM's first sentence is later than
# persona.llm_first_sentence_ms (600 ms by default); "ours-llm-only" raises it to the most the
# settings allow, so that the LLM speaks every turn, as Pipecat's does.
VOICE_ENV = {
    "ours-llm": {"CODEBLU_PERSONA__VOICE": '"llm"'},
    "ours-llm-only": {
        "CODEBLU_PERSONA__VOICE": '"llm"',
        "CODEBLU_PERSONA__LLM_FIRST_SENTENCE_MS": "30000",
    },
    "ours-authored": {"CODEBLU_PERSONA__VOICE": '"authored"'},
}
SCENARIO = SCENARIOS[0]  # session 0 of live_load: the same card for every system


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.peers.side_by_side",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--turns", type=int, default=6, help="officer turns per system")
    p.add_argument("--pause-s", type=float, default=1.0, help="silence after each reply")
    p.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    p.add_argument("--profile", help="hardware profile (default: the configured one)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--label", default="")
    p.add_argument("--reply-timeout-s", type=float, default=60.0)
    return p.parse_args(argv)


async def run_ours(
    system: str, lines: UtteranceSet, args: argparse.Namespace, work: Path, profile: str
) -> list[TurnRecord]:
    """One session against our appliance, started with this system's persona voice."""
    env = {**isolated_env(work, profile=profile, max_sessions=1), **VOICE_ENV[system]}
    records = Path(env["CODEBLU_RECORDS__PATH"].strip('"'))
    await asyncio.to_thread(work.mkdir, parents=True, exist_ok=True)
    tokens = await asyncio.to_thread(pair_devices, records, 1)
    plan = LoadPlan(
        1, args.turns, args.pause_s, barge_in=False, reply_timeout_s=args.reply_timeout_s
    )
    async with ApplianceProcess(env, args.out / f"{args.name}.{system}.log") as proc:
        print(f"{system} at {proc.url}, started in {proc.startup_s:.0f} s")
        turns, _ = await run_session(proc.url, 0, lines, plan, token=tokens[0])
    return turns


async def run_pipecat(
    lines: UtteranceSet, args: argparse.Namespace, work: Path, profile: str
) -> tuple[list[TurnRecord], dict[str, Any]]:
    """One session against the Pipecat peer, the same utterances in the same order."""
    env = isolated_env(work, profile=profile, max_sessions=1)
    settings = load_settings(environ={**os.environ, **env})
    out: list[TurnRecord] = []
    async with pipecat_peer(settings, SCENARIO, work, args.out / args.name) as peer:
        print(f"pipecat peer at {peer.url}, started in {peer.startup_s:.0f} s")
        async with PeerClient(peer.url) as client:
            for t in range(args.turns):
                utt = lines.turns[utterance_index(0, t, len(lines.turns))]
                rec = TurnRecord(1, 0, t, SCENARIO, "turn", utt.text, round(utt.duration_s, 2))
                said = await client.say(utt.samples, utt.sample_rate)
                try:
                    reply = await client.wait_reply(args.reply_timeout_s)
                except TimeoutError as exc:
                    rec.error = f"timeout: {exc}"
                else:
                    rec.latency_ms = round(reply.latency_ms, 1)
                    rec.heard, rec.reply = reply.heard, reply.text
                    rec.talked_over_ms = voiced_ms_between(
                        client.frames, said.started_at, said.voiced_end_at
                    )
                    rec.reply_s = round(reply.last_frame_at - reply.first_frame_at + 0.02, 2)
                    rec.underruns, rec.max_gap_ms = reply_gaps(
                        client.frames, reply.first_frame_at, reply.last_frame_at
                    )
                out.append(rec)
                await asyncio.sleep(args.pause_s)
    config = {k: v for k, v in peer.config.items() if k != "system_prompt"}
    stages = await asyncio.to_thread(stage_summary, peer.log)
    return out, {**config, "system_prompt_chars": len(peer.config["system_prompt"]), "log": stages}


def client_spread(records: list[TurnRecord]) -> dict[str, float] | None:
    """p50, p95, max, n of the client latency over turns that got a reply."""
    return spread(r.latency_ms for r in records if r.kind == "turn" and r.error is None)


def authored_count(records: list[TurnRecord]) -> int:
    """Replies that were exactly one of the card's authored lines (the llm voice's fallback)."""
    is_authored = authored_matcher(SCENARIO)
    return sum(1 for r in records if r.error is None and r.reply and is_authored(r.reply))


def talked_over_count(records: list[TurnRecord]) -> int:
    """Turns where reply audio arrived while the officer was still speaking."""
    return sum(1 for r in records if r.error is None and r.talked_over_ms > 0)


def format_table(
    spreads: dict[str, dict[str, float] | None],
    authored: dict[str, int],
    talked_over: dict[str, int],
) -> str:
    """One line per system, then ours/Pipecat per percentile."""
    head = f"{'system':>14} {'p50':>7} {'p95':>7} {'max':>7} {'n':>3} {'authored':>8} {'over':>5}"
    lines = [head]
    for name, s in spreads.items():
        cells = " ".join(f"{s[p]:>7.0f}" for p in ("p50", "p95", "max")) if s else "      -" * 3
        n = int(s["n"]) if s else 0
        lines.append(f"{name:>14} {cells} {n:>3} {authored[name]:>8} {talked_over[name]:>5}")
    peer = spreads.get("pipecat")
    for name, s in spreads.items():
        if name != "pipecat" and s and peer:
            r = {p: round(s[p] / peer[p], 2) for p in ("p50", "p95")}
            lines.append(f"{name}/pipecat: p50 {r['p50']}, p95 {r['p95']}")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    """The whole comparison; returns the exit status."""
    started_at = datetime.now(UTC)
    profile = args.profile or load_settings().appliance.profile
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%d-%H%M%S")
    args.name = f"side-by-side-{profile}{'-' + args.label if args.label else ''}-{stamp}"
    load_before = load_average()
    records: dict[str, list[TurnRecord]] = {}
    peer_config: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="codeblu-peers-") as tmp:
        work = Path(tmp)
        env = isolated_env(work / "synth", profile=profile, max_sessions=1)
        lines = await synthesize_lines(load_settings(environ={**os.environ, **env}))
        print(f"synthesized {len(lines.turns)} officer lines in {lines.synth_s:.1f} s")
        for system in args.systems:
            if system == "pipecat":
                records[system], peer_config = await run_pipecat(
                    lines, args, work / system, profile
                )
            else:
                records[system] = await run_ours(system, lines, args, work / system, profile)
            done = [r.latency_ms for r in records[system] if r.latency_ms is not None]
            print(f"{system}: {len(done)}/{len(records[system])} turns answered: {done}")
    load_after = load_average()
    spreads = {name: client_spread(recs) for name, recs in records.items()}
    authored = {name: authored_count(recs) for name, recs in records.items()}
    talked_over = {name: talked_over_count(recs) for name, recs in records.items()}
    table = format_table(spreads, authored, talked_over)
    print(f"\nclient latency, ms (load average {load_before} → {load_after})\n{table}")
    if peer_config:
        log = peer_config["log"]
        print(
            f"pipecat log: {log['llm_requests']} LLM requests, {log['bot_replies']} replies; "
            f"LLM request → bot audio {log['llm_request_to_audio_ms']} ms"
        )
    result: dict[str, Any] = {
        "benchmark": "side_by_side",
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(
            [Path(sys.executable).name, "-m", "benchmarks.peers.side_by_side", *sys.argv[1:]]
        ),
        "profile": profile,
        "scenario": SCENARIO,
        "machine": {
            **machine_info(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "plan": {"turns": args.turns, "pause_s": args.pause_s, "systems": args.systems},
        "pipecat": {"version": "1.14.0", "config": peer_config},
        "utterances": [{"text": u.text, "duration_s": round(u.duration_s, 2)} for u in lines.turns],
        "client_ms": spreads,
        "authored_replies": authored,
        "talked_over_turns": talked_over,
        "table": table,
        "records": {name: [asdict(r) for r in recs] for name, recs in records.items()},
    }
    path = args.out / f"{args.name}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
