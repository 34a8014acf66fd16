"""The hub's database: SQLite by default, PostgreSQL when a ``postgresql://`` URL is given.

SQL is written once with ``?`` placeholders; the PostgreSQL adapter turns them into ``%s``.
Each thread gets its own connection; SQLite writes are serialised by one lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clinics (
    clinic_id TEXT PRIMARY KEY, name TEXT NOT NULL, sign_key TEXT NOT NULL, enc_key TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, enrolled_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS enrol_tokens (
    token_hash TEXT PRIMARY KEY, clinic_name TEXT NOT NULL, created_at TEXT NOT NULL,
    used_by TEXT);
CREATE TABLE IF NOT EXISTS cases (
    clinic_id TEXT NOT NULL, case_id TEXT NOT NULL, version INTEGER NOT NULL,
    kind TEXT NOT NULL, content_hash TEXT NOT NULL, payload TEXT NOT NULL,
    received_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'new',
    PRIMARY KEY (clinic_id, case_id, version));
CREATE TABLE IF NOT EXISTS replies (
    seq {serial}, clinic_id TEXT NOT NULL, reply_id TEXT NOT NULL UNIQUE,
    case_id TEXT NOT NULL, case_version INTEGER NOT NULL, mentor TEXT NOT NULL,
    advice TEXT NOT NULL, bundle TEXT NOT NULL, created_at TEXT NOT NULL, acked_at TEXT);
CREATE INDEX IF NOT EXISTS replies_clinic ON replies (clinic_id, seq);
CREATE TABLE IF NOT EXISTS mentors (
    username TEXT PRIMARY KEY, display_name TEXT NOT NULL, password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, size INTEGER NOT NULL,
    sha256 TEXT NOT NULL, received INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS updates (
    kind TEXT NOT NULL, version TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,
    size INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '', published_at TEXT NOT NULL,
    PRIMARY KEY (kind, version));
"""


def _private_file(path: Path) -> None:
    """Create ``path`` (and its -wal/-shm, which SQLite makes with the file's mode) as 0600:
    the hub database holds the clinics' cases and enrolment keys, for the hub's account only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(side, 0o600)


class HubDB:
    """A tiny adapter: ``execute``, ``query``, ``one`` and ``transaction`` on either backend."""

    def __init__(self, url_or_path: str | Path) -> None:
        target = str(url_or_path)
        self.postgres = target.startswith(("postgresql://", "postgres://"))
        self.target = target
        self._local = threading.local()
        self._lock = threading.RLock()
        self._all: list[Any] = []
        serial = "BIGSERIAL PRIMARY KEY" if self.postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
        with self.transaction() as tx:
            for stmt in _SCHEMA.format(serial=serial).split(";"):
                if stmt.strip():
                    tx.execute(stmt)

    def _connect(self) -> Any:
        conn: Any
        if self.postgres:
            import psycopg

            conn = psycopg.connect(self.target, autocommit=False)
        else:
            _private_file(Path(self.target))
            conn = sqlite3.connect(self.target, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.isolation_level = None  # explicit BEGIN/COMMIT
        self._all.append(conn)
        return conn

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """One transaction (SQLite: serialised with BEGIN IMMEDIATE)."""
        conn = self._conn()
        if self.postgres:
            try:
                yield _Tx(self, conn)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
            return
        with self._lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Tx(self, conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.transaction() as tx:
            return tx.query(sql, params)

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.transaction() as tx:
            return tx.execute(sql, params)

    def close(self) -> None:
        for conn in self._all:
            with contextlib.suppress(Exception):
                conn.close()
        self._all.clear()
        self._local = threading.local()


class _Tx:
    def __init__(self, db: HubDB, conn: Any) -> None:
        self.db = db
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cur = self.conn.execute(self.db._sql(sql), tuple(params))
        return int(cur.rowcount or 0)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(self.db._sql(sql), tuple(params))
        if cur.description is None:
            return []
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
