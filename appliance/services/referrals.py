"""Referral of a visit to the mentor hospital — the one path of the TUI (F9), the LAN API
(``POST /api/v1/visits/{id}/refer``) and ``clinicbox sync refer``: only a signed (or amended)
record, with the patient's consent; one hub case per visit (case id = visit id), one bundle per
record version, asking again is a no-op; the same de-identified bundle whichever front end asked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from appliance.errors import (
    ClinicBoxError,
    ConsentRequired,
    InputError,
    NotFoundError,
    RecordNotSigned,
)
from appliance.services.ports import ReferralSealer, SessionPort
from appliance.store import audit
from appliance.store import referrals as referral_repo
from appliance.store import visits as repo

JSON = dict[str, Any]
SIGNED = ("signed", "amended")


def _content(row: Mapping[str, Any] | None) -> JSON:
    if row is None:
        return {}
    try:
        content = json.loads(row.get("content_json") or "{}")
    except ValueError:
        return {}
    return content if isinstance(content, dict) else {}


def refer_visit(
    session: SessionPort,
    visit_id: str,
    question: str,
    *,
    sealer: ReferralSealer | None = None,
) -> JSON:
    """Refer the visit's current signed record to the mentor hospital: one hub case per visit
    (case id = visit id), one bundle per record version, asking again is a no-op. Needs the
    patient's consent to mentor review (PIPL). With a ``sealer`` (sync installed) the case is
    sealed into the sync outbox now; without one, or before enrolment, it waits as a request.
    Raises RecordNotSigned for a draft, ConsentRequired, InputError for an empty question."""
    if not str(question or "").strip():
        raise InputError("请写下要请教的问题。", "Write the question for the mentor.")
    with session.store.read_raw() as conn:
        visit = repo.visit(conn, visit_id)
        current = repo.current_record(conn, visit_id) if visit else None
    if visit is None:
        raise NotFoundError("没有这次就诊。", "No such visit.")
    pid = str(visit["patient_id"])
    session.require("referral.send", patient_id=pid)
    if current is None:
        raise RecordNotSigned("请先保存并签名病历。", "Save and sign the record first.")
    if current["status"] not in SIGNED:
        raise RecordNotSigned(
            "病历尚未签名定稿，不能转诊。",
            "The record is not signed (finalized) yet; it cannot be referred.",
        )
    version = int(current["version"])

    def run(conn: Any) -> JSON:
        if not referral_repo.has_mentor_consent(conn, pid):
            raise ConsentRequired()
        existing = referral_repo.find_referral(conn, visit_id, version)
        if existing is not None:
            return {"queued": True, "outbox_id": existing["id"], "duplicate": True}
        payload = {
            "visit_id": visit_id,
            "record_id": current["record_id"],
            "version": version,
            "question": question,
        }
        outbox_id = referral_repo.queue_referral(
            conn, visit_id=visit_id, patient_id=pid, payload=payload
        )
        audit.append(
            conn,
            session.store.audit_key,
            actor=session.username,
            role=session.role,
            action="referral.queue",
            patient_id=pid,
            target=visit_id,
        )
        return {"queued": True, "outbox_id": outbox_id, "duplicate": False}

    result: JSON = session.store.write_raw(run)
    result.update(case_id=visit_id, version=version, record_id=current["record_id"])
    if sealer is None or result["duplicate"]:
        result["sealed"] = False
        return result
    content = _content(current)
    with session.store.read_raw() as conn:
        patient = repo.patient(conn, pid) or {}
    case = referral_case(visit_id, version, pid, patient, content, question)
    try:
        sealed = sealer(session.store, case)
    except ClinicBoxError as exc:
        result["sealed"] = False
        result["note"] = exc.message()
        return result
    result["sealed"] = True
    result["bundle"] = {k: sealed.get(k) for k in ("case_id", "version", "state", "size")}
    return result


def referral_case(
    visit_id: str,
    version: int,
    patient_id: str,
    patient: Mapping[str, Any],
    content: Mapping[str, Any],
    question: str,
) -> JSON:
    """The one shape of a referred case, whichever front end asked: the record itself (never
    the stored wrapper), the box's QC verdict, keyed by the visit."""
    record = content.get("record") if isinstance(content.get("record"), Mapping) else content
    qc = content.get("qc")
    return {
        "case_id": visit_id,
        "version": version,
        "patient_id": patient_id,
        "patient": {
            k: patient.get(k)
            for k in ("name", "sex", "birth_date", "id_number", "phone", "address")
        },
        "record": dict(record or {}),
        "question": question,
        "qc_passed": qc.get("passed") if isinstance(qc, Mapping) else None,
    }


def visit_of_record(session: SessionPort, record_id: str) -> str:
    """The visit a record id belongs to (``sync refer --record``)."""
    with session.store.read_raw() as conn:
        row = repo.latest_version_of_record(conn, record_id)
    if row is None:
        raise NotFoundError("找不到该病历。", "No such record.")
    return str(row["visit_id"])
