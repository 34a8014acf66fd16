"""The compute monitor's time series (table ``compute_metrics``, migration 0100). Functions take
the ``sqlite_utils.Database`` of the current transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils


def has_table(db: sqlite_utils.Database) -> bool:
    return "compute_metrics" in db.table_names()


def latest_ts(db: sqlite_utils.Database) -> float:
    return float(db.execute("SELECT COALESCE(MAX(ts), 0) FROM compute_metrics").fetchone()[0])


def append(db: sqlite_utils.Database, rows: Sequence[dict[str, Any]], keep_after: float) -> None:
    """Add rows (a row already there is kept) and drop those older than ``keep_after``."""
    db.table("compute_metrics").insert_all(list(rows), ignore=True)
    db.execute("DELETE FROM compute_metrics WHERE ts < ?", [keep_after])


def since(db: sqlite_utils.Database, ts: float) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM compute_metrics WHERE ts >= ? ORDER BY ts", [ts]))
