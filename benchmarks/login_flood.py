"""A live session's reply latency while unauthenticated log-ins flood the appliance, and without.

    .venv/bin/python -m benchmarks.login_flood [--rounds 6] [--window-s 30] [--attempts 300]
        [--addresses 30] [--out benchmarks/results/]

Starts the appliance (`python -m appliance serve`, plain HTTP on 127.0.0.1, a temporary data
folder), pairs one headset and keeps one live session talking (reference client over real WebRTC
on loopback) through alternating windows of ``--window-s``: quiet, then flooded, ``--rounds``
times. A flooded window sends ``--attempts`` ``POST /api/auth/login``, each with a new username,
evenly over the window, from ``--addresses`` loopback source addresses (127.0.r.x, new ones each
round, at most 6 at once per address): the distributed case, which the per-address limits do not
stop and only the bound on password checks does. A turn counts for a condition when its whole
latency (the officer's last voiced frame sent → the first reply frame received) fell inside one
window. Prints p50/p95 per condition and the flood's answers; writes a JSON. Loopback only,
bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from appliance.settings import load_settings
from benchmarks.appliance_process import ApplianceProcess, isolated_env
from benchmarks.devices import pair_devices
from benchmarks.machine import load_average, machine_info
from benchmarks.utterances import UtteranceSet, synthesize_lines
from headset_client import HeadsetClient
from headset_client.client import TurnError
from headset_client.signalling import SignallingError

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
PER_ADDRESS_AT_ONCE = 6
FIRST_ADDRESS = 10  # round r floods from 127.0.r+1.10 onwards; the session is on 127.0.0.1
SCENARIO = "overpass_voices"
REPLY_TIMEOUT_S = 120.0
PAUSE_S = 1.0


@dataclass
class Turn:
    """One officer turn: when it ran (monotonic seconds) and the reply latency at the headset."""

    utterance: str
    started_at: float
    voiced_end_at: float | None = None  # the officer's last voiced frame left the headset
    replied_at: float | None = None  # the first voiced reply frame arrived
    latency_ms: float | None = None
    server_total_ms: float | None = None  # the appliance's own ``total`` (turn.timing)
    condition: str = ""  # "quiet", "flooded" or "mixed" (straddles a window edge: not counted)
    error: str | None = None


@dataclass
class Window:
    """One window of the run."""

    condition: str
    started_at: float
    ended_at: float = 0.0
    rss_mib_after: float | None = None
    cpu_s: float | None = None  # CPU time the appliance process (all its threads) used in it
    answers: dict[str, int] = field(default_factory=dict)
    login_ms: list[float] = field(default_factory=list)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far, all threads (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float | None:
    """Resident memory of a process, MiB (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


async def flood(url: str, window: Window, args: argparse.Namespace, round_: int) -> None:
    """``args.attempts`` log-ins with new usernames, evenly over the window, many addresses."""
    addresses = [f"127.0.{round_ + 1}.{FIRST_ADDRESS + k}" for k in range(args.addresses)]
    clients = {
        a: httpx.AsyncClient(
            base_url=url, timeout=60.0, transport=httpx.AsyncHTTPTransport(local_address=a)
        )
        for a in addresses
    }
    gates = {a: asyncio.Semaphore(PER_ADDRESS_AT_ONCE) for a in addresses}
    answers: Counter[str] = Counter()
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def attempt(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i * args.window_s / args.attempts - loop.time()))
        address = addresses[i % len(addresses)]
        async with gates[address]:
            sent = loop.time()
            try:
                r = await clients[address].post(
                    "/api/auth/login",
                    json={"username": f"flood-{round_}-{i}", "password": f"guess-{i}-xyzzy"},
                )
                code = r.json().get("code", "") if r.status_code >= 400 else "ok"
                answers[f"{r.status_code} {code}"] += 1
            except (httpx.HTTPError, ValueError) as exc:
                answers[f"error {type(exc).__name__}"] += 1
            window.login_ms.append(round((loop.time() - sent) * 1000, 1))

    try:
        await asyncio.gather(*(attempt(i) for i in range(args.attempts)))
    finally:
        for client in clients.values():
            await client.aclose()
    window.answers = dict(sorted(answers.items()))


async def talk(url: str, token: str, lines: UtteranceSet, turns: list[Turn], stop: float) -> None:
    """Speak the officer lines in turn, one reply at a time, until ``stop`` (monotonic).

    A scenario can end on its own (the subject's outcome): the officer then starts another.
    """
    i = 0
    while time.monotonic() < stop:
        client = HeadsetClient(url, scenario_id=SCENARIO, token=token)
        try:
            async with client:
                while time.monotonic() < stop and not client.events_of("session.ended"):
                    utt = lines.turns[i % len(lines.turns)]
                    i += 1
                    turn = Turn(utt.text, time.monotonic())
                    turns.append(turn)
                    await client.say(utt.samples, utt.sample_rate)
                    try:
                        reply = await client.wait_reply(timeout_s=REPLY_TIMEOUT_S)
                    except (TurnError, TimeoutError) as exc:
                        turn.error = str(exc)[:200]
                        continue
                    turn.latency_ms = round(reply.latency_ms, 1)
                    turn.server_total_ms = reply.stages_ms.get("total")
                    turn.voiced_end_at = reply.utterance.voiced_end_at
                    turn.replied_at = reply.first_frame_at
                    await asyncio.sleep(PAUSE_S)
        except SignallingError:
            if not client.events_of("session.ended"):
                raise  # only ending a session its scenario already ended may fail


def label(turns: list[Turn], windows: list[Window]) -> None:
    """Each turn's condition: the window holding its whole latency (officer's end → reply)."""
    for t in turns:
        t.condition = "mixed"
        if t.replied_at is None or t.voiced_end_at is None:
            continue
        for w in windows:
            if w.started_at <= t.voiced_end_at and t.replied_at <= w.ended_at:
                t.condition = w.condition


def spread(values: list[float]) -> dict[str, float] | None:
    """Count, p50, p95 and max (p95 by the inclusive method, as the other benchmarks)."""
    if not values:
        return None
    p95 = (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )
    return {
        "n": len(values),
        "p50": round(statistics.median(values), 1),
        "p95": round(p95, 1),
        "max": round(max(values), 1),
    }


async def run(args: argparse.Namespace) -> int:
    """The whole benchmark; returns the exit status (1 when loaded p95 is over 120 % of quiet)."""
    started_at = datetime.now(UTC)
    load_before = load_average()
    name = f"login-flood-{started_at:%Y%m%d-%H%M%S}"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="codeblu-flood-") as tmp:
        work = Path(tmp)
        env = isolated_env(work, profile=args.profile, max_sessions=2)
        settings = load_settings(environ={**env})
        lines = await synthesize_lines(settings)
        records = Path(env["CODEBLU_RECORDS__PATH"].strip('"'))
        tokens = await asyncio.to_thread(pair_devices, records, 1)
        windows: list[Window] = []
        turns: list[Turn] = []
        async with ApplianceProcess(env, args.out / f"{name}.appliance.log") as proc:
            print(f"appliance at {proc.url} (started in {proc.startup_s:.0f} s)")
            rss_start = rss_mib(proc.pid)
            stop = time.monotonic() + 2 * args.rounds * args.window_s
            talking = asyncio.create_task(talk(proc.url, tokens[0], lines, turns, stop))
            for r in range(args.rounds):
                for condition in ("quiet", "flooded"):
                    w = Window(condition, time.monotonic())
                    windows.append(w)
                    cpu_before = cpu_seconds(proc.pid)
                    if condition == "flooded":
                        await flood(proc.url, w, args, r)
                    await asyncio.sleep(max(0.0, w.started_at + args.window_s - time.monotonic()))
                    w.ended_at = time.monotonic()
                    w.rss_mib_after = rss_mib(proc.pid)
                    w.cpu_s = round(cpu_seconds(proc.pid) - cpu_before, 1)
                    print(f"round {r + 1} {condition}: {w.answers or 'no log-ins'}")
            await talking
    load_after = load_average()
    label(turns, windows)
    by = {
        c: spread([t.latency_ms for t in turns if t.condition == c and t.latency_ms])
        for c in ("quiet", "flooded")
    }
    server = {
        c: spread([t.server_total_ms for t in turns if t.condition == c and t.server_total_ms])
        for c in ("quiet", "flooded")
    }
    cpu = {
        c: round(statistics.mean([w.cpu_s or 0.0 for w in windows if w.condition == c]), 1)
        for c in ("quiet", "flooded")
    }
    quiet, flooded = by["quiet"], by["flooded"]
    ratio = round(flooded["p95"] / quiet["p95"], 3) if quiet and flooded else None
    answers: Counter[str] = Counter()
    for w in windows:
        answers.update(w.answers)
    login_ms = spread([ms for w in windows for ms in w.login_ms])
    print(f"\nreply latency at the headset, ms (load average {load_before} → {load_after})")
    for c, s in by.items():
        print(f"  {c:8s} {s}")
    print(f"  flooded p95 / quiet p95 = {ratio}")
    print(f"server total, ms: {server}")
    print(f"appliance CPU seconds per window (mean): {cpu}")
    print(f"flood answers: {dict(answers)}; login answer time ms {login_ms}")
    after = [w.rss_mib_after for w in windows]
    print(f"appliance RSS MiB: start {rss_start}, after each window {after}")
    result: dict[str, Any] = {
        "benchmark": "login_flood",
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(
            [Path(sys.executable).name, "-m", "benchmarks.login_flood", *sys.argv[1:]]
        ),
        "machine": {
            **machine_info(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "plan": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "latency_ms": by,
        "p95_ratio_flooded_to_quiet": ratio,
        "server_total_ms": server,
        "appliance_cpu_s_per_window": cpu,
        "flood_answers": dict(answers),
        "login_answer_ms": login_ms,
        "rss_mib": {"start": rss_start, "after_windows": after},
        "windows": [{**asdict(w), "login_ms": spread(w.login_ms)} for w in windows],
        "turns": [asdict(t) for t in turns],
    }
    path = args.out / f"{name}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"wrote {path}")
    return 0 if ratio is not None and ratio <= 1.2 else 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.login_flood",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--rounds", type=int, default=6, help="quiet + flooded window pairs")
    p.add_argument("--window-s", type=float, default=30.0, help="length of each window")
    p.add_argument("--attempts", type=int, default=300, help="log-ins per flooded window")
    p.add_argument("--addresses", type=int, default=30, help="source addresses per round")
    p.add_argument("--profile", default="cpu-embedded", help="hardware profile")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON")
    args = p.parse_args(argv)
    if not (1 <= args.rounds <= 50 and 1 <= args.addresses <= 254 - FIRST_ADDRESS):
        p.error("--rounds 1–50 and --addresses 1–244 (127.0.r.10 onwards)")
    if not (1 <= args.attempts <= 1000 and 5 <= args.window_s <= 120):
        p.error("keep the flood bounded: 1–1000 attempts in a 5–120 s window")
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
