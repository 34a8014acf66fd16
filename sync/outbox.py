"""The clinic side of sync in the store: consent (PIPL), the outbox of sealed case bundles, the
pseudonym ↔ patient link, replies re-linked to patients, and the agent's state.

Works on anything with the store's ``read()`` / ``write(fn)`` shape (``appliance.store.Store``;
``sync.plainstore.PlainStore`` in simulations). Every change is one committed transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

import sqlite_utils

from appliance.clinical.vocabulary import is_antibiotic
from appliance.errors import ConsentRequired, NotEnrolled
from appliance.knowledge.catalogs import resolve_drug
from sync.bundle import Header, content_hash, seal_bundle
from sync.deid import deidentify, scrub_text
from sync.keys import KeyPair, unb64

T = TypeVar("T")
CONSENT_SCOPE = "mentor_review"


class StoreLike(Protocol):
    def read(self) -> AbstractContextManager[sqlite_utils.Database]: ...

    def write(self, func: Callable[[sqlite_utils.Database], T]) -> T: ...


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _rows(
    db: sqlite_utils.Database, sql: str, params: tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    return list(db.query(sql, params))


# --- state ---------------------------------------------------------------------------------


def get_state(store: StoreLike) -> dict[str, str]:
    with store.read() as db:
        return {r["key"]: r["value"] for r in _rows(db, "SELECT key, value FROM sync_state")}


def set_state(store: StoreLike, **values: str) -> None:
    def run(db: sqlite_utils.Database) -> None:
        for key, value in values.items():
            db.execute(
                "INSERT INTO sync_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    store.write(run)


def enrolment(store: StoreLike) -> dict[str, str]:
    state = get_state(store)
    if "clinic_id" not in state:
        raise NotEnrolled()
    return state


# --- consent -------------------------------------------------------------------------------


def record_consent(
    store: StoreLike,
    patient_id: str,
    granted: bool,
    recorded_by: str,
    method: str = "written",
    note: str = "",
    scope: str = CONSENT_SCOPE,
) -> dict[str, Any]:
    row = {
        "patient_id": patient_id,
        "scope": scope,
        "granted": int(granted),
        "method": method,
        "recorded_by": recorded_by,
        "recorded_at": now(),
        "note": note,
    }

    def run(db: sqlite_utils.Database) -> int:
        cur = db.execute(
            "INSERT INTO sync_consent (patient_id, scope, granted, method, recorded_by, recorded_at, note)"
            " VALUES (:patient_id, :scope, :granted, :method, :recorded_by, :recorded_at, :note)",
            row,
        )
        return int(cur.lastrowid or 0)

    return {"id": store.write(run), **row, "granted": granted}


def consent_history(store: StoreLike, patient_id: str) -> list[dict[str, Any]]:
    with store.read() as db:
        rows = _rows(
            db, "SELECT * FROM sync_consent WHERE patient_id = ? ORDER BY id", (patient_id,)
        )
    for r in rows:
        r["granted"] = bool(r["granted"])
    return rows


def has_consent(store: StoreLike, patient_id: str, scope: str = CONSENT_SCOPE) -> bool:
    with store.read() as db:
        rows = _rows(
            db,
            "SELECT granted FROM sync_consent WHERE patient_id = ? AND scope = ? ORDER BY id DESC LIMIT 1",
            (patient_id, scope),
        )
    return bool(rows and rows[0]["granted"])


# --- queueing cases ------------------------------------------------------------------------


def case_indicators(record: dict[str, Any], qc_passed: bool | None, refer: bool) -> dict[str, Any]:
    drugs = [
        str(p.get("drug", "")) for p in record.get("prescriptions") or [] if isinstance(p, dict)
    ]
    plan = str(record.get("treatment_plan") or "")
    return {
        "antibiotic": any(is_antibiotic(d, resolve_drug) for d in drugs),
        "qc_passed": qc_passed,
        "referred": refer,
        "followup_planned": any(w in plan for w in ("复诊", "随访", "复查", "follow")),
    }


def build_case_payload(
    keys: KeyPair,
    case_id: str,
    version: int,
    patient: dict[str, Any],
    record: dict[str, Any],
    question: str,
    *,
    qc_passed: bool | None = None,
    refer: bool = True,
    fhir: bool = True,
) -> dict[str, Any]:
    """The de-identified content of a case bundle (nothing identifying goes in)."""
    out = deidentify(patient, record, keys.deid_secret)
    payload: dict[str, Any] = {
        "case_id": case_id,
        "version": version,
        "pseudonym": out["deid"]["pseudonym"],
        "patient": out["patient"],
        "record": out["record"],
        "question": scrub_text(question, keys.deid_secret, patient),
        "indicators": case_indicators(record, qc_passed, refer),
        "deid": out["deid"],
    }
    if fhir:
        from sync.fhir import case_to_fhir

        payload["fhir"] = case_to_fhir(payload)
    return payload


def queue_case(
    store: StoreLike,
    keys: KeyPair,
    *,
    case_id: str,
    version: int,
    patient_id: str,
    patient: dict[str, Any],
    record: dict[str, Any],
    question: str = "",
    qc_passed: bool | None = None,
    fhir: bool = True,
    check_consent: bool = True,
) -> dict[str, Any]:
    """De-identify, sign, encrypt and put one case in the outbox. Idempotent by (case, version):
    queueing the same version again keeps the first bundle (so a retry never sends a twin)."""
    if check_consent and not has_consent(store, patient_id):
        raise ConsentRequired()
    state = enrolment(store)
    with store.read() as db:
        existing = _rows(
            db,
            "SELECT state, size FROM sync_outbox WHERE case_id = ? AND version = ?",
            (case_id, version),
        )
    if existing:
        return {"case_id": case_id, "version": version, "queued": False, **existing[0]}
    payload = build_case_payload(
        keys,
        case_id,
        version,
        {**patient, "patient_id": patient_id},
        record,
        question,
        qc_passed=qc_passed,
        fhir=fhir,
    )
    header = Header(sender=state["clinic_id"], kind="case", case_id=case_id, version=version)
    blob = seal_bundle(header, payload, keys, unb64(state["hub_enc_key"]))
    _insert(
        store,
        case_id,
        version,
        "case",
        patient_id,
        blob,
        content_hash(payload),
        payload["pseudonym"],
    )
    return {
        "case_id": case_id,
        "version": version,
        "queued": True,
        "state": "pending",
        "size": len(blob),
    }


def queue_aggregate(
    store: StoreLike, keys: KeyPair, period: str, counts: dict[str, int], version: int = 1
) -> None:
    """Whole-clinic counts for the indicators: fully anonymised, sent without per-patient consent."""
    state = enrolment(store)
    payload = {"period": period, **{k: int(v) for k, v in counts.items()}}
    case_id = f"agg-{period}"
    header = Header(sender=state["clinic_id"], kind="aggregate", case_id=case_id, version=version)
    blob = seal_bundle(header, payload, keys, unb64(state["hub_enc_key"]))
    _insert(store, case_id, version, "aggregate", None, blob, content_hash(payload), None)


def _insert(
    store: StoreLike,
    case_id: str,
    version: int,
    kind: str,
    patient_id: str | None,
    blob: bytes,
    digest: str,
    pseudonym: str | None,
) -> None:
    def run(db: sqlite_utils.Database) -> None:
        db.execute(
            "INSERT INTO sync_outbox (case_id, version, kind, patient_id, bundle, size, content_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (case_id, version, kind, patient_id, blob, len(blob), digest, now()),
        )
        if pseudonym and patient_id:
            db.execute(
                "INSERT INTO sync_links (pseudonym, patient_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (pseudonym, patient_id, now()),
            )

    store.write(run)


# --- the agent's view ----------------------------------------------------------------------


def pending(store: StoreLike, limit: int = 50) -> list[dict[str, Any]]:
    """Pending bundles, smallest first (bandwidth-aware), then oldest."""
    with store.read() as db:
        return _rows(
            db,
            "SELECT case_id, version, size, attempts, upload_id FROM sync_outbox"
            " WHERE state = 'pending' ORDER BY size, created_at, case_id LIMIT ?",
            (limit,),
        )


def bundle_of(store: StoreLike, case_id: str, version: int) -> bytes:
    with store.read() as db:
        rows = _rows(
            db,
            "SELECT bundle FROM sync_outbox WHERE case_id = ? AND version = ?",
            (case_id, version),
        )
    return bytes(rows[0]["bundle"])


def mark(
    store: StoreLike, case_id: str, version: int, state: str, error: str | None = None
) -> None:
    store.write(
        lambda db: db.execute(
            "UPDATE sync_outbox SET state = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
            " last_error = ?, attempts = attempts + 1 WHERE case_id = ? AND version = ?",
            (state, state, now(), error, case_id, version),
        )
    )


def mark_many(store: StoreLike, marks: list[tuple[str, int, str, str | None]]) -> None:
    """Mark several bundles in one transaction: (case_id, version, state, error)."""
    if not marks:
        return
    stamp = now()

    def run(db: sqlite_utils.Database) -> None:
        for case_id, version, state, error in marks:
            db.execute(
                "UPDATE sync_outbox SET state = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
                " last_error = ?, attempts = attempts + 1 WHERE case_id = ? AND version = ?",
                (state, state, stamp, error, case_id, version),
            )

    store.write(run)


def note_attempt(
    store: StoreLike, case_id: str, version: int, error: str, upload_id: str | None = None
) -> None:
    store.write(
        lambda db: db.execute(
            "UPDATE sync_outbox SET attempts = attempts + 1, last_error = ?, upload_id = COALESCE(?, upload_id)"
            " WHERE case_id = ? AND version = ?",
            (error[:200], upload_id, case_id, version),
        )
    )


def save_reply(store: StoreLike, seq: int, payload: dict[str, Any]) -> bool:
    """Store one reply re-linked to its patient and advance the cursor in the same transaction."""

    def run(db: sqlite_utils.Database) -> bool:
        link = _rows(
            db, "SELECT patient_id FROM sync_links WHERE pseudonym = ?", (payload.get("pseudonym"),)
        )
        cur = db.execute(
            "INSERT INTO sync_replies (reply_id, seq, case_id, case_version, pseudonym, patient_id, mentor,"
            " advice, created_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                payload["reply_id"],
                seq,
                payload["case_id"],
                int(payload["case_version"]),
                payload.get("pseudonym"),
                link[0]["patient_id"] if link else None,
                str(payload["mentor"]),
                str(payload["advice"]),
                str(payload["created_at"]),
                now(),
            ),
        )
        db.execute(
            "INSERT INTO sync_state (key, value) VALUES ('reply_cursor', ?) ON CONFLICT (key) DO UPDATE"
            " SET value = CAST(MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
            (str(seq),),
        )
        return bool(cur.rowcount)

    return store.write(run)


def replies(store: StoreLike, patient_id: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM sync_replies"
    params: tuple[Any, ...] = ()
    if patient_id:
        sql += " WHERE patient_id = ?"
        params = (patient_id,)
    with store.read() as db:
        return _rows(db, sql + " ORDER BY seq", params)


def summary(store: StoreLike) -> dict[str, Any]:
    with store.read() as db:
        counts = {
            r["state"]: r["n"]
            for r in _rows(db, "SELECT state, COUNT(*) AS n FROM sync_outbox GROUP BY state")
        }
        pend = _rows(
            db,
            "SELECT COALESCE(SUM(size), 0) AS b, MIN(created_at) AS oldest FROM sync_outbox WHERE state = 'pending'",
        )
        nrep = _rows(db, "SELECT COUNT(*) AS n FROM sync_replies")[0]["n"]
        unread = _rows(db, "SELECT COUNT(*) AS n FROM sync_replies WHERE read_at IS NULL")[0]["n"]
    return {
        "pending": counts.get("pending", 0),
        "sent": counts.get("sent", 0),
        "rejected": counts.get("rejected", 0),
        "pending_bytes": pend[0]["b"],
        "oldest_pending": pend[0]["oldest"],
        "replies": nrep,
        "unread_replies": unread,
    }


def iter_json(rows: list[dict[str, Any]]) -> Iterator[str]:
    for r in rows:
        yield json.dumps(r, ensure_ascii=False)
