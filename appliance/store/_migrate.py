"""Numbered migrations: ``migrations/NNNN_name.sql`` or ``NNNN_name.py`` with ``migrate(conn)``.

Applied in numeric order, each in its own transaction, and recorded in ``schema_migration`` with
a checksum. Number ranges per area (see docs/store.md): store 0001-0099, llm 0100-0199,
knowledge 0200-0299, api 0300-0399, sync 0400-0499, clinical 0500-0599, tui 0600-0699.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from appliance.store._driver import split_sql

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(sql|py)$")


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    path: Path

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: dict[int, Migration] = {}
    for path in sorted(directory.iterdir()):
        match = _NAME.match(path.name)
        if not match:
            continue
        number = int(match.group(1))
        if number in found:
            raise RuntimeError(f"two migrations share number {number:04d}: {path.name}")
        found[number] = Migration(number, match.group(2), path)
    return [found[n] for n in sorted(found)]


def _ensure_table(conn: Any) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " number INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )


def applied(conn: Any) -> set[int]:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migration'"
    ).fetchone()
    if row is None:
        return set()
    return {int(r[0]) for r in conn.execute("SELECT number FROM schema_migration")}


def pending(conn: Any, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    done = applied(conn)
    return [m for m in discover(directory) if m.number not in done]


def run_python(migration: Migration, conn: Any) -> None:
    spec = importlib.util.spec_from_file_location(
        f"clinicbox_migration_{migration.number:04d}", migration.path
    )
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load migration {migration.path.name}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.migrate(conn)


def apply_pending(conn: Any, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every pending migration on ``conn`` (autocommit mode); returns their file names."""
    _ensure_table(conn)
    names: list[str] = []
    for migration in pending(conn, directory):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if migration.number in applied(conn):  # another process got there first
                conn.execute("COMMIT")
                continue
            if migration.path.suffix == ".sql":
                for statement in split_sql(migration.path.read_text(encoding="utf-8")):
                    conn.execute(statement)
            else:
                run_python(migration, conn)
            conn.execute(
                "INSERT INTO schema_migration (number, name, checksum, applied_at)"
                " VALUES (?, ?, ?, ?)",
                (
                    migration.number,
                    migration.name,
                    migration.checksum,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        names.append(migration.path.name)
    return names
