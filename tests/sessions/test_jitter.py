"""The appliance's inbound audio is decoded after one packet, not aiortc's four."""

from __future__ import annotations

from aiortc import RTCPeerConnection
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtp import RtpPacket

from appliance.sessions.jitter import hold_less


def released(buffer: JitterBuffer, packets: int) -> list[int]:
    """Sequence numbers of the frames the buffer gives out as ``packets`` packets arrive."""
    out = []
    for n in range(packets):
        packet = RtpPacket(sequence_number=n, timestamp=960 * n, payload=b"x")
        packet._data = b"x"  # type: ignore[attr-defined]  # what the receiver depacketized
        _, frame = buffer.add(packet)
        if frame is not None:
            out.append(frame.timestamp // 960)
    return out


async def test_a_receiver_holds_one_packet_instead_of_four() -> None:
    pc = RTCPeerConnection()
    try:
        receiver = pc.addTransceiver("audio", direction="recvonly").receiver
        before: JitterBuffer = receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
        assert released(before, 5) == [0]  # aiortc's own: the first frame after five packets
        assert hold_less(receiver)
        after: JitterBuffer = receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
        assert after is not before and released(after, 5) == [0, 1, 2, 3]
    finally:
        await pc.close()


def test_an_unknown_receiver_is_left_alone() -> None:
    assert not hold_less(object())  # type: ignore[arg-type]
