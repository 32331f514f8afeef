"""Big buffers go back to the system once freed, however big the ones freed before them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# A fresh process: the 8 MiB block freed first is what made glibc keep later ones in its heap.
PROBE = """
import ctypes, sys
import numpy as np
from appliance.allocator import map_large_buffers

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
if sys.argv[1] == "mapped":
    assert map_large_buffers()
big = 8 << 20
block = np.ones(big, np.uint8)
del block  # freed: glibc's own threshold now rises to 8 MiB
heap = libc.mallinfo2().arena
blocks = [np.ones(big, np.uint8) for _ in range(4)]
kept = np.ones(64 << 10, np.uint8)  # a small block that outlives them, as in a live session
del blocks
print((libc.mallinfo2().arena - heap) >> 20)
"""


def _heap_growth_mib(mode: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # this checkout's ``appliance``
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=env
    )
    if done.returncode and "mallinfo2" in done.stderr:
        pytest.skip("needs glibc 2.33 or later (mallinfo2)")
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_freed_model_buffers_leave_the_heap_as_it_was() -> None:
    assert _heap_growth_mib("default") >= 16  # glibc alone: the blocks stayed in its heap
    assert _heap_growth_mib("mapped") == 0
