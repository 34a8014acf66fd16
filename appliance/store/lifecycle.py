"""Data life cycle: retention per data class and legal erasure of a patient.

Retention (see docs/store.md for the sources):
- outpatient records, prescriptions, vitals, triage, alerts: kept at least 15 years after the
  last visit (《医疗机构病历管理规定》(2013) 第二十九条: 门（急）诊病历保存不少于15年); never
  deleted automatically — :func:`retention_report` lists patients past the period for review.
- audit log: kept for the life of the store (网络安全法 第二十一条 requires ≥ 6 months).
- sync outbox rows already acknowledged by the hub: 90 days, then deleted automatically.
- consent revoked: the revocation is itself a record; kept with the patient.

Legal erasure (``erase_patient``) deletes every row that references the patient (any table with a
``patient_id`` column, plus FK cascades), leaves a non-identifying tombstone and an audit row that
holds only the opaque id and row counts, then VACUUMs and truncates the WAL so no page image of
the erased rows stays in the file (``secure_delete`` zeroes them on delete as well).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from appliance.errors import NotFoundError
from appliance.store import audit

if TYPE_CHECKING:
    from appliance.store.db import Store

RETENTION_DAYS: dict[str, int | None] = {
    "clinical_record": 15 * 365,
    "audit": None,
    "outbox_acked": 90,
    "consent": None,
}
_KEEP_TABLES = {"audit_log", "audit_head", "erased_patient", "erasure_pending"}


@dataclass(frozen=True)
class ErasureResult:
    patient_id: str
    rows_removed: dict[str, int]
    erased_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id,
            "rows_removed": self.rows_removed,
            "erased_at": self.erased_at,
        }


def _tables_with_patient_id(conn: Any) -> list[str]:
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    found = []
    for table in tables:
        if table in _KEEP_TABLES or table == "patient":
            continue
        try:
            columns = {str(c[1]) for c in conn.execute(f'PRAGMA table_info("{table}")')}
        except Exception:  # noqa: S112 - virtual tables without a module loaded
            continue
        if "patient_id" in columns:
            found.append(table)
    return found


def erase_patient(
    store: Store, patient_id: str, *, actor: str, role: str, reason: str
) -> ErasureResult:
    """Remove the patient's data for good (legal erasure) and leave a non-identifying tombstone."""
    erased_at = datetime.now(UTC).isoformat(timespec="seconds")

    def run(conn: Any) -> dict[str, int]:
        if conn.execute("SELECT 1 FROM patient WHERE id = ?", (patient_id,)).fetchone() is None:
            raise NotFoundError("没有这个患者。", "No such patient.")
        conn.execute("INSERT OR IGNORE INTO erasure_pending (patient_id) VALUES (?)", (patient_id,))
        removed: dict[str, int] = {}
        with_patient = _tables_with_patient_id(conn)
        # rows that hang off the patient's rows by a foreign key only (e.g. alert_override)
        for child, column, parent, parent_column in _dependent_tables(conn, with_patient):
            count = conn.execute(
                f'DELETE FROM "{child}" WHERE "{column}" IN'  # noqa: S608 - names from schema
                f' (SELECT "{parent_column}" FROM "{parent}" WHERE patient_id = ?)',
                (patient_id,),
            ).rowcount
            if count:
                removed[child] = removed.get(child, 0) + int(count)
        # children first so counts are exact (FK cascades would otherwise hide them)
        for table in sorted(with_patient, key=_delete_order):
            count = conn.execute(
                f'DELETE FROM "{table}" WHERE patient_id = ?',  # noqa: S608 - names from schema
                (patient_id,),
            ).rowcount
            if count:
                removed[table] = int(count)
        removed["patient"] = int(
            conn.execute("DELETE FROM patient WHERE id = ?", (patient_id,)).rowcount
        )
        conn.execute("DELETE FROM erasure_pending WHERE patient_id = ?", (patient_id,))
        conn.execute(
            "INSERT OR REPLACE INTO erased_patient (patient_id, erased_at, erased_by, reason,"
            " rows_removed_json) VALUES (?, ?, ?, ?, ?)",
            (patient_id, erased_at, actor, reason, json.dumps(removed, sort_keys=True)),
        )
        audit.append(
            conn,
            store.audit_key,
            actor=actor,
            role=role,
            action="patient.erase",
            patient_id=patient_id,
            detail={"reason": reason, "rows_removed": removed},
        )
        return removed

    removed = store.write_raw(run)
    store.maintenance(_vacuum)
    return ErasureResult(patient_id, removed, erased_at)


def _dependent_tables(conn: Any, with_patient: list[str]) -> list[tuple[str, str, str, str]]:
    """(child, column, parent, parent column) for tables without ``patient_id`` whose foreign
    key points at a table that has one."""
    found = []
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        if table in with_patient or table in _KEEP_TABLES or table == "patient":
            continue
        try:
            keys = conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
        except Exception:  # noqa: S112 - virtual tables without a module loaded
            continue
        for key in keys:
            parent, column, parent_column = str(key[2]), str(key[3]), key[4]
            if parent in with_patient and parent_column:
                found.append((table, column, parent, str(parent_column)))
    return found


_ORDER = [
    "alert_override",
    "alert",
    "followup_event",
    "followup_plan",
    "prescription",
    "vitals",
    "triage",
    "record",
    "consent",
    "outbox",
    "visit",
]


def _delete_order(table: str) -> int:
    return _ORDER.index(table) if table in _ORDER else -1


def _vacuum(conn: Any) -> None:
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def apply_retention(
    store: Store, *, actor: str = "system", now: datetime | None = None
) -> dict[str, int]:
    """Delete data classes whose retention ran out and that may go automatically."""
    moment = now or datetime.now(UTC)
    days = RETENTION_DAYS["outbox_acked"]
    assert days is not None
    cutoff = (moment - timedelta(days=days)).isoformat(timespec="seconds")

    def run(conn: Any) -> dict[str, int]:
        count = conn.execute(
            "DELETE FROM outbox WHERE state = 'acked' AND updated_at < ?", (cutoff,)
        ).rowcount
        result = {"outbox_acked": int(count)}
        audit.append(
            conn,
            store.audit_key,
            actor=actor,
            role="admin",
            action="retention.apply",
            detail=result,
        )
        return result

    return store.write_raw(run)


def retention_report(store: Store, *, now: datetime | None = None) -> dict[str, Any]:
    """Patients whose last activity is older than the clinical-record retention period."""
    moment = now or datetime.now(UTC)
    days = RETENTION_DAYS["clinical_record"]
    assert days is not None
    cutoff = (moment - timedelta(days=days)).isoformat(timespec="seconds")
    with store.read_raw() as conn:
        rows = conn.execute(
            "SELECT p.id FROM patient p LEFT JOIN visit v ON v.patient_id = p.id"
            " GROUP BY p.id HAVING max(coalesce(v.started_at, p.created_at)) < ?",
            (cutoff,),
        ).fetchall()
    return {
        "policy_days": {k: v for k, v in RETENTION_DAYS.items()},
        "patients_past_retention": [str(r[0]) for r in rows],
    }
