"""A shorter inbound jitter buffer for the officer's audio: the appliance serves its own LAN.

aiortc holds four audio packets (80 ms) before it decodes the first; on a LAN, where packets
arrive in order and on time, one is enough (a packet is released when the next one arrives, so
the buffer still puts a late one in its place). Every officer turn then ends 60 ms sooner.
"""

from __future__ import annotations

import logging

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer

log = logging.getLogger(__name__)
PREFETCH = 1  # packets held before decoding (aiortc's default for audio: 4)
_ATTRIBUTE = "_RTCRtpReceiver__jitter_buffer"  # aiortc 1.x keeps it private


def hold_less(receiver: RTCRtpReceiver, prefetch: int = PREFETCH) -> bool:
    """Decode ``receiver``'s audio after ``prefetch`` packets; False if aiortc moved its buffer."""
    current = getattr(receiver, _ATTRIBUTE, None)
    if not isinstance(current, JitterBuffer):
        log.warning("aiortc's audio jitter buffer not found: keeping its default")
        return False
    setattr(receiver, _ATTRIBUTE, JitterBuffer(capacity=current.capacity, prefetch=prefetch))
    return True
