"""A plain SQLite stand-in for the clinic store with the same ``read()`` / ``write(fn)`` shape,
holding only the sync tables (migrations 0400 and 0410). Used by the sync state-machine test and the sync
benchmarks to simulate many clinics cheaply; the product uses the encrypted store."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

T = TypeVar("T")


class PlainStore:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        from appliance.store import _migrate
        from appliance.store._migrate import MIGRATIONS_DIR

        migration = MIGRATIONS_DIR / "0400_sync.sql"
        self._conn.executescript(migration.read_text(encoding="utf-8"))
        # the one outbox and consent history (0410), as on the clinic store
        merged = next(m for m in _migrate.discover() if m.number == 410)
        _migrate.run_python(merged, self._conn)

    def write(self, func: Callable[[sqlite_utils.Database], T]) -> T:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = func(sqlite_utils.Database(self._conn))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return result

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        with self._lock:
            yield sqlite_utils.Database(self._conn)

    def audit(self, *args: Any, **kwargs: Any) -> None:
        return None

    def close(self) -> None:
        self._conn.close()
