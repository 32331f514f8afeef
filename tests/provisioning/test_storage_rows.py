"""doctor's storage rows: the running appliance's storage state, and a write probe of the disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from appliance.checks.host import unwritable
from appliance.checks.storage import running_storage_row


def test_the_running_appliance_storage_state_is_a_row() -> None:
    failed = {"storage": {"state": "failed", "detail": "last write failed: x (ENOSPC)"}}
    row = running_storage_row(failed)
    assert row.failed and "ENOSPC" in row.detail and "free space" in row.fix
    assert running_storage_row({"storage": {"state": "low", "detail": "1 GiB"}}).status == "warn"
    assert running_storage_row({"storage": {"state": "ok", "detail": "9 GiB"}}).status == "ok"
    assert running_storage_row(None).status == "skip"


def test_a_full_disk_is_not_writable(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        assert unwritable(disk) is None
        (disk / "filler").write_bytes(b"\0" * (1024 * 1024 - 4096))
        problem = unwritable(disk)
        assert problem is not None and "No space left" in problem
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
