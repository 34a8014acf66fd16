"""The encrypted clinic store: one writer thread, pooled reader connections, storage errors.

Open or create one with :func:`appliance.store.open_store` / :func:`appliance.store.init_store`
(``appliance/store/_open.py``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from appliance.config import Settings
from appliance.errors import (
    DiskFull,
    StorageError,
    StoreCorrupt,
    StoreReadOnly,
)
from appliance.store import _driver, _exclusive, _migrate, audit
from appliance.store.envelope import (
    Envelope,
    Keys,
)

log = logging.getLogger("clinicbox.store")
T = TypeVar("T")

DB_NAME = "clinic.db"
ENVELOPE_NAME = "clinic.keys.json"
UNLOCK_STATE_NAME = "clinic.unlock.json"
#: the audit anchor in the key envelope moves forward after this many writes (and at close,
#: after a verification or a backup); see audit.py
ANCHOR_EVERY_WRITES = 32


@dataclass(frozen=True)
class StorePaths:
    data_dir: Path

    @property
    def db(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def envelope(self) -> Path:
        return self.data_dir / ENVELOPE_NAME

    @property
    def unlock_state(self) -> Path:
        return self.data_dir / UNLOCK_STATE_NAME

    def exists(self) -> bool:
        return self.db.exists() or self.envelope.exists()


def translate_error(exc: BaseException) -> BaseException:
    """Map SQLite storage failures to ClinicBox errors (no patient data in the messages)."""
    if not isinstance(exc, _driver.DatabaseError):
        return exc
    text = str(exc).lower()
    if "disk is full" in text or "no space" in text:
        return DiskFull()
    if "readonly" in text or "read-only" in text:
        return StoreReadOnly()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreCorrupt()
    if "disk i/o" in text or "unable to open" in text:
        return StorageError()
    original: BaseException = exc
    return original


class Store:
    """An unlocked clinic database. Use :func:`open_store` / :func:`init_store` to get one."""

    def __init__(
        self,
        settings: Settings,
        keys: Keys,
        envelope: Envelope,
        *,
        read_only: bool = False,
        damaged: str | None = None,
    ) -> None:
        self.settings = settings
        self.paths = StorePaths(settings.data_dir)
        self.envelope = envelope
        self._keys = keys
        self.read_only = read_only
        self._requested_read_only = read_only
        self.damaged = damaged
        self._readers: list[tuple[int, Any]] = []
        self._readers_lock = threading.Lock()
        self._generation = 0
        self._closed = False
        self._suspended = False
        self._writer: Any = None
        self._stopped_writer: Any = None
        self._writes_since_anchor = 0
        self.migrations_applied: list[str] = []
        self._lock_fd: int | None = _exclusive.acquire_shared(self.paths.data_dir)
        try:
            self._start()
        except BaseException:
            _exclusive.release(self._lock_fd)
            raise
        _exclusive.register(self)
        if envelope.audit_anchor is None:  # a store from before anchors: anchor it now
            self.anchor_audit()
        row = self._clinic_row()
        self.clinic_id: str = row[0] if row else envelope.clinic_id
        self.clinic_name: str = row[1] if row else ""

    def _start(self) -> None:
        if self.read_only:
            return
        from appliance.store._writer import Writer

        conn = self._connect()
        try:
            self.migrations_applied = _migrate.apply_pending(conn)
        except BaseException as exc:
            conn.close()
            raise translate_error(exc) from None
        self._writer = Writer(conn, _driver.database)

    @property
    def is_open(self) -> bool:
        return not self._closed and not self._suspended

    def _suspend(self) -> None:
        """Close every connection and drop the shared lock (a file swap is coming)."""
        self._suspended = True
        self._stop_connections()
        _exclusive.release(self._lock_fd)
        self._lock_fd = None

    def _resume(self, keys: Keys | None, envelope: Envelope | None) -> None:
        """Reopen on the (possibly new) file; on failure the store stays closed."""
        if self._closed:
            return
        try:
            if keys is not None:
                self._keys = keys
            if envelope is not None:
                self.envelope = envelope
            self._lock_fd = _exclusive.acquire_shared(self.paths.data_dir)
            self.damaged = None
            self.read_only = self._requested_read_only
            self._start()
        except BaseException:
            self._closed = True
            _exclusive.release(self._lock_fd)
            self._lock_fd = None
            _exclusive.unregister(self)
            raise
        finally:
            self._suspended = False

    # --- connections ----------------------------------------------------------------------

    def _connect(self, read_only: bool = False) -> Any:
        return _driver.connect(
            self.paths.db,
            self._keys.data_key,
            read_only=read_only or self.read_only,
            cache_kib=self.settings.store_cache_kib,
        )

    def _clinic_row(self) -> tuple[str, str] | None:
        try:
            with self.read_raw() as conn:
                row = conn.execute("SELECT id, name FROM clinic LIMIT 1").fetchone()
        except Exception:
            return None
        return (str(row[0]), str(row[1])) if row else None

    @property
    def audit_key(self) -> bytes:
        return self._keys.audit_key

    @property
    def path(self) -> Path:
        return self.paths.db

    # --- writing --------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self._suspended:
            raise _exclusive.busy_error()
        if self._closed:
            raise RuntimeError("store is closed")
        if self._writer is None:
            if self.damaged:
                raise StoreReadOnly(
                    hint_zh="数据库文件已损坏；请联系管理员用 clinicbox restore 从备份恢复。",
                    hint_en="The database file is damaged; restore a backup with clinicbox restore.",
                )
            raise StoreReadOnly()

    def _failed(self, exc: BaseException) -> BaseException:
        """Translate a storage error; damage found while running makes the store read-only."""
        error = translate_error(exc)
        if isinstance(error, StoreCorrupt) and self.damaged is None:
            log.error("clinic database damage found while running: %s", exc)
            self.damaged = f"runtime: {exc}"
            self.read_only = True
            writer, self._writer = self._writer, None
            if writer is not None:
                threading.Thread(
                    target=writer.close, name="clinicbox-writer-stop", daemon=True
                ).start()
                self._stopped_writer = writer
        return error

    def write(self, func: Callable[[sqlite_utils.Database], T]) -> T:
        """Run ``func(db)`` on the one writer thread in a transaction; committed on return."""
        self._check_writable()
        try:
            result: T = self._writer.submit(func)
        except _driver.DatabaseError as exc:
            raise self._failed(exc) from None
        self._count_write()
        return result

    def write_raw(self, func: Callable[[Any], T]) -> T:
        """Like :meth:`write` with the DB-API connection instead of a sqlite-utils Database."""
        self._check_writable()
        try:
            result: T = self._writer.submit(func, raw=True)
        except _driver.DatabaseError as exc:
            raise self._failed(exc) from None
        self._count_write()
        return result

    def _count_write(self) -> None:
        self._writes_since_anchor += 1
        if self._writes_since_anchor >= ANCHOR_EVERY_WRITES:
            self.anchor_audit()

    def anchor_audit(self, *, force: bool = False) -> dict[str, Any] | None:
        """Move the audit anchor in the key envelope to the current head (see
        :func:`appliance.store._anchor.move_anchor`); returns the anchor or None."""
        from appliance.store._anchor import move_anchor

        self._writes_since_anchor = 0
        if self._writer is None or self.damaged or self._closed or self._suspended:
            return None
        return move_anchor(self, force=force)

    def maintenance(self, func: Callable[[Any], T]) -> T:
        """Run ``func(conn)`` on the writer thread outside any transaction (VACUUM, checkpoint)."""
        self._check_writable()
        try:
            return self._writer.submit(func, raw=True, transaction=False)  # type: ignore[no-any-return]
        except _driver.DatabaseError as exc:
            raise self._failed(exc) from None

    def audit(
        self,
        actor: str,
        role: str,
        action: str,
        *,
        outcome: str = "ok",
        patient_id: str | None = None,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int | None:
        """Append one audit row (its own transaction). Skipped on a read-only store."""
        if self._writer is None:
            log.warning("audit not recorded on a read-only store: %s", action)
            return None
        return self.write_raw(
            lambda conn: audit.append(
                conn,
                self.audit_key,
                actor=actor,
                role=role,
                action=action,
                outcome=outcome,
                patient_id=patient_id,
                target=target,
                detail=detail,
            )
        )

    # --- reading --------------------------------------------------------------------------

    @contextlib.contextmanager
    def read_raw(self) -> Iterator[Any]:
        """A pooled reader connection inside one read transaction (a consistent snapshot)."""
        if self._suspended:
            raise _exclusive.busy_error()
        if self._closed:
            raise RuntimeError("store is closed")
        with self._readers_lock:
            generation = self._generation
            conn = self._readers.pop()[1] if self._readers else None
        try:
            if conn is None:
                conn = self._connect(read_only=True)
                if not self.read_only:
                    conn.execute("PRAGMA query_only = ON")
            conn.execute("BEGIN")
        except _driver.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise self._failed(exc) from None
        healthy = False
        try:
            yield conn
            healthy = True
        except _driver.DatabaseError as exc:
            raise self._failed(exc) from None
        finally:
            try:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")  # a read transaction: nothing to keep
            except _driver.DatabaseError:
                healthy = False
            with self._readers_lock:
                if (
                    healthy
                    and self.is_open
                    and generation == self._generation
                    and len(self._readers) < 8
                ):
                    self._readers.append((generation, conn))
                else:
                    conn.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """``with store.read() as db:`` — a sqlite-utils Database on a reader connection."""
        with self.read_raw() as conn:
            yield _driver.database(conn)

    # --- checks and life cycle -------------------------------------------------------------

    def integrity_check(self, full: bool = True) -> list[str]:
        """Problems found by ``cipher_integrity_check`` (page MACs) and ``integrity_check``."""
        problems: list[str] = []
        with self.read_raw() as conn:
            if full:
                problems += [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
            pragma = "integrity_check" if full else "quick_check"
            result = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
        if result != ["ok"]:
            problems += result
        return problems

    def _stop_connections(self) -> None:
        with self._readers_lock:
            self._generation += 1
            readers, self._readers = self._readers, []
        for _gen, conn in readers:
            with contextlib.suppress(Exception):
                conn.close()
        if self._stopped_writer is not None:
            self._stopped_writer.close()
            with contextlib.suppress(Exception):
                self._stopped_writer._conn.close()
            self._stopped_writer = None
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()
            with contextlib.suppress(Exception):
                writer._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with contextlib.suppress(Exception):
                writer._conn.close()

    def close(self) -> None:
        if self._closed:
            return
        if self._writer is not None and self._writes_since_anchor:
            self.anchor_audit()
        self._closed = True
        self._stop_connections()
        _exclusive.release(self._lock_fd)
        self._lock_fd = None
        _exclusive.unregister(self)

    def __del__(self) -> None:  # a store dropped without close() must not keep the lock
        with contextlib.suppress(Exception):
            _exclusive.release(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
