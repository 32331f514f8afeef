"""The running appliance's hold on its records: a lock file ``restore`` checks before it writes."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from appliance.errors import RecordsError


def lock_path(records: Path) -> Path:
    """The lock file beside a records database."""
    return records.with_name(records.name + ".lock")


@contextlib.contextmanager
def hold_records(records: Path) -> Iterator[None]:
    """Hold the records' lock while serving (released by the kernel even on kill -9)."""
    path = lock_path(records)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RecordsError(
                f"{records} is in use by another running appliance ({_holder(path)});"
                " stop it first (systemctl stop codeblu)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except OSError:
        pid = ""
    return f"pid {pid}" if pid else "pid unknown"


def running_holder(records: Path) -> str | None:
    """Who holds the records' lock (``pid N``), or None when no appliance runs on them."""
    path = lock_path(records)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
