"""``python -m appliance backup --out FILE``: a consistent copy of the records, while running."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from appliance.errors import ApplianceError, RecordsError
from appliance.records.db import BUSY_TIMEOUT_MS
from appliance.settings import Settings, load_settings


def integrity_problem(path: Path) -> str | None:
    """Why a database file is not a sound records database, or None when it is."""
    if not path.is_file():
        return f"{path}: no such file"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        return f"{path}: cannot be opened ({exc})"
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            return f"{path}: integrity check failed: {'; '.join(rows[:5])}"
        tables = {
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not {"schema_version", "sessions", "users"} <= tables:
            return f"{path}: not a CodeBlu records database (tables missing)"
    except sqlite3.Error as exc:
        return f"{path}: integrity check failed: {exc}"
    finally:
        conn.close()
    return None


def copy_database(source: Path, dest: Path) -> None:
    """SQLite online backup of ``source`` into ``dest``: one snapshot; writers keep going."""
    if not source.is_file():
        raise RecordsError(f"{source}: no records database to copy (check records.path)")
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(tmp)
            try:
                # One step (pages=-1): a single read snapshot; in WAL mode writers are not blocked,
                # and a stepwise copy would restart on every write and might never finish.
                src.backup(out, pages=-1)
                out.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
            finally:
                out.close()
        finally:
            src.close()
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise RecordsError(f"backup of {source} to {dest} failed: {exc}") from exc
    problem = integrity_problem(tmp)
    if problem is not None:
        tmp.unlink(missing_ok=True)
        raise RecordsError(f"the backup copy failed its check: {problem}")
    os.replace(tmp, dest)


def records_path(settings: Settings, override: str | None) -> Path:
    """The records database to work on: ``--db`` or the configured ``records.path``."""
    return Path(override) if override else settings.resolve(settings.records.path)


def main(argv: list[str]) -> int:
    """Back the records database up to ``--out FILE``."""
    parser = argparse.ArgumentParser(prog="python -m appliance backup", description=__doc__)
    parser.add_argument("--out", required=True, help="file to write the copy to")
    parser.add_argument("--db", help="records database (default: records.path from the config)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    try:
        source = records_path(load_settings(), args.db)
        dest = Path(args.out)
        if dest.exists() and not args.force:
            raise RecordsError(f"{dest} already exists (choose another --out or add --force)")
        if dest.resolve() == source.resolve():
            raise RecordsError("--out must not be the records database itself")
        dest.parent.mkdir(parents=True, exist_ok=True)
        copy_database(source, dest)
    except ApplianceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(f"backed up {source} to {dest} ({dest.stat().st_size} bytes, integrity ok)")
    return 0
