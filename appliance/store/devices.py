"""Paired clinic PCs and the LAN API's bookkeeping: pairing codes, devices, security events,
the access log and idempotent write results. Functions take the ``sqlite_utils.Database`` of
the current transaction (``store.read()`` / ``store.write(fn)``); ``log_access`` takes the
DB-API connection so it can share a transaction with the audit chain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlite_utils

Row = dict[str, Any]


def insert_code(db: sqlite_utils.Database, row: Mapping[str, Any]) -> None:
    db.table("api_pairing_codes").insert(dict(row))


def active_codes(db: sqlite_utils.Database, now: float, max_failures: int) -> list[Row]:
    return list(
        db.query(
            "SELECT * FROM api_pairing_codes WHERE used_at IS NULL AND expires_at > ?"
            " AND failures < ?",
            [now, max_failures],
        )
    )


def use_code(db: sqlite_utils.Database, code_id: str, device_id: str, at: str) -> None:
    db.table("api_pairing_codes").update(code_id, {"used_at": at, "device_id": device_id})


def count_code_failure(db: sqlite_utils.Database, now: float) -> None:
    db.execute(
        "UPDATE api_pairing_codes SET failures = failures + 1"
        " WHERE used_at IS NULL AND expires_at > ?",
        [now],
    )


def replace_device(db: sqlite_utils.Database, row: Mapping[str, Any]) -> None:
    """Register a device (a PC pairing again with the same key replaces its old entry)."""
    db.execute("DELETE FROM api_devices WHERE public_key = ?", [row["public_key"]])
    db.table("api_devices").insert(dict(row))


def device(db: sqlite_utils.Database, device_id: str) -> Row | None:
    rows = list(db.query("SELECT * FROM api_devices WHERE device_id = ?", [device_id]))
    return rows[0] if rows else None


def devices(db: sqlite_utils.Database) -> list[Row]:
    return list(db.query("SELECT * FROM api_devices ORDER BY paired_at"))


def update_device(db: sqlite_utils.Database, device_id: str, values: Mapping[str, Any]) -> None:
    db.table("api_devices").update(device_id, dict(values))


def insert_event(db: sqlite_utils.Database, row: Mapping[str, Any]) -> None:
    db.table("api_security_events").insert(dict(row))


def log_access(conn: Any, row: Mapping[str, Any]) -> None:
    conn.execute(
        "INSERT INTO api_access_log (ts, username, role, device_id, action, patient_id,"
        " status) VALUES (:ts, :username, :role, :device_id, :action, :patient_id, :status)",
        dict(row),
    )


def idempotent_result(db: sqlite_utils.Database, device_id: str, key: str) -> Row | None:
    rows = list(
        db.query(
            "SELECT * FROM api_idempotency WHERE device_id = ? AND idem_key = ?", [device_id, key]
        )
    )
    return rows[0] if rows else None


def remember_result(db: sqlite_utils.Database, row: Mapping[str, Any], cutoff: float) -> None:
    """Keep one write's result (replacing an older one of the same key); forget old ones."""
    db.table("api_idempotency").insert(dict(row), replace=True)
    db.execute("DELETE FROM api_idempotency WHERE created_at < ?", [cutoff])
