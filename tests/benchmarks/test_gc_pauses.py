"""The soak times its own garbage collections, to tell a stall of the measuring side from a gap
the appliance sent."""

from __future__ import annotations

import gc
import time

from benchmarks.gc_pauses import GcPauses


def test_a_collection_is_timed_and_matched_with_a_window() -> None:
    heap = [{"frame": i} for i in range(200_000)]  # what the clients keep: reply frames
    with GcPauses(min_ms=0.0) as pauses:
        before = time.monotonic()
        gc.collect()
        after = time.monotonic()
    gc.collect()  # uninstalled: not recorded
    assert len(pauses.pauses) == 1 and heap
    at, ms, generation = pauses.pauses[0]
    assert generation == 2 and before <= at <= after and ms > 0.0
    assert pauses.longest_within(before, after) == ms
    assert pauses.longest_within(after + 1.0, after + 2.0) == 0.0


def test_short_collections_are_not_kept() -> None:
    with GcPauses(min_ms=10_000.0) as pauses:
        gc.collect()
    assert pauses.pauses == []
