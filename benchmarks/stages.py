"""Stage micro-benchmarks: VAD per chunk, the turn-end model per call, ASR vs length, LLM first
token and inter-token latency under concurrent streams, TTS first audio and real-time factor.

    .venv/bin/python -m benchmarks.stages [--only vad turn_end asr llm tts] [--asr-model DIR ...]
        [--llm-url URL --llm-model NAME] [--llm-streams 1 2 4 8] [--repeats 3] [--out DIR]

Every stage runs through the appliance's own classes (SileroVAD, WhisperASR, LLMServer +
LLMClient, PiperTTS) with the configured settings; the LLM is the supervised llama.cpp server
unless --llm-url points at another OpenAI-compatible server (e.g. `vllm serve` on a GPU box).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from appliance.audio.frames import SAMPLE_RATE, FloatPCM
from appliance.audio.turn_end import TurnEndModel
from appliance.audio.vad import CHUNK, SileroVAD
from appliance.inference.asr import WhisperASR
from appliance.inference.llm_client import LLMClient
from appliance.inference.llm_server import LLMServer
from appliance.inference.models import resolve_models
from appliance.inference.tts import PiperTTS
from appliance.persona.scenario import load_scenario
from appliance.persona.subject import PersonaEngine
from appliance.settings import Settings, load_settings
from benchmarks.appliance_process import isolated_env
from benchmarks.machine import load_average, machine_info
from benchmarks.summary import spread
from benchmarks.utterances import OFFICER_LINES, UtteranceSet, synthesize_lines

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
ASR_LENGTHS_S = (1, 2, 4, 6, 8, 10)
REPLY_SENTENCES = (
    "Stay back!",
    "I don't want to talk to you, just leave me alone.",
    "They keep telling me nobody cares, and honestly, tonight I believe them.",
)


def speech_of_length(lines: UtteranceSet, seconds: float) -> FloatPCM:
    """Officer speech cut to ``seconds`` (utterances joined end to end)."""
    pcm = np.concatenate([u.samples for u in lines.turns])
    while len(pcm) < seconds * SAMPLE_RATE:
        pcm = np.concatenate([pcm, pcm])
    return pcm[: int(seconds * SAMPLE_RATE)]


def bench_vad(settings: Settings, lines: UtteranceSet) -> dict[str, Any]:
    """Microseconds per 512-sample (32 ms) chunk over all the officer lines."""
    vad = SileroVAD(resolve_models(settings).vad_onnx)
    stream = vad.stream()
    pcm = np.concatenate([u.samples for u in lines.turns])
    costs = []
    for i in range(len(pcm) // CHUNK):
        t = time.perf_counter()
        stream.probability(pcm[i * CHUNK : (i + 1) * CHUNK])
        costs.append((time.perf_counter() - t) * 1e6)
    s = spread(costs[10:]) or {}  # the first chunks warm onnxruntime up
    return {
        "chunks": len(costs),
        "us_per_chunk": s,
        "share_of_realtime": round(s.get("p50", 0.0) / 32_000.0, 4),
    }


def bench_turn_end(settings: Settings, lines: UtteranceSet, repeats: int) -> dict[str, Any]:
    """Milliseconds per turn-end check (features, then the model) on each officer line."""
    path = resolve_models(settings).turn_end_onnx
    if path is None:
        return {"off": True}
    model = TurnEndModel(path, threads=settings.models.turn_end_threads)
    silence = np.zeros(SAMPLE_RATE // 5, dtype=np.float32)
    model.probability(lines.turns[0].samples)  # warm-up
    features, inference = [], []
    for _ in range(repeats):
        for u in lines.turns:
            t = time.perf_counter()
            x = model.features(np.concatenate([u.samples, silence]))
            t2 = time.perf_counter()
            model.run(x)
            features.append((t2 - t) * 1000.0)
            inference.append((time.perf_counter() - t2) * 1000.0)
    return {"model": path.name, "features_ms": spread(features), "model_ms": spread(inference)}


async def bench_asr(
    model_dir: Path,
    settings: Settings,
    lines: UtteranceSet,
    repeats: int,
    device: str,
    compute_type: str,
) -> dict[str, Any]:
    """Milliseconds to transcribe 1–10 s of speech with one CTranslate2 Whisper folder."""
    asr = WhisperASR.configured(
        settings.models, model_dir, device=device, compute_type=compute_type
    )
    await asr.start()
    try:
        await asr.transcribe(speech_of_length(lines, 1))  # warm-up
        rows = {}
        for seconds in ASR_LENGTHS_S:
            audio = speech_of_length(lines, seconds)
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                await asr.transcribe(audio)
                times.append((time.perf_counter() - t) * 1000.0)
            ms = float(np.median(times))
            rows[str(seconds)] = {
                "ms_median": round(ms, 1),
                "ms_all": [round(x, 1) for x in times],
                "rtf": round(ms / 1000.0 / seconds, 3),
            }
        return {
            "model": str(model_dir),
            "device": device,
            "compute_type": compute_type,
            "by_seconds": rows,
        }
    finally:
        await asyncio.to_thread(asr.close)


async def _one_stream(
    llm: LLMClient, messages: list[dict[str, str]], max_tokens: int
) -> dict[str, Any]:
    start = time.perf_counter()
    stamps: list[float] = []
    async for _ in llm.stream_chat(messages, max_tokens=max_tokens):
        stamps.append(time.perf_counter())
    if not stamps:
        return {"ttft_ms": None, "itl_ms": [], "deltas": 0}
    itl = np.diff(stamps) * 1000.0
    return {
        "ttft_ms": round((stamps[0] - start) * 1000.0, 1),
        "itl_ms": [round(float(x), 1) for x in itl],
        "deltas": len(stamps),
        "total_ms": round((stamps[-1] - start) * 1000.0, 1),
    }


def persona_messages(i: int) -> list[dict[str, str]]:
    """A real persona prompt (scenario card, state, one officer turn) that differs per stream."""
    persona = PersonaEngine(load_scenario("overpass_voices"))
    line = OFFICER_LINES[i % len(OFFICER_LINES)]
    return persona.messages_for_reply(
        [{"speaker": "officer", "start": 0.0, "end": 2.0, "text": line}]
    )


async def bench_llm(
    llm: LLMClient, streams: Sequence[int], repeats: int, max_tokens: int
) -> dict[str, Any]:
    """Time to first token and inter-token latency with k concurrent streams, per k."""
    await llm.complete(
        persona_messages(0), max_tokens=4
    )  # warm-up (loads and caches the prompt head)
    out = {}
    for k in streams:
        runs = []
        for r in range(repeats):
            runs += await asyncio.gather(
                *(_one_stream(llm, persona_messages(r * k + i), max_tokens) for i in range(k))
            )
        out[str(k)] = {
            "ttft_ms": spread(x["ttft_ms"] for x in runs),
            "itl_ms": spread(v for x in runs for v in x["itl_ms"]),
            "streams": len(runs),
        }
    return out


async def bench_tts(settings: Settings, repeats: int) -> dict[str, Any]:
    """Synthesis time of one reply sentence (the first audio) and the real-time factor."""
    paths = resolve_models(settings)
    tts = PiperTTS(paths.tts_onnx, paths.tts_config, use_cuda=settings.models.tts_cuda)
    await tts.start()
    try:
        await tts.synthesize("Warm up.")
        rows = {}
        for text in REPLY_SENTENCES:
            times, audio_s = [], 0.0
            for _ in range(repeats):
                t = time.perf_counter()
                speech = await tts.synthesize(text)
                times.append((time.perf_counter() - t) * 1000.0)
                audio_s = speech.duration_s
            ms = float(np.median(times))
            rows[text] = {
                "first_audio_ms": round(ms, 1),
                "audio_s": round(audio_s, 2),
                "rtf": round(ms / 1000.0 / audio_s, 3) if audio_s else None,
            }
        return rows
    finally:
        await asyncio.to_thread(tts.close)


def format_table(result: dict[str, Any]) -> str:
    """The printed summary."""
    out = []
    if "vad" in result:
        v = result["vad"]["us_per_chunk"]
        out.append(
            f"VAD  per 32 ms chunk: p50 {v['p50']:.0f} µs, p95 {v['p95']:.0f} µs, "
            f"max {v['max']:.0f} µs "
            f"({100 * result['vad']['share_of_realtime']:.2f} % of real time)"
        )
    if (t := result.get("turn_end")) and not t.get("off"):
        f, m = t["features_ms"], t["model_ms"]
        out.append(
            f"turn end ({t['model']}): features p50 {f['p50']} p95 {f['p95']} ms, "
            f"model p50 {m['p50']} p95 {m['p95']} ms"
        )
    for a in result.get("asr", []):
        cells = "  ".join(f"{s}s {r['ms_median']:.0f} ms" for s, r in a["by_seconds"].items())
        out.append(f"ASR  {Path(a['model']).name} ({a['compute_type']}): {cells}")
    for name, llm in result.get("llm", {}).items():
        for k, r in llm["by_streams"].items():
            t, i = r["ttft_ms"] or {}, r["itl_ms"] or {}
            out.append(
                f"LLM  {name} {k} stream(s): first token p50 {t.get('p50', '-')} "
                f"p95 {t.get('p95', '-')} ms; "
                f"inter-token p50 {i.get('p50', '-')} p95 {i.get('p95', '-')} ms"
            )
    for text, r in result.get("tts", {}).items():
        out.append(
            f"TTS  {r['audio_s']:.1f} s of speech: first audio {r['first_audio_ms']:.0f} ms, "
            f"RTF {r['rtf']}"
            f"  ({text[:40]})"
        )
    return "\n".join(out)


async def run(args: argparse.Namespace) -> int:
    """Every selected stage, one after another."""
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="codeblu-stages-") as tmp:
        env = isolated_env(
            Path(tmp), profile=args.profile or load_settings().appliance.profile, max_sessions=1
        )
        settings = load_settings(environ={**os.environ, **env})
        lines = await synthesize_lines(settings)
        result: dict[str, Any] = {
            "benchmark": "stages",
            "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": " ".join(["python", "-m", "benchmarks.stages", *sys.argv[1:]]),
            "profile": settings.appliance.profile,
            "load_average_before": load_average(),
        }
        if "vad" in args.only:
            result["vad"] = await asyncio.to_thread(bench_vad, settings, lines)
        if "turn_end" in args.only:
            result["turn_end"] = await asyncio.to_thread(
                bench_turn_end, settings, lines, args.repeats
            )
        if "asr" in args.only:
            m = settings.models
            folders = [(resolve_models(settings).asr_dir, m.asr_device, m.asr_compute_type)]
            folders += [(Path(d), args.asr_device, args.asr_compute_type) for d in args.asr_model]
            result["asr"] = [
                await bench_asr(d, settings, lines, args.repeats, dev, ct) for d, dev, ct in folders
            ]
        if "llm" in args.only:
            result["llm"] = {}
            if not args.llm_url or args.also_local_llm:
                paths = resolve_models(settings)
                async with LLMServer(settings.llm, paths.llm_gguf, Path(tmp) / "llm.log") as server:
                    llm = LLMClient(
                        server.base_url,
                        settings.llm.served_name,
                        temperature=settings.llm.temperature,
                        seed=settings.llm.seed,
                    )
                    try:
                        by = await bench_llm(llm, args.llm_streams, args.repeats, args.llm_tokens)
                    finally:
                        await llm.aclose()
                result["llm"][settings.llm.mode] = {"url": server.base_url, "by_streams": by}
            if args.llm_url:
                llm = LLMClient(args.llm_url, args.llm_model, temperature=settings.llm.temperature)
                try:
                    by = await bench_llm(llm, args.llm_streams, args.repeats, args.llm_tokens)
                finally:
                    await llm.aclose()
                result["llm"]["url"] = {"url": args.llm_url, "by_streams": by}
        if "tts" in args.only:
            result["tts"] = await bench_tts(settings, args.repeats)
    result["load_average_after"] = load_average()
    result["machine"] = machine_info()
    table = format_table(result)
    result["table"] = table
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"stages-{result['profile']}-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=1))
    print(
        f"stage micro-benchmarks, profile {result['profile']}, load average "
        f"{result['load_average_before']} → {result['load_average_after']}"
    )
    print(table)
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.stages",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--only",
        nargs="+",
        default=["vad", "turn_end", "asr", "llm", "tts"],
        choices=["vad", "turn_end", "asr", "llm", "tts"],
    )
    p.add_argument("--profile", help="hardware profile (default: the configured one)")
    p.add_argument(
        "--asr-model",
        action="append",
        default=[],
        type=Path,
        help="another local CTranslate2 Whisper folder to measure (repeatable)",
    )
    p.add_argument("--asr-device", default="cpu", help="device for --asr-model folders")
    p.add_argument(
        "--asr-compute-type", default="int8", help="compute type for --asr-model folders"
    )
    p.add_argument(
        "--llm-url",
        help="an OpenAI-compatible server to measure, e.g. `vllm serve`'s http://127.0.0.1:8000/v1",
    )
    p.add_argument("--llm-model", default="persona", help="model name at --llm-url")
    p.add_argument(
        "--also-local-llm", action="store_true", help="with --llm-url, measure llama.cpp too"
    )
    p.add_argument("--llm-streams", type=int, nargs="+", default=[1, 2, 4, 8])
    p.add_argument("--llm-tokens", type=int, default=40, help="tokens per stream")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return asyncio.run(run(p.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
