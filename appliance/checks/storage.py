"""Checks of the records: database integrity, an admin account, and the last backup."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path

from appliance.checks.rows import Row, fail, ok, skip, warn
from appliance.records.backup import integrity_problem
from appliance.records.users import has_admin
from appliance.settings import Settings

BACKUP_PATTERNS = ("*.sqlite3", "*.sqlite", "*.db")
STALE_BACKUP_DAYS = 7


def backups_dir(settings: Settings) -> Path:
    """Where backups are kept by convention (README: ``backup --out <data_dir>/backups/…``)."""
    return settings.resolve(settings.appliance.data_dir) / "backups"


def database_row(settings: Settings) -> Row:
    """``PRAGMA integrity_check`` of the records database, and that an admin account exists."""
    path = settings.resolve(settings.records.path)
    if not path.exists():
        return skip(
            "database",
            f"records.path: {path} does not exist yet (created at first start;"
            " `python -m appliance provision` creates it with the first admin)",
        )
    problem = integrity_problem(path)
    if problem is not None:
        return fail(
            "database",
            problem,
            "stop the appliance and restore the last good backup:"
            " python -m appliance restore BACKUP_FILE",
        )
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        admin = has_admin(conn)
    finally:
        conn.close()
    size = path.stat().st_size / 2**20
    if not admin:
        return fail(
            "database",
            f"{path}: integrity ok, but no active admin account",
            "create one: python -m appliance provision --admin-user NAME",
        )
    return ok("database", f"{path}: integrity ok, {size:.1f} MiB, admin account present")


def backup_row(settings: Settings) -> Row:
    """The newest backup in the backups folder, if the appliance's backups go there."""
    folder = backups_dir(settings)
    found = [p for pat in BACKUP_PATTERNS for p in folder.glob(pat)] if folder.is_dir() else []
    if not found:
        return skip(
            "last backup",
            f"none found in {folder} (back up with: python -m appliance"
            f" backup --out {folder}/records-$(date +%F).sqlite3)",
        )
    newest = max(found, key=lambda p: p.stat().st_mtime)
    age_days = (time.time() - newest.stat().st_mtime) / 86400
    detail = f"{newest} ({age_days:.1f} days old)"
    if age_days > STALE_BACKUP_DAYS:
        return warn("last backup", detail, "back up the records now; check the backup timer")
    return ok("last backup", detail)


def running_storage_row(running: Mapping[str, object] | None) -> Row:
    """The storage state a running appliance reports (a failed write, e.g. a full disk)."""
    if running is None:
        return skip("storage", "the appliance is not running (free space: the disk row)")
    info = running.get("storage")
    if not isinstance(info, dict):
        return skip("storage", "the running appliance does not report its storage state")
    state, detail = str(info.get("state")), str(info.get("detail") or "")
    if state == "ok":
        return ok("storage", f"running appliance: {detail}")
    fix = (
        "free space on that disk (old backups, stored audio); sessions a full disk held in"
        " memory are saved by themselves once there is room"
    )
    if state == "low":
        return warn("storage", f"running appliance: {detail}", fix)
    return fail("storage", f"running appliance: {detail}", fix)
