"""The outbound pacer counts a frame as late when the loop released it past its due time."""

from __future__ import annotations

import asyncio
import time

from appliance.audio.pacing import FRAME, FramePacer


def test_frames_on_time_are_not_late_and_advance_by_one_frame() -> None:
    async def run() -> list[int]:
        pacer = FramePacer()
        return [await pacer.next() for _ in range(5)]

    assert asyncio.run(run()) == [0, FRAME, 2 * FRAME, 3 * FRAME, 4 * FRAME]


def test_a_loop_busy_past_the_due_time_makes_the_frame_late() -> None:
    """Before, only frames asked for 20 ms past due counted; this one is asked on time."""

    async def run() -> int:
        pacer = FramePacer()
        await pacer.next()
        sleeper = asyncio.ensure_future(pacer.next())  # due in 20 ms
        await asyncio.sleep(0)  # the pacer is now asleep until its frame is due
        time.sleep(0.055)  # noqa: ASYNC251 -- the point: something holds the loop past due
        await sleeper
        return pacer.late_frames

    assert asyncio.run(run()) >= 1
