"""Visits and their versioned records, as the visit workspace saves them.

One save = one transaction on the store's writer: the visit (created on first save), a new record
version (never an update), the vitals, and — when signing — prescriptions, medication alerts with
the doctor's override reasons, the triage result and the follow-up plan. Every save is audited.
Used by :class:`LocalClinicService` when the store area has no visits service of its own.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from appliance.errors import ConsentRequired, InputError, NotFoundError
from appliance.services import _referral
from appliance.store import audit

_VITAL_COLUMNS = {
    "sbp": "sbp",
    "dbp": "dbp",
    "hr": "hr",
    "rr": "rr",
    "temp": "temp_c",
    "spo2": "spo2",
    "gcs": "gcs",
    "glucose": "glucose_mmol",
    "pain": "pain",
    "weight_kg": "weight_kg",
    "height_cm": "height_cm",
}
_INT_VITALS = {"sbp", "dbp", "hr", "rr", "spo2", "gcs", "pain"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _id() -> str:
    return secrets.token_hex(8)


def _rows(conn: Any, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, v, strict=True)) for v in cursor.fetchall()]


def _user_id(session: Any) -> str:
    # CLI automation acts as the built-in 'system' account, which has a user row (migration
    # 0003), so overrides and records always say who made them.
    return str(session.user_id)


def _insert_vitals(conn: Any, session: Any, pid: str, vid: str, vitals: dict[str, Any]) -> None:
    values = {
        col: (round(float(vitals[k])) if k in _INT_VITALS else float(vitals[k]))
        for k, col in _VITAL_COLUMNS.items()
        if vitals.get(k) is not None
    }
    if not values:
        return
    conn.execute("DELETE FROM vitals WHERE visit_id = ?", (vid,))
    cols = ["id", "patient_id", "visit_id", "measured_at", "measured_by", *values]
    conn.execute(
        f"INSERT INTO vitals ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
        (_id(), pid, vid, _now(), _user_id(session), *values.values()),
    )


def _insert_signed_parts(
    conn: Any, session: Any, pid: str, vid: str, record_id: str, draft: dict[str, Any]
) -> None:
    now, uid = _now(), _user_id(session)
    record = draft.get("record") or {}
    conn.execute(
        "UPDATE prescription SET status = 'cancelled' WHERE visit_id = ? AND status = 'active'",
        (vid,),
    )
    for rx in record.get("prescriptions") or []:
        conn.execute(
            "INSERT INTO prescription (id, patient_id, visit_id, record_id, drug, dose_mg,"
            " frequency_per_day, route, days, prescriber_id, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                _id(),
                pid,
                vid,
                record_id,
                str(rx.get("drug", "")),
                rx.get("dose_mg"),
                rx.get("frequency_per_day"),
                rx.get("route"),
                int(rx["days"]) if rx.get("days") else None,
                uid,
                now,
            ),
        )
    reasons = {
        json.dumps(o["alert"], sort_keys=True): o["reason"] for o in draft.get("overrides") or []
    }
    for alert in draft.get("med_alerts") or []:
        alert_id = _id()
        conn.execute(
            "INSERT INTO alert (id, patient_id, visit_id, type, severity, drugs_json, message,"
            " source, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                alert_id,
                pid,
                vid,
                str(alert.get("type", "")),
                str(alert.get("severity", "minor")),
                json.dumps(alert.get("drugs") or [], ensure_ascii=False),
                str(alert.get("message", "")),
                str(alert.get("source", "")),
                now,
            ),
        )
        reason = reasons.get(json.dumps(alert, sort_keys=True))
        if reason and uid is not None:
            conn.execute(
                "INSERT INTO alert_override (id, alert_id, user_id, reason, created_at)"
                " VALUES (?,?,?,?,?)",
                (_id(), alert_id, uid, reason, now),
            )
    triage = draft.get("triage")
    if triage and triage.get("level"):
        conn.execute(
            "INSERT INTO triage (id, patient_id, visit_id, level, disposition, department, refer,"
            " reasons_json, input_json, by_user, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                _id(),
                pid,
                vid,
                int(triage["level"]),
                str(triage.get("disposition") or "routine"),
                triage.get("department"),
                1 if triage.get("refer") else 0,
                json.dumps(triage.get("reasons") or [], ensure_ascii=False),
                json.dumps({"vitals": record.get("vitals") or {}}, ensure_ascii=False),
                uid,
                now,
            ),
        )
    top = draft.get("followup_plan") or {}
    for plan in [top, *(top.get("plans") or [])]:
        _insert_plan(conn, pid, uid, now, plan)


def _insert_plan(conn: Any, pid: str, uid: str | None, now: str, plan: dict[str, Any]) -> None:
    if not (plan.get("condition") and plan.get("interval_days")):
        return
    next_due = plan.get("next_due") or plan.get("due_date")
    if not next_due:
        next_due = (date.today() + timedelta(days=int(plan["interval_days"]))).isoformat()
    conn.execute(
        "UPDATE followup_plan SET status = 'closed' WHERE patient_id = ? AND condition = ?"
        " AND status = 'active'",
        (pid, str(plan["condition"])),
    )
    conn.execute(
        "INSERT INTO followup_plan (id, patient_id, condition, rule, source, interval_days,"
        " next_due, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            _id(),
            pid,
            str(plan["condition"]),
            str(plan.get("rule") or ""),
            plan.get("source"),
            int(plan["interval_days"]),
            str(next_due)[:10],
            uid,
            now,
        ),
    )


def save_visit(session: Any, draft: dict[str, Any]) -> dict[str, Any]:
    sign = bool(draft.get("sign"))
    pid = str(draft.get("patient_id") or "")
    if not pid:
        raise InputError("缺少患者编号。", "The patient id is missing.")
    session.require("record.sign" if sign else "record.write", patient_id=pid)
    if draft.get("overrides"):
        session.require("alert.override", patient_id=pid)
    record = dict(draft.get("record") or {})
    store = session.store
    now, uid = _now(), _user_id(session)
    visit_id = str(draft.get("visit_id") or "") or _id()

    def run(conn: Any) -> dict[str, Any]:
        if not conn.execute("SELECT 1 FROM patient WHERE id = ?", (pid,)).fetchone():
            raise NotFoundError("没有这个患者。", "No such patient.")
        exists = conn.execute("SELECT patient_id FROM visit WHERE id = ?", (visit_id,)).fetchone()
        if exists is None:
            triage = draft.get("triage") or {}
            conn.execute(
                "INSERT INTO visit (id, patient_id, visit_type, department, doctor_id, started_at)"
                " VALUES (?,?,?,?,?,?)",
                (
                    visit_id,
                    pid,
                    draft.get("visit_type") or "initial",
                    triage.get("department"),
                    uid,
                    now,
                ),
            )
        elif exists[0] != pid:
            raise InputError("就诊与患者不匹配。", "The visit belongs to another patient.")
        current = conn.execute(
            "SELECT record_id, version FROM record_current WHERE visit_id = ?", (visit_id,)
        ).fetchone()
        record_id, version = (current[0], current[1] + 1) if current else (_id(), 1)
        content = {
            "record": record,
            "qc": draft.get("qc"),
            "triage": draft.get("triage"),
            "followup_plan": draft.get("followup_plan"),
        }
        conn.execute(
            "INSERT INTO record (record_id, version, visit_id, patient_id, status, content_json,"
            " author_id, signed_by, signed_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                record_id,
                version,
                visit_id,
                pid,
                "signed" if sign else "draft",
                json.dumps(content, ensure_ascii=False),
                uid,
                uid if sign else None,
                now if sign else None,
                now,
            ),
        )
        _insert_vitals(conn, session, pid, visit_id, record.get("vitals") or {})
        if sign:
            _insert_signed_parts(conn, session, pid, visit_id, record_id, draft)
            conn.execute(
                "UPDATE visit SET status = 'closed', ended_at = ? WHERE id = ?", (now, visit_id)
            )
        audit.append(
            conn,
            store.audit_key,
            actor=session.username,
            role=session.role,
            action="record.sign" if sign else "record.write",
            patient_id=pid,
            target=f"{record_id}:{version}",
        )
        return {
            "visit_id": visit_id,
            "patient_id": pid,
            "record_id": record_id,
            "version": version,
            "status": "signed" if sign else "draft",
            "signed_at": now if sign else None,
        }

    result: dict[str, Any] = store.write_raw(run)
    return result


def list_visits(session: Any, patient_id: str) -> list[dict[str, Any]]:
    session.require("visit.read", patient_id=patient_id)
    with session.store.read_raw() as conn:
        rows = _rows(
            conn,
            "SELECT v.id AS visit_id, v.patient_id, v.started_at, r.status, r.signed_at,"
            " r.signed_by, r.content_json FROM visit v LEFT JOIN record_current r"
            " ON r.visit_id = v.id WHERE v.patient_id = ? ORDER BY v.started_at DESC",
            (patient_id,),
        )
    session.audit("visit.list", patient_id=patient_id, detail={"count": len(rows)})
    may_read_record = session.can("record.read")  # the front desk sees visits, not records
    out = []
    for row in rows:
        content = json.loads(row.pop("content_json") or "{}")
        record = content.get("record") or {}
        triage = content.get("triage") or {}
        if may_read_record:
            row["chief_complaint"] = record.get("chief_complaint", "")
            row["diagnoses"] = [str(d.get("name", d)) for d in record.get("diagnoses") or []]
        row["triage_level"] = triage.get("level")
        row["status"] = row.get("status") or "draft"
        out.append(row)
    return out


def get_visit(session: Any, visit_id: str) -> dict[str, Any]:
    with session.store.read_raw() as conn:
        rows = _rows(
            conn,
            "SELECT v.id AS visit_id, v.patient_id, v.visit_type, r.status, r.content_json"
            " FROM visit v LEFT JOIN record_current r ON r.visit_id = v.id WHERE v.id = ?",
            (visit_id,),
        )
    if not rows:
        raise NotFoundError("没有这次就诊。", "No such visit.")
    row = rows[0]
    session.require("record.read", patient_id=row["patient_id"])
    session.audit("record.read", patient_id=row["patient_id"], target=visit_id)
    content = json.loads(row.get("content_json") or "{}")
    return {
        "visit_id": visit_id,
        "patient_id": row["patient_id"],
        "visit_type": row["visit_type"],
        "record": content.get("record") or {},
        "triage": content.get("triage"),
        "qc": content.get("qc"),
        "followup_plan": content.get("followup_plan"),
        "sign": row.get("status") == "signed",
    }


def _seal(session: Any, draft: dict[str, Any], queued: dict[str, Any], question: str) -> None:
    """Hand the referral to the sync outbox now when it can be sealed; else it stays a pending
    referral request (e.g. the box is not enrolled with a mentor hub yet)."""
    from appliance.errors import ClinicBoxError

    sealer = _referral.current()
    if sealer is None or queued.get("duplicate"):
        queued["sealed"] = False
        return
    store = session.store
    with store.read_raw() as conn:
        rows = _rows(conn, "SELECT * FROM patient WHERE id = ?", (draft["patient_id"],))
    qc = draft.get("qc") or {}
    case = {
        "case_id": draft["visit_id"],
        "version": queued["version"],
        "patient_id": draft["patient_id"],
        "patient": rows[0] if rows else {},
        "record": draft.get("record") or {},
        "question": question,
        "qc_passed": qc.get("passed") if isinstance(qc, dict) else None,
    }
    try:
        sealed = sealer(store, case)
    except ClinicBoxError as exc:
        queued["sealed"] = False
        queued["note"] = exc.message()
        return
    queued["sealed"] = True
    queued["bundle"] = {k: sealed.get(k) for k in ("case_id", "version", "state", "size")}
    store.write_raw(
        lambda conn: conn.execute(
            "UPDATE outbox SET state = 'sent', updated_at = ? WHERE id = ?",
            (_now(), queued["outbox_id"]),
        )
    )


def _has_consent(conn: Any, pid: str) -> bool:
    """PIPL consent to mentor review: the sync area's consent history decides when it has any
    row for the patient (latest wins); otherwise the core consent table."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "sync_consent" in tables:
        row = conn.execute(
            "SELECT granted FROM sync_consent WHERE patient_id = ? AND scope = 'mentor_review'"
            " ORDER BY id DESC LIMIT 1",
            (pid,),
        ).fetchone()
        if row is not None:
            return bool(row[0])
    row = conn.execute(
        "SELECT 1 FROM consent WHERE patient_id = ? AND scope = 'mentor_sharing'"
        " AND granted = 1 AND revoked_at IS NULL",
        (pid,),
    ).fetchone()
    return row is not None


def refer_to_mentor(session: Any, visit_id: str, question: str) -> dict[str, Any]:
    """Queue the visit's current record for the mentor hospital (the sync agent de-identifies
    and sends it). Needs the patient's consent to mentor review (PIPL)."""
    draft = get_visit(session, visit_id)
    pid = draft["patient_id"]
    session.require("referral.send", patient_id=pid)
    if not question.strip():
        raise InputError("请写下要请教的问题。", "Write the question for the mentor.")
    store = session.store

    def run(conn: Any) -> dict[str, Any]:
        consent = _has_consent(conn, pid)
        if not consent:
            raise ConsentRequired()
        current = conn.execute(
            "SELECT record_id, version FROM record_current WHERE visit_id = ?", (visit_id,)
        ).fetchone()
        if current is None:
            raise InputError("请先保存病历。", "Save the record first.")
        key = f"referral:{visit_id}:{current[1]}"
        existing = conn.execute(
            "SELECT id FROM outbox WHERE idempotency_key = ?", (key,)
        ).fetchone()
        if existing is not None:
            return {
                "queued": True,
                "outbox_id": existing[0],
                "version": current[1],
                "duplicate": True,
            }
        outbox_id, now = _id(), _now()
        payload = {
            "visit_id": visit_id,
            "record_id": current[0],
            "version": current[1],
            "question": question,
        }
        conn.execute(
            "INSERT INTO outbox (id, kind, ref_id, patient_id, idempotency_key, payload_json,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
            (
                outbox_id,
                "referral",
                visit_id,
                pid,
                key,
                json.dumps(payload, ensure_ascii=False),
                now,
                now,
            ),
        )
        audit.append(
            conn,
            store.audit_key,
            actor=session.username,
            role=session.role,
            action="referral.queue",
            patient_id=pid,
            target=visit_id,
        )
        return {
            "queued": True,
            "outbox_id": outbox_id,
            "version": current[1],
            "duplicate": False,
        }

    result: dict[str, Any] = store.write_raw(run)
    _seal(session, {**draft, "visit_id": visit_id}, result, question)
    return result
