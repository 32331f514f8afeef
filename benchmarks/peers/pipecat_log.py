"""The Pipecat peer's own stage times, read back from its log (it sends no per-turn events)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.summary import spread

# Lines of Pipecat 1.14's DEBUG log that mark a stage (loguru: "YYYY-MM-DD HH:MM:SS.mmm | …").
MARKS = {
    "Transcription: [": "transcript",
    "Generating LLM response": "llm_request",
    "Bot started speaking": "bot_audio",
}


def _marks(path: Path) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    for line in path.read_text(errors="replace").splitlines():
        for needle, name in MARKS.items():
            if needle in line and line[:4].isdigit():
                at = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").timestamp()
                out.append((at, name))
    return out


def stage_summary(path: Path) -> dict[str, Any]:
    """LLM requests and bot replies counted; LLM request → first bot audio (ms) and its spread."""
    marks = _marks(path)
    to_audio = []
    for i, (at, name) in enumerate(marks):
        if name != "llm_request":
            continue
        nxt = next(((t, n) for t, n in marks[i + 1 :] if n in ("llm_request", "bot_audio")), None)
        if nxt is not None and nxt[1] == "bot_audio":
            to_audio.append(round((nxt[0] - at) * 1000.0, 1))
    return {
        "transcripts": sum(n == "transcript" for _, n in marks),
        "llm_requests": sum(n == "llm_request" for _, n in marks),
        "bot_replies": sum(n == "bot_audio" for _, n in marks),
        "llm_request_to_audio_ms": spread(to_audio),
        "llm_request_to_audio_ms_each": to_audio,
    }
