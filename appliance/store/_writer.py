"""The one writer: a thread that owns the write connection and runs queued write functions.

Jobs run inside ``BEGIN IMMEDIATE … COMMIT``; with ``synchronous=FULL`` in WAL mode the commit is
on disk when :meth:`Writer.submit` returns, so an acknowledged write is durable. A job that raises
is rolled back and its exception re-raised in the caller's thread.

Group commit: when several jobs are already waiting, up to ``max_batch`` of them share one
transaction, each inside its own SAVEPOINT (a failing job rolls back only itself); all are
acknowledged after the one COMMIT. If an error destroys the whole transaction (disk full, an
ABORT from SQLite), the jobs that had succeeded in that batch are run again one by one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_STOP = object()


class _Job:
    __slots__ = ("func", "future", "raw", "transaction")

    def __init__(self, func: Callable[[Any], Any], raw: bool, transaction: bool) -> None:
        self.func = func
        self.raw = raw
        self.transaction = transaction
        self.future: Future[Any] = Future()


class Writer:
    def __init__(
        self,
        conn: Any,
        make_db: Callable[[Any], Any],
        name: str = "clinicbox-writer",
        max_batch: int = 64,
    ) -> None:
        self._conn = conn
        self._db = make_db(conn)
        self._queue: queue.Queue[Any] = queue.Queue()
        self._max_batch = max_batch
        self.batches = 0  # transactions that carried more than one job (group commits)
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
        job = _Job(func, raw, transaction)
        with self._lock:
            if self._closed:
                raise RuntimeError("store is closed")
            self._queue.put(job)
        return job.future.result()  # type: ignore[no-any-return]

    # --- the writer thread --------------------------------------------------------------------

    def _run(self) -> None:
        pending: list[Any] = []
        while True:
            item = pending.pop(0) if pending else self._queue.get()
            if item is _STOP:
                return
            if not item.transaction:
                self._run_alone(item)
                continue
            batch = [item]
            while len(batch) < self._max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP or not nxt.transaction:
                    pending.append(nxt)
                    break
                batch.append(nxt)
            if len(batch) == 1:
                self._run_alone(item)
            else:
                self.batches += 1
                self._run_batch(batch)

    def _call(self, job: _Job) -> Any:
        return job.func(self._conn if job.raw else self._db)

    def _rollback_quietly(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except Exception:  # noqa: S110 - the original error matters more
            pass

    def _run_alone(self, job: _Job) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        try:
            if job.transaction:
                self._conn.execute("BEGIN IMMEDIATE")
            result = self._call(job)
            if job.transaction:
                self._conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback_quietly()
            job.future.set_exception(exc)
        else:
            job.future.set_result(result)

    def _run_batch(self, batch: list[_Job]) -> None:
        jobs = [j for j in batch if j.future.set_running_or_notify_cancel()]
        done: list[tuple[_Job, Any]] = []
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException as exc:
            for job in jobs:
                job.future.set_exception(exc)
            return
        for index, job in enumerate(jobs):
            self._conn.execute("SAVEPOINT clinicbox_job")
            try:
                result = self._call(job)
            except BaseException as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK TO clinicbox_job")
                    self._conn.execute("RELEASE clinicbox_job")
                    job.future.set_exception(exc)
                    continue
                # the whole transaction is gone: fail this job, redo the others one by one
                job.future.set_exception(exc)
                self._redo([j for j, _ in done] + jobs[index + 1 :])
                return
            self._conn.execute("RELEASE clinicbox_job")
            done.append((job, result))
        try:
            self._conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback_quietly()
            for job, _ in done:
                job.future.set_exception(exc)
            return
        for job, result in done:
            job.future.set_result(result)

    def _redo(self, jobs: list[_Job]) -> None:
        for job in jobs:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                result = self._call(job)
                self._conn.execute("COMMIT")
            except BaseException as exc:
                self._rollback_quietly()
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)

    def close(self, timeout: float = 30.0) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        if threading.get_ident() != self._thread.ident:
            self._thread.join(timeout)
