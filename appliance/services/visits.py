"""Visit use cases: save (draft or sign), amend, show, list, refer — the one path of the TUI, the
LAN API and the CLI (``clinicbox visit save|show|amend``, ``sync refer``).

The box computes safety: on every save and amendment the medication alerts, QC, triage level
and follow-up plan are recomputed from the record and the store's patient; alerts, QC, triage
or a follow-up plan a client sends are ignored. A signature needs a chief complaint, a diagnosis and an override (rule + reason) for
every major/contraindicated alert. Signed records never change: a later change is an amendment
(a new version with reason, author and time, linked to the version it corrects); a draft never
replaces a signed version; the visit's prescriptions are those of its newest signed version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from appliance.config import Settings
from appliance.errors import (
    InputError,
    NotFoundError,
    RecordAlreadySigned,
    RecordNotSigned,
)
from appliance.services import _visit_safety as safety
from appliance.services.ports import SessionPort
from appliance.store import audit
from appliance.store import visits as repo

JSON = dict[str, Any]
SIGNED = ("signed", "amended")


def _uid(session: SessionPort) -> str:
    # CLI automation acts as the built-in 'system' account, which has a user row (migration
    # 0003), so records and overrides always say who made them.
    return str(session.user_id)


def _privilege(session: SessionPort) -> str:
    user = getattr(session, "user", None)
    return str(getattr(user, "antibiotic_privilege", None) or "non_restricted")


def _record_of(draft: Mapping[str, Any]) -> JSON:
    record = draft.get("record")
    if record is None:
        return {}
    if not isinstance(record, Mapping):
        raise InputError("record 必须是一个 JSON 对象。", "record must be a JSON object.")
    return dict(record)


def _overrides_of(draft: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    overrides = draft.get("overrides") or []
    if not isinstance(overrides, list) or not all(isinstance(o, Mapping) for o in overrides):
        raise InputError(
            "overrides 必须是 [{rule, reason}] 列表。",
            "overrides must be a list of {rule, reason}.",
        )
    return list(overrides)


def _note_of(value: Any) -> str | None:
    """The doctor's free-text follow-up note (display only; the plan itself is the box's)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError("followup_note 必须是文字。", "followup_note must be text.")
    return value.strip()[:2000] or None


def _summary(
    visit_id: str,
    patient_id: str,
    record_id: str,
    version: int,
    status: str,
    at: str | None,
    box: safety.BoxSafety,
) -> JSON:
    return {
        "visit_id": visit_id,
        "patient_id": patient_id,
        "record_id": record_id,
        "version": version,
        "status": status,
        "signed_at": at,
        "alerts": box.alerts,
        "qc": box.qc,
        "triage": box.triage,
        "followup_plan": box.followup_plan,
    }


def _write_version(
    conn: Any,
    session: SessionPort,
    *,
    visit_id: str,
    patient_id: str,
    record_id: str,
    version: int,
    status: str,
    record: JSON,
    box: safety.BoxSafety,
    note: str | None = None,
    reason: str | None = None,
    amends: int | None = None,
) -> str | None:
    uid = _uid(session)
    at = repo.now()
    signed = status in SIGNED
    content: JSON = {
        "record": record,
        "qc": box.qc,
        "triage": box.triage,
        "alerts": box.alerts,
        "followup_plan": box.followup_plan,
        "followup_note": note,
    }
    repo.insert_record_version(
        conn,
        record_id=record_id,
        version=version,
        visit_id=visit_id,
        patient_id=patient_id,
        status=status,
        content=content,
        author_id=uid,
        signed_at=at if signed else None,
        change_note=reason,
        amends_version=amends,
        created_at=at,
    )
    vitals = record.get("vitals") if isinstance(record.get("vitals"), Mapping) else {}
    repo.replace_vitals(conn, patient_id=patient_id, visit_id=visit_id, by=uid, vitals=vitals or {})
    repo.insert_alerts(
        conn,
        patient_id=patient_id,
        visit_id=visit_id,
        record_id=record_id,
        version=version,
        user_id=uid,
        alerts=box.alerts,
    )
    if signed:
        items = [rx for rx in record.get("prescriptions") or [] if isinstance(rx, Mapping)]
        repo.replace_prescriptions(
            conn,
            patient_id=patient_id,
            visit_id=visit_id,
            record_id=record_id,
            prescriber_id=uid,
            items=items,
        )
        if box.triage and box.triage.get("level"):
            repo.insert_triage(
                conn,
                patient_id=patient_id,
                visit_id=visit_id,
                user_id=uid,
                triage=box.triage,
                vitals=vitals or {},
            )
        if box.followup_plan:  # the box's own plan, never one a client sent
            for plan in [box.followup_plan, *(box.followup_plan.get("plans") or [])]:
                if isinstance(plan, Mapping):
                    repo.insert_followup_plan(conn, patient_id=patient_id, user_id=uid, plan=plan)
        repo.close_visit(conn, visit_id)
    action = {"draft": "record.write", "signed": "record.sign", "amended": "record.amend"}[status]
    audit.append(
        conn,
        session.store.audit_key,
        actor=session.username,
        role=session.role,
        action=action,
        patient_id=patient_id,
        target=f"{record_id}:{version}",
    )
    return at if signed else None


def save_visit(
    session: SessionPort, draft: Mapping[str, Any], *, settings: Settings | None = None
) -> JSON:
    """Save a new record version of a visit (creating the visit on first save); ``sign`` signs
    it. Returns ``{"visit_id", "record_id", "version", "status", "alerts", "qc", "triage", ...}``
    with the box's own results (``followup_plan`` too: a plan a client sends is ignored; its
    ``followup_note`` is the doctor's free text). A save of a signed visit with ``amend_reason``
    is an amendment.

    Raises InputError (bad input), NotFoundError (no such patient), PermissionDenied,
    SignBlocked (what a signature lacks), RecordAlreadySigned (the visit is signed).
    """
    if not isinstance(draft, Mapping):
        raise InputError("输入必须是一个 JSON 对象。", "The input must be a JSON object.")
    sign = bool(draft.get("sign"))
    pid = str(draft.get("patient_id") or "").strip()
    if not pid:
        raise InputError("缺少患者编号（patient_id）。", "The patient id (patient_id) is missing.")
    visit_type = str(draft.get("visit_type") or "initial")
    if visit_type not in ("initial", "followup"):
        raise InputError(
            "visit_type 只能是 initial 或 followup。", "visit_type must be initial or followup."
        )
    session.require("record.sign" if sign else "record.write", patient_id=pid)
    record = _record_of(draft)
    overrides = _overrides_of(draft)
    visit_id = str(draft.get("visit_id") or "").strip() or repo.new_id()
    reason = str(draft.get("amend_reason") or "").strip()
    note = _note_of(draft.get("followup_note"))

    with session.store.read_raw() as conn:
        patient = repo.patient(conn, pid)
        current = repo.current_record(conn, visit_id)
    if patient is None:
        raise NotFoundError("没有这个患者。", "No such patient.")
    if current is not None and current["status"] in SIGNED:
        if reason:
            return amend_visit(
                session, visit_id, record, reason, overrides, followup_note=note, settings=settings
            )
        raise RecordAlreadySigned()
    signer = session.username if sign else None
    box = safety.compute(patient, record, _privilege(session), settings, signer, session.store)
    if safety.apply_overrides(box.alerts, overrides):
        session.require("alert.override", patient_id=pid)
    if sign:
        safety.require_signable(record, box.alerts)
    status = "signed" if sign else "draft"

    def run(conn: Any) -> JSON:
        existing = repo.visit(conn, visit_id)
        if existing is None:
            repo.insert_visit(
                conn,
                visit_id=visit_id,
                patient_id=pid,
                visit_type=visit_type,
                department=(box.triage or {}).get("department"),
                doctor_id=_uid(session),
                started_at=repo.now(),
            )
        elif existing["patient_id"] != pid:
            raise InputError("就诊与患者不匹配。", "The visit belongs to another patient.")
        now_current = repo.current_record(conn, visit_id)
        if now_current is not None and now_current["status"] in SIGNED:
            raise RecordAlreadySigned()  # signed by someone else since we looked
        record_id = now_current["record_id"] if now_current else repo.new_id()
        version = int(now_current["version"]) + 1 if now_current else 1
        at = _write_version(
            conn,
            session,
            visit_id=visit_id,
            patient_id=pid,
            record_id=record_id,
            version=version,
            status=status,
            record=record,
            box=box,
            note=note,
        )
        return _summary(visit_id, pid, record_id, version, status, at, box)

    result: JSON = session.store.write_raw(run)
    return result


def amend_visit(
    session: SessionPort,
    visit_id: str,
    record: Mapping[str, Any],
    reason: str,
    overrides: Sequence[Mapping[str, Any]] = (),
    *,
    followup_note: str | None = None,
    settings: Settings | None = None,
) -> JSON:
    """Correct a signed record: a new signed version (status ``amended``) with the reason, the
    author and the time, linked to the version it corrects. Same signature rules as signing;
    alerts, QC, triage and the follow-up plan are the box's, computed afresh. The follow-up
    note is kept from the corrected version unless ``followup_note`` is given."""
    reason = str(reason or "").strip()
    if not reason:
        raise InputError(
            "修订病历必须写明理由（--reason）。", "An amendment needs a reason (--reason)."
        )
    if not isinstance(record, Mapping):
        raise InputError("record 必须是一个 JSON 对象。", "record must be a JSON object.")
    note = _note_of(followup_note)
    with session.store.read_raw() as conn:
        current = repo.current_record(conn, visit_id)
        patient = repo.patient(conn, current["patient_id"]) if current else None
        history = repo.record_history(conn, visit_id) if current else []
    if current is None or patient is None:
        raise NotFoundError("没有这次就诊。", "No such visit.")
    pid = str(current["patient_id"])
    session.require("record.sign", patient_id=pid)
    if current["status"] not in SIGNED:
        raise RecordNotSigned(
            "病历还是草稿，不需要修订：直接保存或签名即可。",
            "The record is still a draft: save or sign it instead of amending.",
            hint_zh="",
            hint_en="",
        )
    record = dict(record)
    # the follow-up history is the patient's plans from before this visit was first signed
    first_signed = min((str(h["signed_at"]) for h in history if h["signed_at"]), default=None)
    box = safety.compute(
        patient,
        record,
        _privilege(session),
        settings,
        session.username,
        session.store,
        history_before=first_signed,
    )
    if safety.apply_overrides(box.alerts, list(overrides)):
        session.require("alert.override", patient_id=pid)
    safety.require_signable(record, box.alerts)

    def run(conn: Any) -> JSON:
        now_current = repo.current_record(conn, visit_id)
        assert now_current is not None
        version = int(now_current["version"]) + 1
        at = _write_version(
            conn,
            session,
            visit_id=visit_id,
            patient_id=pid,
            record_id=str(now_current["record_id"]),
            version=version,
            status="amended",
            record=record,
            box=box,
            note=note if followup_note is not None else _content(now_current).get("followup_note"),
            reason=reason,
            amends=int(now_current["version"]),
        )
        out = _summary(visit_id, pid, str(now_current["record_id"]), version, "amended", at, box)
        out["amends_version"] = int(now_current["version"])
        out["reason"] = reason
        return out

    result: JSON = session.store.write_raw(run)
    return result


def _content(row: Mapping[str, Any] | None) -> JSON:
    if row is None:
        return {}
    try:
        content = json.loads(row.get("content_json") or "{}")
    except ValueError:
        return {}
    return content if isinstance(content, dict) else {}


def get_visit(session: SessionPort, visit_id: str) -> JSON:
    """The visit's current record version with the box's alerts, QC and triage, and the history
    of its versions (``clinicbox visit show``)."""
    with session.store.read_raw() as conn:
        visit = repo.visit(conn, visit_id)
        current = repo.current_record(conn, visit_id) if visit else None
        history = repo.record_history(conn, visit_id) if visit else []
    if visit is None:
        raise NotFoundError("没有这次就诊。", "No such visit.")
    pid = str(visit["patient_id"])
    session.require("record.read", patient_id=pid)
    session.audit("record.read", patient_id=pid, target=visit_id)
    content = _content(current)
    status = str(current["status"]) if current else "draft"
    return {
        "visit_id": visit_id,
        "patient_id": pid,
        "visit_type": visit["visit_type"],
        "record_id": current["record_id"] if current else None,
        "version": int(current["version"]) if current else 0,
        "status": status,
        "sign": status in SIGNED,
        "signed_at": current["signed_at"] if current else None,
        "record": content.get("record") or {},
        "alerts": content.get("alerts") or [],
        "qc": content.get("qc"),
        "triage": content.get("triage"),
        "followup_plan": content.get("followup_plan"),
        "followup_note": content.get("followup_note") or "",
        "history": [
            {
                "version": int(h["version"]),
                "status": h["status"],
                "author": h["author"] or h["author_id"],
                "created_at": h["created_at"],
                "signed_at": h["signed_at"],
                "reason": h["change_note"],
                "amends_version": h["amends_version"],
            }
            for h in history
        ],
    }


def list_visits(session: SessionPort, patient_id: str) -> list[JSON]:
    session.require("visit.read", patient_id=patient_id)
    with session.store.read_raw() as conn:
        rows = repo.visits_of_patient(conn, patient_id)
    session.audit("visit.list", patient_id=patient_id, detail={"count": len(rows)})
    may_read_record = session.can("record.read")  # the front desk sees visits, not records
    out = []
    for row in rows:
        content = _content(row)
        record = content.get("record") or {}
        triage = content.get("triage") or {}
        row.pop("content_json", None)
        if may_read_record:
            row["chief_complaint"] = record.get("chief_complaint", "")
            row["diagnoses"] = [
                str(d.get("name", d)) if isinstance(d, Mapping) else str(d)
                for d in record.get("diagnoses") or []
            ]
        row["triage_level"] = triage.get("level")
        row["status"] = row.get("status") or "draft"
        out.append(row)
    return out
