"""What start-up made is left out of later garbage collections (they would stall the audio)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from appliance.collector import freeze_startup_objects


@pytest.fixture
def frozen_then_thawed() -> Iterator[None]:
    yield
    gc.unfreeze()  # the rest of the test run collects as before


def test_objects_alive_at_freeze_leave_every_later_pass(frozen_then_thawed: None) -> None:
    cards = [{"line": str(i)} for i in range(5000)]  # stands in for the dialogue banks
    frozen = freeze_startup_objects()
    assert frozen >= 5000
    # Frozen objects that die later leave the count (other tests' threads free some meanwhile).
    assert frozen - 1000 < gc.get_freeze_count() <= frozen
    tracked = {id(o) for o in gc.get_objects()}  # what later passes walk
    assert id(cards) not in tracked and id(cards[0]) not in tracked
    later = [{"turn": 1}]
    assert id(later) in {id(o) for o in gc.get_objects()}
