"""An appliance app of a test's own (its own data folder and records) sharing the run's engine."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from appliance.app import create_app
from appliance.engine import Engine
from appliance.settings import Settings

from ..live_app import served


@contextlib.asynccontextmanager
async def own_app(settings: Settings, engine: Engine, data: Path) -> AsyncIterator[FastAPI]:
    """Serve an app whose sessions and records live under ``data``; ``app.state.test_url``."""
    mine = settings.model_copy(
        update={
            "appliance": settings.appliance.model_copy(update={"data_dir": data}),
            "records": settings.records.model_copy(update={"path": data / "records.sqlite3"}),
        }
    )
    app = create_app(mine, engine, advertise=False)
    async with served(app) as url:
        app.state.test_url = url
        yield app


async def until(check: Callable[[], Any], timeout_s: float, what: str) -> Any:
    """Poll ``check`` (sync or async) until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.2)


@contextlib.contextmanager
def small_disk(where: Path, size: str = "16m") -> Iterator[Path | None]:
    """A tmpfs of ``size`` mounted at ``where`` (None where mounting is not allowed)."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        yield None
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk is full (ENOSPC); return it (delete it to free the space)."""
    filler = disk / "filler"
    chunk = b"\0" * 65536
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        while True:
            try:
                os.write(fd, chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                if len(chunk) == 1:
                    break
                chunk = chunk[: len(chunk) // 2]
    finally:
        os.close(fd)
    return filler
