"""Resident memory, threads and open files of a process and its LLM child, read from /proc."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LLM_MARKERS = ("llama_child", "llama_cpp.server", "vllm")


@dataclass(frozen=True)
class ProcessSample:
    """One process at one moment."""

    pid: int
    rss_mib: float
    threads: int
    fds: int


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    """A process's command line ('' once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def llm_child(pid: int) -> int | None:
    """The LLM server the appliance ``pid`` supervises, when one runs."""
    for child in children(pid):
        if any(m in cmdline(child) for m in LLM_MARKERS):
            return child
    return None


def sample(pid: int) -> ProcessSample | None:
    """RSS, threads and file descriptors of ``pid`` (None once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status if ":" in line)
    rss_kib = int(fields.get("VmRSS", "0 kB").split()[0])
    return ProcessSample(pid, round(rss_kib / 1024, 1), int(fields["Threads"]), fds)
