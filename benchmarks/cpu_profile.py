"""Where the CPU time goes: py-spy attached to the appliance (and its LLM server) during a run."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import shutil
import signal
import sys
from pathlib import Path
from types import TracebackType

# First marker found in a stack (innermost frame first) names its cost. Order matters: the model
# calls sit under asyncio/threading frames, and aiortc's codecs under its own event-loop frames.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("LLM (llama.cpp server)", ("llama_cpp",)),
    ("ASR (faster-whisper / CTranslate2)", ("faster_whisper", "ctranslate2")),
    ("TTS (Piper)", ("piper",)),
    ("VAD (Silero, onnxruntime)", ("vad.py", "endpointing.py")),
    ("utterance analysis", ("dialogue/", "review/")),
    ("Opus encode/decode (aiortc codecs)", ("codecs/opus", "opus.py")),
    ("resampling", ("soxr", "resample", "audio/inbound", "frames.py")),
    (
        "RTP/SRTP/DTLS/ICE (aiortc)",
        ("rtcrtp", "rtcdtls", "rtcsctp", "rtcicetransport", "aioice", "pylibsrtp", "srtp"),
    ),
    ("outbound pacing / recorder", ("outbound_track", "mediastreams")),
    ("persona engine", ("persona/",)),
    ("event loop / other Python", ("",)),
)


def category(stack: str) -> str:
    """The cost a collapsed py-spy stack belongs to."""
    frames = stack.split(";")
    for frame in reversed(frames):
        for name, markers in CATEGORIES[:-1]:
            if any(m in frame for m in markers):
                return name
    return CATEGORIES[-1][0]


def summarize_raw(path: Path, top: int = 15) -> str:
    """A text report of a raw (collapsed) py-spy profile: costs by category, then hottest leaves."""
    by_cat: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        by_cat[category(stack)] += n
        leaves[stack.split(";")[-1]] += n
    if not total:
        return "no samples\n"
    out = [f"{total} on-CPU samples (py-spy, idle threads excluded)", "", "share  samples  cost"]
    out += [f"{100 * n / total:5.1f}% {n:8d}  {name}" for name, n in by_cat.most_common()]
    out += ["", f"hottest frames (self time, top {top})"]
    out += [f"{100 * n / total:5.1f}% {n:8d}  {leaf}" for leaf, n in leaves.most_common(top)]
    return "\n".join(out) + "\n"


class PySpy:
    """Async context manager: sample a process and its children into a raw profile until exit."""

    def __init__(self, pid: int, raw_path: Path, *, native: bool = False, rate: int = 100) -> None:
        exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        self.cmd = [
            exe,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            str(rate),
            "--nonblocking",
            "--output",
            str(raw_path),
        ]
        if native:  # C frames too; py-spy must then pause the process for every sample
            self.cmd.remove("--nonblocking")
            self.cmd.append("--native")
        self.raw_path = raw_path
        self._proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> PySpy:
        log = self.raw_path.with_suffix(".py-spy.log").open("wb")
        with log:
            self._proc = await asyncio.create_subprocess_exec(*self.cmd, stdout=log, stderr=log)
        await asyncio.sleep(1.0)  # attach before the measured sessions start
        if self._proc.returncode is not None:
            raise RuntimeError(f"py-spy exited at once (see {log.name}); is ptrace allowed here?")
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._proc is None or self._proc.returncode is not None:
            return
        self._proc.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        try:
            await asyncio.wait_for(self._proc.wait(), 60.0)
        except TimeoutError:
            self._proc.kill()
            with contextlib.suppress(ProcessLookupError):
                await self._proc.wait()
