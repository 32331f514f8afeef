"""The supervised llama.cpp child: ``llama_cpp.server`` with a prompt cache that keeps its size.

llama-cpp-python's ``LlamaRAMCache`` counts only each saved state's KV bytes against
``--cache_size``; every state also holds a copy of the logits (``scores``: up to n_batch rows of
n_vocab floats, ~100 MB for a 49k vocabulary) that is not counted, so the child grew by gigabytes.
Here a state keeps only the last logits row (all sampling reads; the others serve only logprobs,
which the appliance never asks for) and the cache counts every byte it keeps.
Run as ``python -m appliance.inference.llama_child`` with ``llama_cpp.server``'s arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import llama_cpp
from llama_cpp.llama_cache import LlamaRAMCache
from llama_cpp.server.__main__ import main as server_main


def state_bytes(state: Any) -> int:
    """Bytes a saved prompt state holds: KV state, logits and token ids."""
    return int(state.llama_state_size) + int(state.scores.nbytes) + int(state.input_ids.nbytes)


class BoundedRAMCache(LlamaRAMCache):
    """A RAM prompt cache whose size counts all a state holds, and whose states keep one row."""

    @property
    def cache_size(self) -> int:
        """Bytes held by every saved state."""
        return sum(state_bytes(s) for s in self.cache_state.values())

    def __setitem__(self, key: Sequence[int], value: Any) -> None:
        """Keep a state (its logits trimmed to the last row), then evict the oldest to fit."""
        if len(value.scores) > 1:
            value.scores = value.scores[-1:].copy()  # load_state broadcasts it back
        if state_bytes(value) > self.capacity_bytes:
            return  # larger than the whole cache: keeping it would evict everything for nothing
        super().__setitem__(key, value)


def main() -> None:
    """Serve with the bounded cache in place of llama-cpp-python's ``LlamaRAMCache``."""
    # llama_cpp.server looks the class up on the package when it builds the model's cache
    setattr(llama_cpp, "LlamaRAMCache", BoundedRAMCache)  # noqa: B010
    server_main()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()
