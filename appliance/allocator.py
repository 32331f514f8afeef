"""Big buffers straight from the system and back: glibc's allocator set for model calls.

glibc maps an allocation of 128 KiB or more on its own and unmaps it when freed, but raises that
threshold to the largest such block freed so far (up to 32 MiB). Model calls free big buffers (a
Whisper encode of the full 30 s window, a long Piper line), so after the first one their buffers
came from the model thread's heap, which keeps its high-water mark: the appliance's memory rose
by steps mid-session (+78 MiB around one such encode and one line in a soak). With a fixed
threshold every block of ``LARGE_BYTES`` or more is mapped for its use and given back after it.
"""

from __future__ import annotations

import ctypes
import logging

log = logging.getLogger(__name__)
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
LARGE_BYTES = 1 << 20


def map_large_buffers(threshold: int = LARGE_BYTES) -> bool:
    """Have the C allocator map (and on free unmap) every block of ``threshold`` bytes or more.

    Call it before the models load. False where the C library has no such setting (not glibc).
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_MMAP_THRESHOLD, threshold))
    if not done:
        log.info("the C allocator kept its own threshold for mapped blocks")
    return done
