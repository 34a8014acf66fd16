"""SQLCipher through ``sqlcipher3``, registered as ``pysqlite3`` so sqlite-utils uses it.

sqlite-utils picks its DB-API module at import time (``pysqlite3`` when importable, else the
standard ``sqlite3``). Importing this module first makes sqlite-utils' exception classes the
SQLCipher ones; if sqlite-utils was already imported with the standard module we patch its
module references too, so ``OperationalError`` handling inside sqlite-utils stays correct.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import sqlcipher3
import sqlcipher3.dbapi2

sys.modules.setdefault("pysqlite3", sqlcipher3)
sys.modules.setdefault("pysqlite3.dbapi2", sqlcipher3.dbapi2)

import sqlite_utils  # noqa: E402
import sqlite_utils.db  # noqa: E402
import sqlite_utils.utils  # noqa: E402


def _patch_sqlite_utils() -> None:
    for module in (sqlite_utils.utils, sqlite_utils.db):
        if getattr(module, "sqlite3", None) is not sqlcipher3:
            module.sqlite3 = sqlcipher3  # type: ignore[attr-defined]
    sqlite_utils.utils.OperationalError = sqlcipher3.dbapi2.OperationalError


_patch_sqlite_utils()

Connection = sqlcipher3.dbapi2.Connection
DatabaseError = sqlcipher3.dbapi2.DatabaseError
OperationalError = sqlcipher3.dbapi2.OperationalError
IntegrityError = sqlcipher3.dbapi2.IntegrityError
SQLITE_VERSION: str = sqlcipher3.sqlite_version


def key_pragma(raw_key: bytes) -> str:
    """``PRAGMA key`` with a raw 256-bit key (no KDF inside SQLCipher: the envelope did it)."""
    if len(raw_key) != 32:
        raise ValueError("data key must be 32 bytes")
    return f"PRAGMA key = \"x'{raw_key.hex()}'\""


def connect(
    path: Path,
    raw_key: bytes | None,
    *,
    read_only: bool = False,
    cache_kib: int = 32768,
    wal: bool = True,
) -> Any:
    """Open ``path`` with the SQLCipher key and ClinicBox's pragmas; returns a DB-API connection.

    ``raw_key=None`` opens a plain (unencrypted) SQLite file, used only by the benchmark baseline.
    The connection is in autocommit mode (``isolation_level=None``): callers issue BEGIN/COMMIT.
    """
    target = f"file:{path}?mode=ro" if read_only else str(path)
    conn = sqlcipher3.connect(
        target, uri=read_only, isolation_level=None, check_same_thread=False, timeout=30.0
    )
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        if raw_key is not None:
            conn.execute(key_pragma(raw_key))
        # the first real read fails here with "file is not a database" on a wrong key
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        if not read_only:
            if wal:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA journal_size_limit = 67108864")  # WAL shrinks back to 64 MiB
        else:
            conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def database(conn: Any) -> sqlite_utils.Database:
    """A ``sqlite_utils.Database`` over an open SQLCipher connection."""
    return sqlite_utils.Database(conn, execute_plugins=False)


def split_sql(script: str) -> list[str]:
    """Split a SQL script into complete statements (trigger bodies stay whole)."""
    statements: list[str] = []
    current = ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlcipher3.complete_statement(current):
            text = current.strip()
            if text.strip(";").strip():
                statements.append(text)
            current = ""
    rest = current.strip().rstrip(";").strip()
    if rest:
        statements.append(rest)
    return statements
