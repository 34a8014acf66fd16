"""Referral requests to the mentor hospital and the patient's consent to them (PIPL).

A referral is the row of its case version in the one ``outbox`` (case id = the visit id, so a
visit is one hub case): ``requested`` until the sync area seals it into a bundle. Asking twice
for the same record version finds the same row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appliance.store import consent
from appliance.store.visits import Row, new_id, now, rows


def has_mentor_consent(conn: Any, patient_id: str) -> bool:
    """The latest entry of the patient's consent history grants mentor review."""
    return consent.granted(conn, patient_id)


def find_referral(conn: Any, visit_id: str, version: int) -> Row | None:
    found = rows(
        conn,
        "SELECT id, state FROM outbox WHERE case_id = ? AND version = ?",
        (visit_id, version),
    )
    return found[0] if found else None


def queue_referral(conn: Any, *, visit_id: str, patient_id: str, payload: Mapping[str, Any]) -> str:
    """A referral waiting to be sealed; returns its outbox id."""
    import json

    outbox_id, at = new_id(), now()
    version = int(payload["version"])
    conn.execute(
        "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, payload_json,"
        " case_id, version, state, created_at, updated_at)"
        " VALUES (?, 'case', ?, ?, ?, ?, ?, ?, 'requested', ?, ?)",
        (
            outbox_id,
            visit_id,
            patient_id,
            f"referral:{visit_id}:{version}",
            json.dumps(dict(payload), ensure_ascii=False),
            visit_id,
            version,
            at,
            at,
        ),
    )
    return outbox_id
