"""The Piper voice gives back the memory a line needed once the line is spoken."""

from __future__ import annotations

import ctypes

import pytest

from appliance.inference.models import resolve_models
from appliance.inference.tts import PiperTTS
from appliance.settings import Settings

pytestmark = pytest.mark.slow

LONG = (
    "I don't know why you people keep coming here every single night, I have told you again"
    " and again that I am fine and I just want to be left alone in peace."
)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _malloc_in_use_mib() -> float:
    """Bytes the process's allocations hold now (heap chunks and mapped ones), per glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        info_of = libc.mallinfo2
    except (OSError, AttributeError):
        pytest.skip("needs glibc 2.33 or later (mallinfo2)")
    info_of.restype = _MallInfo2
    info = info_of()
    return (info.uordblks + info.hblkhd) / 2**20


async def test_a_long_line_leaves_no_memory_held(settings: Settings) -> None:
    paths = resolve_models(settings)
    tts = PiperTTS(paths.tts_onnx, paths.tts_config)  # its own session: nothing grown before
    await tts.start()
    try:
        tts.synthesize_sync("Okay.")
        before = _malloc_in_use_mib()
        speech = tts.synthesize_sync(LONG)
        held = _malloc_in_use_mib() - before - speech.pcm.nbytes / 2**20
    finally:
        tts.close()
    assert speech.duration_s > 5.0
    assert held < 16.0  # onnxruntime's arena kept ~190 MiB after this line, until the end
