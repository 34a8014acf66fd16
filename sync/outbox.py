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
from appliance.store import consent as consent_repo
from appliance.store import outbox as repo
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


# --- state ---------------------------------------------------------------------------------


def get_state(store: StoreLike) -> dict[str, str]:
    with store.read() as db:
        return repo.get_state(db)


def set_state(store: StoreLike, **values: str) -> None:
    store.write(lambda db: repo.set_state(db, values))


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
    at = now()

    def run(db: sqlite_utils.Database) -> str:
        return consent_repo.record(
            db,
            patient_id=patient_id,
            granted=granted,
            recorded_by=recorded_by,
            recorded_at=at,
            method=method,
            note=note,
            scope=scope,
        )

    consent_id = store.write(run)
    return {
        "id": consent_id,
        "patient_id": patient_id,
        "scope": scope,
        "granted": granted,
        "method": method,
        "recorded_by": recorded_by,
        "recorded_at": at,
        "note": note,
    }


def consent_history(store: StoreLike, patient_id: str) -> list[dict[str, Any]]:
    with store.read() as db:
        rows = consent_repo.history(db, patient_id)
    for r in rows:
        r["granted"] = bool(r["granted"])
    return rows


def has_consent(store: StoreLike, patient_id: str, scope: str = CONSENT_SCOPE) -> bool:
    with store.read() as db:
        return consent_repo.granted(db, patient_id, scope)


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
        existing = repo.case(db, case_id, version)
    if existing is not None and existing["state"] != "requested":
        return {
            "case_id": case_id,
            "version": version,
            "queued": False,
            "state": existing["state"],
            "size": existing["size"],
        }
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
    at = now()

    def run(db: sqlite_utils.Database) -> None:
        repo.store_bundle(
            db,
            case_id=case_id,
            version=version,
            kind=kind,
            patient_id=patient_id,
            bundle=blob,
            digest=digest,
            at=at,
        )
        if pseudonym and patient_id:
            repo.link_pseudonym(db, pseudonym, patient_id, at)

    store.write(run)


# --- the agent's view ----------------------------------------------------------------------


def pending(store: StoreLike, limit: int = 50) -> list[dict[str, Any]]:
    """Pending bundles, smallest first (bandwidth-aware), then oldest."""
    with store.read() as db:
        return repo.pending(db, limit)


def bundle_of(store: StoreLike, case_id: str, version: int) -> bytes:
    with store.read() as db:
        return repo.bundle_of(db, case_id, version)


def mark(
    store: StoreLike, case_id: str, version: int, state: str, error: str | None = None
) -> None:
    at = now()
    store.write(lambda db: repo.mark(db, case_id, version, state, error, at))


def mark_many(store: StoreLike, marks: list[tuple[str, int, str, str | None]]) -> None:
    """Mark several bundles in one transaction: (case_id, version, state, error)."""
    if not marks:
        return
    at = now()

    def run(db: sqlite_utils.Database) -> None:
        for case_id, version, state, error in marks:
            repo.mark(db, case_id, version, state, error, at)

    store.write(run)


def note_attempt(
    store: StoreLike, case_id: str, version: int, error: str, upload_id: str | None = None
) -> None:
    store.write(lambda db: repo.note_attempt(db, case_id, version, error, upload_id))


def save_reply(store: StoreLike, seq: int, payload: dict[str, Any]) -> bool:
    """Store one reply re-linked to its patient and advance the cursor in the same transaction."""
    at = now()
    return store.write(lambda db: repo.save_reply(db, seq, payload, at))


def replies(store: StoreLike, patient_id: str | None = None) -> list[dict[str, Any]]:
    with store.read() as db:
        return repo.replies(db, patient_id)


def summary(store: StoreLike) -> dict[str, Any]:
    with store.read() as db:
        counts = repo.counts(db)
        nrep, unread = repo.reply_counts(db)
    by_state = counts["by_state"]
    return {
        "pending": by_state.get("pending", 0),
        "sent": by_state.get("sent", 0),
        "rejected": by_state.get("rejected", 0),
        "requested": by_state.get("requested", 0),
        "pending_bytes": counts["pending_bytes"],
        "oldest_pending": counts["oldest_pending"],
        "replies": nrep,
        "unread_replies": unread,
    }


def iter_json(rows: list[dict[str, Any]]) -> Iterator[str]:
    for r in rows:
        yield json.dumps(r, ensure_ascii=False)
