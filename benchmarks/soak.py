"""``python -m benchmarks.soak``: N officers talk to the appliance for M minutes; nothing may grow.

The appliance's and its LLM child's RSS, threads and open files are sampled every ``--interval``
seconds (the child only while one runs); each officer speaks the benchmark lines in turn, starting
a new session when the scenario ends one. Figures (benchmarks/RESULTS.md, "Soak"): the appliance's
growth after warm-up, the LLM child within its prompt cache, underruns, and p95 reply latency of
the last window against the first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from appliance.inference.models import resolve_models
from appliance.settings import load_settings
from benchmarks.appliance_process import ApplianceProcess, isolated_env
from benchmarks.devices import pair_devices
from benchmarks.gc_pauses import GcPauses
from benchmarks.live_load import SCENARIOS, late_frames, reply_gaps, underrun_offsets
from benchmarks.machine import load_average, machine_info
from benchmarks.process_stats import llm_child, sample
from benchmarks.soak_report import Sample, Turn, as_json, draw, figures
from benchmarks.utterances import UtteranceSet, synthesize_lines
from headset_client import HeadsetClient
from headset_client.client import TurnError
from headset_client.signalling import SignallingError

REPO = Path(__file__).resolve().parent.parent
GC = GcPauses()  # this process's collections, matched with each underrun
UNDERRUN_WINDOW_S = 0.1  # a stall this long before a late frame arrived can have delayed it


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=12.0, help="how long the officers talk")
    parser.add_argument("--sessions", type=int, default=2, help="officers at once")
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=2.0, help="minutes before growth counts")
    parser.add_argument("--window", type=float, default=2.0, help="minutes of each p95 window")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between turns")
    parser.add_argument("--profile", default="cpu-embedded")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    return parser.parse_args(argv)


async def sampler(pid: int, interval: float, t0: float, out: list[Sample]) -> None:
    """Sample the appliance and its LLM child every ``interval`` s until cancelled."""
    while True:
        me = sample(pid)
        if me is None:
            return
        child = llm_child(pid)
        llm = sample(child) if child is not None else None
        out.append(
            Sample(
                round(time.monotonic() - t0, 1),
                me.rss_mib,
                me.threads,
                me.fds,
                llm.rss_mib if llm else None,
                llm.threads if llm else None,
                llm.fds if llm else None,
            )
        )
        await asyncio.sleep(interval)


async def officer(
    url: str, index: int, token: str, lines: UtteranceSet, deadline: float, t0: float, pause: float
) -> list[Turn]:
    """One officer speaking until the deadline, in as many sessions as the scenarios take."""
    turns: list[Turn] = []
    n = index * 5
    await asyncio.sleep(index * 1.5)
    while time.monotonic() < deadline:
        scenario = SCENARIOS[(index + len(turns)) % len(SCENARIOS)]
        client = HeadsetClient(url, scenario_id=scenario, token=token)
        late = 0  # the session's outbound frames sent late so far (the appliance's count)
        try:
            async with client:
                while time.monotonic() < deadline and not client.events_of("session.ended"):
                    utt = lines.turns[n % len(lines.turns)]
                    n += 1
                    turn = await _turn(client, utt.samples, utt.sample_rate, index, t0, late)
                    late += turn.late_frames or 0
                    turns.append(turn)
                    await asyncio.sleep(pause)
        except SignallingError:
            if not client.events_of("session.ended"):
                raise
    return turns


async def _turn(
    client: HeadsetClient, pcm: object, rate: int, index: int, t0: float, late_before: int
) -> Turn:
    """One line said and its reply heard: gaps as received, and frames the appliance sent late."""
    await client.say(pcm, rate)  # type: ignore[arg-type]
    try:
        reply = await client.wait_reply(timeout_s=180)
    except (TurnError, TimeoutError) as exc:
        return Turn(round(time.monotonic() - t0, 1), index, None, 0, str(exc)[:200])
    gaps, widest = reply_gaps(client.frames, reply.first_frame_at, reply.last_frame_at)
    late = late_frames(reply)
    ends = underrun_offsets(client.frames, reply.first_frame_at, reply.last_frame_at)
    at = [reply.first_frame_at + ms / 1000.0 for ms in ends]
    return Turn(
        round(time.monotonic() - t0, 1),
        index,
        round(reply.latency_ms, 1),
        gaps,
        max_gap_ms=widest,
        late_frames=None if late is None else late - late_before,
        underrun_at_ms=ends,
        client_gc_ms=[GC.longest_within(end - UNDERRUN_WINDOW_S, end) for end in at],
    )


async def soak(args: argparse.Namespace) -> dict[str, object]:
    """Run the soak; the result document."""
    started = datetime.now(UTC)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="codeblu-soak-") as tmp:
        work = Path(tmp)
        env = isolated_env(work, profile=args.profile, max_sessions=args.sessions)
        settings = load_settings(environ={**os.environ, **env})
        lines = await synthesize_lines(settings)
        gguf = resolve_models(settings).llm_gguf
        tokens = await asyncio.to_thread(pair_devices, work / "records.sqlite3", args.sessions)
        samples: list[Sample] = []
        async with ApplianceProcess(env, args.out / f"{args.name}.appliance.log") as proc:
            t0 = time.monotonic()
            watch = asyncio.create_task(sampler(proc.pid, args.interval, t0, samples))
            deadline = t0 + args.minutes * 60
            try:
                with GC:
                    per = await asyncio.gather(
                        *(
                            officer(proc.url, i, tokens[i], lines, deadline, t0, args.pause)
                            for i in range(args.sessions)
                        )
                    )
            finally:
                watch.cancel()
                await asyncio.gather(watch, return_exceptions=True)
            last = sample(proc.pid)
            if last is not None:  # the state once every officer has finished
                child = llm_child(proc.pid)
                llm = sample(child) if child is not None else None
                samples.append(
                    Sample(
                        round(time.monotonic() - t0, 1),
                        last.rss_mib,
                        last.threads,
                        last.fds,
                        llm.rss_mib if llm else None,
                        llm.threads if llm else None,
                        llm.fds if llm else None,
                    )
                )
    turns = sorted((t for ts in per for t in ts), key=lambda t: t.t_s)
    found = figures(
        samples,
        turns,
        warmup_s=args.warmup * 60,
        window_s=args.window * 60,
        cache_mib=float(settings.llm.prompt_cache_mib),
        model_mib=gguf.stat().st_size / 2**20 if gguf else 0.0,
    )
    return {
        "name": args.name,
        "started_at": started.isoformat(timespec="seconds"),
        "plan": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "machine": machine_info(),
        "load_before": load_before,
        "load_after": load_average(),
        "figures": found,
        **as_json(samples, turns),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    args.name = f"soak-{args.profile}-{args.sessions}x{args.minutes:g}min-{stamp}"
    doc = asyncio.run(soak(args))
    (args.out / f"{args.name}.json").write_text(json.dumps(doc, indent=1))
    samples = [Sample(**s) for s in doc["samples"]]  # type: ignore[attr-defined]
    turns = [Turn(**t) for t in doc["turns"]]  # type: ignore[attr-defined]
    draw(args.out / f"{args.name}.png", samples, turns, args.name)
    print(json.dumps({"name": args.name, **doc["figures"]}, indent=1))  # type: ignore[dict-item]
    print(f"load average before {doc['load_before']}, after {doc['load_after']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
