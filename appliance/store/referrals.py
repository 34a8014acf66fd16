"""Referral requests to the mentor hospital and the patient's consent to them (PIPL).

A referral request is one row of the core ``outbox`` (kind ``referral``), keyed by
``referral:<visit_id>:<version>`` so asking twice for the same record version is a no-op. The
sync area seals it into a case bundle (``sync_outbox``) whose case id is the visit id: one hub
case per visit, one bundle version per signed/amended record version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from appliance.store.visits import Row, new_id, now, rows


def has_mentor_consent(conn: Any, patient_id: str) -> bool:
    """Consent to mentor review: the latest entry of the sync consent history when it has one
    for the patient, else an unrevoked grant in the core consent table."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "sync_consent" in tables:
        row = conn.execute(
            "SELECT granted FROM sync_consent WHERE patient_id = ? AND scope = 'mentor_review'"
            " ORDER BY id DESC LIMIT 1",
            (patient_id,),
        ).fetchone()
        if row is not None:
            return bool(row[0])
    row = conn.execute(
        "SELECT 1 FROM consent WHERE patient_id = ? AND scope = 'mentor_sharing'"
        " AND granted = 1 AND revoked_at IS NULL",
        (patient_id,),
    ).fetchone()
    return row is not None


def referral_key(visit_id: str, version: int) -> str:
    return f"referral:{visit_id}:{version}"


def find_referral(conn: Any, visit_id: str, version: int) -> Row | None:
    found = rows(
        conn,
        "SELECT id, state FROM outbox WHERE idempotency_key = ?",
        (referral_key(visit_id, version),),
    )
    return found[0] if found else None


def queue_referral(conn: Any, *, visit_id: str, patient_id: str, payload: Mapping[str, Any]) -> str:
    """A pending referral request; returns its outbox id."""
    outbox_id, at = new_id(), now()
    conn.execute(
        "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, payload_json,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
        (
            outbox_id,
            "referral",
            visit_id,
            patient_id,
            referral_key(visit_id, int(payload["version"])),
            json.dumps(dict(payload), ensure_ascii=False),
            at,
            at,
        ),
    )
    return outbox_id


def mark_referral_sealed(conn: Any, outbox_id: str) -> None:
    conn.execute(
        "UPDATE outbox SET state = 'sent', updated_at = ? WHERE id = ?", (now(), outbox_id)
    )


def pending_referrals(conn: Any) -> list[Row]:
    return rows(
        conn,
        "SELECT id, patient_id, payload_json FROM outbox WHERE kind = 'referral'"
        " AND state = 'pending' ORDER BY created_at",
    )
