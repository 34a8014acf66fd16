"""The patient's consent to mentor review (PIPL): one append-only history per patient, the
latest entry wins. Functions take the transaction's ``sqlite_utils.Database`` or DB-API
connection (both have ``execute``)."""

from __future__ import annotations

import secrets
from typing import Any

MENTOR_REVIEW = "mentor_review"


def record(
    db: Any,
    *,
    patient_id: str,
    granted: bool,
    recorded_by: str,
    recorded_at: str,
    method: str = "written",
    note: str = "",
    scope: str = MENTOR_REVIEW,
) -> str:
    consent_id = secrets.token_hex(8)
    db.execute(
        "INSERT INTO consent (id, patient_id, scope, granted, method, recorded_by, recorded_at,"
        " note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (consent_id, patient_id, scope, int(granted), method, recorded_by, recorded_at, note),
    )
    return consent_id


def history(db: Any, patient_id: str) -> list[dict[str, Any]]:
    cursor = db.execute(
        "SELECT id, patient_id, scope, granted, method, recorded_by, recorded_at, note"
        " FROM consent WHERE patient_id = ? ORDER BY rowid",
        (patient_id,),
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def granted(db: Any, patient_id: str, scope: str = MENTOR_REVIEW) -> bool:
    row = db.execute(
        "SELECT granted FROM consent WHERE patient_id = ? AND scope = ? ORDER BY rowid DESC"
        " LIMIT 1",
        (patient_id, scope),
    ).fetchone()
    return bool(row and row[0])
