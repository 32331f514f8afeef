"""The records database: durable SQLite connections and the one writer thread the API uses."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Concatenate, ParamSpec, Self, TypeVar

from appliance.errors import RecordsError, StorageFull
from appliance.records.migrate import migrate

P = ParamSpec("P")
T = TypeVar("T")
BUSY_TIMEOUT_MS = 10_000
_SQLITE_IOERR, _SQLITE_FULL = 10, 13  # primary result codes (the low byte of extended ones)


def connect(path: Path, *, migrate_schema: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the records database: WAL, foreign keys, FULL sync, migrated."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as exc:
        raise RecordsError(
            f"{path}: cannot open the records database ({exc}); check that the folder exists"
            " and is writable by the appliance's user, or set records.path"
        ) from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RecordsError(f"{path}: the records database cannot use WAL mode (got {mode})")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        if migrate_schema:
            migrate(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise RecordsError(
            f"{path}: the records database is not usable ({exc}); check the file is an appliance"
            " records database and its folder is writable"
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def open_db(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for command-line use (provisioning, doctor), closed on exit."""
    conn = connect(path)
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All-or-nothing writes; nested use joins the outer transaction."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def records_error(exc: sqlite3.Error, path: Path) -> RecordsError:
    """A sqlite error as a ``RecordsError``; a full or failing disk as ``StorageFull``."""
    if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (_SQLITE_FULL, _SQLITE_IOERR):
        return StorageFull(
            f"{path}: the records database cannot be written ({exc}); free space on its disk"
        )
    return RecordsError(f"records database error: {exc}")


class Database:
    """The API's records connection, owned by one thread; ``run`` calls a query function there."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None

    async def __aenter__(self) -> Self:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="records")
        try:
            self._conn = await self._submit(connect, self.path)
        except BaseException:
            self._executor.shutdown(wait=False)
            self._executor = None
            raise
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._executor is None:
            return
        if self._conn is not None:
            await self._submit(self._conn.close)
            self._conn = None
        self._executor.shutdown(wait=True)
        self._executor = None

    async def _submit(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self._executor is None:
            raise RecordsError("the records database is not open")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    async def run(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``fn(conn, *args, **kwargs)`` in the database thread; sqlite errors: RecordsError."""
        conn = self._conn
        if conn is None:
            raise RecordsError("the records database is not open")

        def call() -> T:
            try:
                return fn(conn, *args, **kwargs)
            except sqlite3.Error as exc:
                raise records_error(exc, self.path) from exc

        return await self._submit(call)
