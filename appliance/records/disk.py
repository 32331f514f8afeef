"""The storage state of a running appliance: free space and the last failed write, for /healthz."""

from __future__ import annotations

import errno
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

MIN_FREE_BYTES = 256 * 2**20  # below this, records writes may fail
LOW_FREE_BYTES = 2 * 2**30
StorageState = Literal["ok", "low", "failed"]


def existing_ancestor(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def describe_os_error(exc: OSError, path: Path) -> str:
    """One line naming the path, the cause and its errno (``ENOSPC``: the disk is full)."""
    name = errno.errorcode.get(exc.errno or 0, "")
    return f"{path}: {exc.strerror or exc}" + (f" ({name})" if name else "")


@dataclass(frozen=True)
class StorageReport:
    """What ``/healthz`` shows of the disks the appliance writes to."""

    state: StorageState
    detail: str
    free_bytes: int


class StorageHealth:
    """Free space where records and session files go, and the last write that failed."""

    def __init__(
        self, *folders: Path, min_free: int = MIN_FREE_BYTES, low_free: int = LOW_FREE_BYTES
    ) -> None:
        self.folders = folders
        self.min_free, self.low_free = min_free, low_free
        self.failure: str | None = None
        self.failed_at: float | None = None

    def failed(self, detail: str) -> None:
        """A write failed: the state stays ``failed`` until a later write succeeds."""
        self.failure, self.failed_at = detail, time.time()

    def written(self) -> None:
        """A write succeeded after a failure: the disk takes writes again."""
        self.failure = self.failed_at = None

    def report(self) -> StorageReport:
        """The state now: ``failed`` (a write failed, or under 256 MiB free), ``low`` or ``ok``."""
        spaces = []
        for folder in self.folders:
            where = existing_ancestor(folder)
            try:
                spaces.append((shutil.disk_usage(where).free, where))
            except OSError as exc:
                return StorageReport("failed", describe_os_error(exc, where), 0)
        free, where = min(spaces, default=(0, Path(".")))
        space = f"{free / 2**20:.0f} MiB free on {where}"
        if self.failure is not None:
            return StorageReport("failed", f"last write failed: {self.failure}; {space}", free)
        if free < self.min_free:
            return StorageReport("failed", f"{space}; new sessions cannot be kept", free)
        if free < self.low_free:
            return StorageReport("low", f"{space}; free space soon", free)
        return StorageReport("ok", space, free)
