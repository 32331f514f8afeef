"""``python -m appliance restore FILE``: put a backup back as the records (appliance stopped)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from appliance.errors import ApplianceError, RecordsError
from appliance.records.backup import copy_database, integrity_problem, records_path
from appliance.records.db import connect
from appliance.records.lock import hold_records, running_holder
from appliance.settings import load_settings


def restore(backup: Path, target: Path) -> Path | None:
    """Replace ``target`` with ``backup`` if it passes integrity_check; where the old copy went.

    Refuses while an appliance serves ``target`` (it would go on writing to the replaced file).
    """
    problem = integrity_problem(backup)
    if problem is not None:
        raise RecordsError(f"refusing to restore: {problem}")
    holder = running_holder(target)
    if holder is not None:
        raise RecordsError(
            f"refusing to restore: the appliance is running on {target} ({holder});"
            " stop it first (systemctl stop codeblu), then restore"
        )
    with hold_records(target):  # keeps an appliance from starting mid-restore
        return _replace(backup, target)


def _replace(backup: Path, target: Path) -> Path | None:
    saved = None
    if target.exists():
        saved = target.with_name(f"{target.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
        copy_database(target, saved)
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):  # the copy is whole; stale WAL pages must not be replayed on it
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    copy_database(backup, target)
    connect(target).close()  # back to WAL and migrated to this appliance's schema
    return saved


def main(argv: list[str]) -> int:
    """Restore the records database from a backup file."""
    parser = argparse.ArgumentParser(prog="python -m appliance restore", description=__doc__)
    parser.add_argument("file", help="backup file written by `python -m appliance backup`")
    parser.add_argument("--db", help="records database to replace (default: records.path)")
    args = parser.parse_args(argv)
    try:
        target = records_path(load_settings(), args.db)
        saved = restore(Path(args.file), target)
    except ApplianceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    kept = f"; the previous records are kept at {saved}" if saved else ""
    print(f"restored {args.file} to {target}{kept}")
    return 0
