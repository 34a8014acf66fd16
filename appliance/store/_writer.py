"""The one writer: a thread that owns the write connection and runs queued write functions.

Each job runs inside ``BEGIN IMMEDIATE … COMMIT``; with ``synchronous=FULL`` in WAL mode the
commit is on disk when :meth:`Writer.submit` returns, so an acknowledged write is durable. A job
that raises is rolled back and its exception re-raised in the caller's thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_STOP = object()


class Writer:
    def __init__(self, conn: Any, make_db: Callable[[Any], Any], name: str = "clinicbox-writer"):
        self._conn = conn
        self._db = make_db(conn)
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._closed = False
        self._lock = threading.Lock()
        self._thread.start()

    @property
    def thread_ident(self) -> int | None:
        return self._thread.ident

    def submit(self, func: Callable[[Any], T], *, raw: bool = False, transaction: bool = True) -> T:
        """Run ``func(db)`` (or ``func(conn)`` with ``raw``) on the writer thread; wait for commit.

        ``transaction=False`` runs outside BEGIN/COMMIT (VACUUM, checkpoints, rekey export)."""
        if threading.get_ident() == self._thread.ident:
            raise RuntimeError("store.write() called from inside a write function")
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("store is closed")
            self._queue.put((func, raw, transaction, future))
        return future.result()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            func, raw, transaction, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                if transaction:
                    self._conn.execute("BEGIN IMMEDIATE")
                result = func(self._conn if raw else self._db)
                if transaction:
                    self._conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                except Exception:  # noqa: S110 - the original error matters more
                    pass
                future.set_exception(exc)
            else:
                future.set_result(result)

    def close(self, timeout: float = 30.0) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        if threading.get_ident() != self._thread.ident:
            self._thread.join(timeout)
