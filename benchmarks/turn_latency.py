"""Turn latency under concurrency, per stage, against budgets and a naive sequential baseline.

    .venv/bin/python -m benchmarks.turn_latency [--concurrency 1 2 4] [--turns M]
        [--url URL | --room ROOM] [--profile cpu-embedded] [--out benchmarks/results/] [--smoke]

Starts the appliance (`python -m appliance serve`, isolated ports and a temporary data folder)
unless given --url or --room, drives N reference clients over real WebRTC on loopback per level,
runs the naive baseline on the same models, utterances and persona prompts in this process, then
prints a table, writes a JSON result and a PNG, and exits 1 when a budget of the profile is
exceeded (never in --smoke mode).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from appliance.discovery import browse
from appliance.engine import Engine
from appliance.settings import Settings, load_settings
from benchmarks.appliance_process import ApplianceProcess, isolated_env
from benchmarks.budgets import check_budgets, load_budgets
from benchmarks.cpu_profile import PySpy, summarize_raw
from benchmarks.devices import pair_devices
from benchmarks.live_load import LevelResult, LoadPlan, TurnRecord, run_level
from benchmarks.machine import load_average, machine_info
from benchmarks.naive import run_naive
from benchmarks.plot import draw
from benchmarks.summary import format_table, ratio, spread, summarize
from benchmarks.utterances import synthesize_lines

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.turn_latency",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 2, 4], help="sessions at once, per level"
    )
    p.add_argument(
        "--turns",
        type=int,
        default=3,
        help="officer turns per session (plus the barge-in exchange)",
    )
    p.add_argument("--pause-s", type=float, default=1.0, help="silence after each reply")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--url", help="a running appliance, e.g. http://127.0.0.1:8080")
    where.add_argument("--room", help="find a running appliance of this room by zeroconf")
    p.add_argument(
        "--token",
        action="append",
        default=[],
        help="paired device token for --url/--room (repeatable: one per session; "
        "default $CODEBLU_DEVICE_TOKEN)",
    )
    p.add_argument("--profile", help="hardware profile (default: the configured one)")
    p.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON, PNG and profile"
    )
    p.add_argument("--label", default="", help="added to the result file names")
    p.add_argument("--smoke", action="store_true", help="one session, two turns; no budget check")
    p.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    p.add_argument("--no-barge-in", action="store_true", help="skip the barge-in exchange")
    p.add_argument(
        "--py-spy",
        action="store_true",
        help="profile the self-started appliance (and its LLM server) with py-spy",
    )
    args = p.parse_args(argv)
    if args.smoke:
        args.concurrency, args.turns, args.pause_s = [1], 2, 0.5
    if args.py_spy and (args.url or args.room):
        p.error("--py-spy profiles the appliance this benchmark starts: drop --url/--room")
    return args


@contextlib.asynccontextmanager
async def target(
    args: argparse.Namespace, env: dict[str, str], work: Path
) -> AsyncIterator[Target]:
    """The appliance under test: the one given, or one started here with paired headsets."""
    tokens = args.token or (
        [os.environ["CODEBLU_DEVICE_TOKEN"]] if os.environ.get("CODEBLU_DEVICE_TOKEN") else []
    )
    if args.url:
        yield Target(args.url.rstrip("/"), "/api", tokens, None)
        return
    if args.room:
        found = await browse(10.0, room=args.room)
        if not found:
            raise SystemExit(f"no appliance for room {args.room!r} answered on the LAN within 10 s")
        yield Target(found[0].url, found[0].properties.get("api", "/api"), tokens, None)
        return
    records = Path(env["CODEBLU_RECORDS__PATH"].strip('"'))
    tokens = await asyncio.to_thread(pair_devices, records, max(args.concurrency))
    async with ApplianceProcess(env, args.out / f"{args.name}.appliance.log") as proc:
        yield Target(proc.url, "/api", tokens, proc)


@dataclass(frozen=True)
class Target:
    """Where the sessions go, with the device tokens they use."""

    url: str
    api: str
    tokens: list[str]
    proc: ApplianceProcess | None


def barge_in_summary(level: LevelResult) -> dict[str, Any]:
    """Spread of the stop time after the ``barge_in`` event, and how many were missed."""
    return {
        "stop_after_event_ms": spread(b.stop_after_event_ms for b in level.barge_ins),
        "missed": sum(b.stop_after_event_ms is None for b in level.barge_ins),
    }


def _late_frames_per_turn(records: list[TurnRecord]) -> None:
    """Turn the cumulative server ``late_frames`` of each session into per-turn counts."""
    last: dict[tuple[int, int], int] = {}
    for r in records:
        if r.server_late_frames is not None:
            key = (r.concurrency, r.session)
            cum = r.server_late_frames
            r.server_late_frames = cum - last.get(key, 0)
            last[key] = cum


async def run(args: argparse.Namespace) -> int:
    """The whole benchmark; returns the exit status."""
    started_at = datetime.now(UTC)
    base = load_settings()
    profile = args.profile or base.appliance.profile
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = started_at.strftime("%Y%m%d-%H%M%S")
    name = args.name = (
        f"turn-latency-{profile}{'-smoke' if args.smoke else ''}"
        f"{'-' + args.label if args.label else ''}-{stamp}"
    )
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="codeblu-bench-") as tmp:
        work = Path(tmp)
        live_env = isolated_env(work / "live", profile=profile, max_sessions=max(args.concurrency))
        naive_env = isolated_env(work / "naive", profile=profile, max_sessions=1)
        naive_settings: Settings = load_settings(environ={**os.environ, **naive_env})
        lines = await synthesize_lines(naive_settings)
        print(
            f"synthesized {len(lines.turns)} officer lines in {lines.synth_s:.1f} s "
            f"({min(u.duration_s for u in lines.turns):.1f}–"
            f"{max(u.duration_s for u in lines.turns):.1f} s long)"
        )
        levels: list[LevelResult] = []
        profile_txt: Path | None = None
        async with target(args, live_env, work) as tgt:
            url, proc = tgt.url, tgt.proc
            print(f"appliance at {url}" + (f" (started in {proc.startup_s:.0f} s)" if proc else ""))
            spy = PySpy(proc.pid, args.out / f"{name}.py-spy.txt") if proc and args.py_spy else None
            async with spy or contextlib.nullcontext():
                for c in args.concurrency:
                    plan = LoadPlan(c, args.turns, args.pause_s, barge_in=not args.no_barge_in)
                    level = await run_level(url, lines, plan, tgt.api, tgt.tokens)
                    levels.append(level)
                    print(f"{c} session(s): {len(level.turns)} turns in {level.wall_s:.0f} s")
            if spy is not None:
                profile_txt = args.out / f"{name}.profile.txt"
                profile_txt.write_text(summarize_raw(spy.raw_path))
        naive_records: list[TurnRecord] = []
        if not args.no_naive:
            async with Engine(naive_settings) as engine:
                t = time.monotonic()
                naive_records = await run_naive(
                    engine, lines.turns, max(args.concurrency), args.turns
                )
                print(f"naive baseline: {len(naive_records)} turns in {time.monotonic() - t:.0f} s")
    load_after = load_average()

    records = [r for lv in levels for r in lv.turns]
    _late_frames_per_turn(records)
    summaries = {
        lv.concurrency: summarize([r for r in lv.turns if r.kind == "turn"]) for lv in levels
    }
    naive = summarize(naive_records) if naive_records else None
    ratios: dict[int, dict[str, dict[str, float]]] = {}
    for c, s in summaries.items():
        same = summarize(
            [r for r in naive_records if r.session < c]
        )  # the same sessions' utterances
        ratios[c] = (
            {"server_total": ratio(s, same, "total"), "client": ratio(s, same, "client")}
            if naive
            else {}
        )
    budgets = load_budgets(profile)
    verdicts = check_budgets(
        budgets, summaries, {c: r.get("client", {}) for c, r in ratios.items()}
    )

    table = format_table(summaries, naive)
    barge = {lv.concurrency: barge_in_summary(lv) for lv in levels}
    print()
    print(
        f"turn latency, profile {profile}, ms (client = at the headset; total = server side; "
        f"load average {load_before} → {load_after})"
    )
    print(table)
    for c, b in barge.items():
        s = b["stop_after_event_ms"]
        print(
            f"barge-in at {c} session(s): stop after event p50 {s['p50'] if s else '-'} ms, "
            f"max {s['max'] if s else '-'} ms, missed {b['missed']}"
        )
    for line in verdicts:
        print(f"budget {line}")

    result: dict[str, Any] = {
        "benchmark": "turn_latency",
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(
            [Path(sys.executable).name, "-m", "benchmarks.turn_latency", *sys.argv[1:]]
        ),
        "smoke": args.smoke,
        "profile": profile,
        "machine": {
            **machine_info(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "settings": naive_settings.model_dump(mode="json"),
        "target": args.url or (f"room {args.room}" if args.room else "self-started appliance"),
        "plan": {
            "concurrency": args.concurrency,
            "turns": args.turns,
            "pause_s": args.pause_s,
            "barge_in": not args.no_barge_in,
            "naive": not args.no_naive,
        },
        "utterances": [{"text": u.text, "duration_s": round(u.duration_s, 2)} for u in lines.turns],
        "levels": {
            str(lv.concurrency): {
                "wall_s": lv.wall_s,
                "summary": summaries[lv.concurrency],
                "barge_in": barge[lv.concurrency],
                "ratio_vs_naive": ratios[lv.concurrency],
            }
            for lv in levels
        },
        "naive": naive,
        "budgets": {
            "profile": profile,
            "limits": [asdict(b) for b in budgets],
            "verdicts": verdicts,
        },
        "table": table,
        "profile_summary": str(profile_txt) if profile_txt else None,
        "records": [asdict(r) for r in records],
        "naive_records": [asdict(r) for r in naive_records],
        "barge_ins": [asdict(b) for lv in levels for b in lv.barge_ins],
    }
    json_path = args.out / f"{name}.json"
    png_path = args.out / f"{name}.png"
    json_path.write_text(json.dumps(result, indent=1))
    draw(
        png_path,
        summaries,
        naive,
        f"{profile} · {started_at:%Y-%m-%d %H:%M} UTC · load {load_before[0]}",
    )
    print(
        f"wrote {json_path}\nwrote {png_path}" + (f"\nwrote {profile_txt}" if profile_txt else "")
    )
    over = [v for v in verdicts if v.startswith("OVER")]
    return 1 if over and not args.smoke else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
