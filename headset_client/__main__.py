"""``python -m headset_client``: speak WAV files to an appliance, record replies, time each turn.

Events go to stdout as JSON lines; progress and the per-turn latency table go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

from appliance.audio.frames import read_wav
from appliance.discovery import browse
from appliance.errors import ApplianceError
from headset_client.client import ChannelEvent, HeadsetClient, ReplyResult
from headset_client.latency import SILENCE_DBFS
from headset_client.mic_track import MIC_RATE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m headset_client", description=__doc__)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="appliance origin, e.g. http://127.0.0.1:8080")
    where.add_argument("--room", help="find the appliance of this room by zeroconf")
    parser.add_argument(
        "--interface",
        action="append",
        metavar="IPV4",
        help="browse only on this local address (repeatable; default all)",
    )
    parser.add_argument("--browse-s", type=float, default=5.0, help="how long to browse")
    parser.add_argument(
        "--wav",
        action="append",
        required=True,
        type=Path,
        help="one officer utterance (repeatable, spoken in order)",
    )
    parser.add_argument(
        "--pause-s",
        type=float,
        default=2.0,
        help="silence after each reply before the next utterance",
    )
    parser.add_argument("--record", type=Path, help="write the subject's audio to this WAV")
    parser.add_argument("--scenario", default="overpass_voices", help="scenario id")
    parser.add_argument("--officer-name", default="Officer Reference")
    parser.add_argument("--officer-id", default="reference-client")
    parser.add_argument(
        "--token",
        default=os.environ.get("CODEBLU_DEVICE_TOKEN"),
        help="paired device token (POST /api/pairing/redeem); default $CODEBLU_DEVICE_TOKEN",
    )
    parser.add_argument(
        "--tls-fingerprint",
        help="SHA-256 of the appliance's certificate (doctor prints it) to trust with --url"
        " https://...; with --room the advertised one is used",
    )
    parser.add_argument("--reply-timeout-s", type=float, default=90.0)
    parser.add_argument(
        "--threshold-dbfs",
        type=float,
        default=SILENCE_DBFS,
        help="a received 20 ms frame louder than this is the reply",
    )
    return parser


async def _locate(args: argparse.Namespace) -> tuple[str, str, str | None]:
    """The appliance's origin, API base path and certificate fingerprint (--url or zeroconf)."""
    if args.url:
        return str(args.url), "/api", args.tls_fingerprint
    found = await browse(args.browse_s, room=args.room, interfaces=args.interface)
    if not found:
        raise ApplianceError(
            f"no appliance for room {args.room!r} answered on the LAN within {args.browse_s:g} s",
            code="appliance_not_found",
        )
    appliance = found[0]
    print(
        f"found {appliance.name!r} at {appliance.url} (free slots {appliance.capacity})",
        file=sys.stderr,
    )
    return (
        appliance.url,
        appliance.properties.get("api", "/api"),
        appliance.properties.get("tls") or args.tls_fingerprint,
    )


def _table(rows: list[tuple[Path, ReplyResult]]) -> str:
    stage_names = sorted({k for _, r in rows for k in r.stages_ms})
    head = ["turn", "wav", "latency_ms", *stage_names, "heard", "reply"]
    lines = ["\t".join(head)]
    for i, (wav, r) in enumerate(rows, 1):
        stages = [f"{r.stages_ms[k]:.0f}" if k in r.stages_ms else "-" for k in stage_names]
        lines.append(
            "\t".join(
                [
                    str(i),
                    wav.name,
                    f"{r.latency_ms:.0f}",
                    *stages,
                    repr(r.heard[:60]),
                    repr(r.text[:60]),
                ]
            )
        )
    latencies = [r.latency_ms for _, r in rows]
    if latencies:
        p95 = (
            statistics.quantiles(latencies, n=20, method="inclusive")[-1]
            if len(latencies) > 1
            else latencies[0]
        )
        lines.append(
            f"latency p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms "
            f"over {len(latencies)} turns"
        )
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    """Speak every WAV, wait for each reply, print events and the latency table."""
    utterances = [(path, read_wav(path, sample_rate=MIC_RATE)) for path in args.wav]
    base_url, api, fingerprint = await _locate(args)
    t0 = time.monotonic()

    def show(event: ChannelEvent) -> None:
        print(json.dumps({**event.data, "rx_s": round(event.received_at - t0, 3)}), flush=True)

    rows: list[tuple[Path, ReplyResult]] = []
    officer = {"id": args.officer_id, "name": args.officer_name}
    async with HeadsetClient(
        base_url,
        officer=officer,
        scenario_id=args.scenario,
        api_path=api,
        threshold_dbfs=args.threshold_dbfs,
        on_event=show,
        token=args.token,
        tls_fingerprint=fingerprint,
    ) as client:
        assert client.session is not None
        print(
            f"session {client.session.session_id}: "
            f"{client.session.scenario.get('title', args.scenario)}",
            file=sys.stderr,
        )
        try:
            for path, audio in utterances:
                print(f"speaking {path.name} ({audio.duration_s:.1f} s)", file=sys.stderr)
                await client.say(audio.samples, audio.sample_rate)
                rows.append((path, await client.wait_reply(args.reply_timeout_s)))
                await asyncio.sleep(args.pause_s)  # the officer's pause between turns
        finally:
            if args.record:
                client.save_recording(args.record)
                print(f"recorded the subject to {args.record}", file=sys.stderr)
    print(_table(rows), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the reference client."""
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(run(args))
    except ApplianceError as exc:
        print(f"error ({exc.code}): {exc.message}", file=sys.stderr)
        return 2
    except TimeoutError as exc:
        print(f"error (timeout): {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
