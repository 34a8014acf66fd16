"""Visits, their versioned records and what hangs off a record version: vitals, prescriptions,
the box's medication alerts (with override reasons), triage, follow-up plans and referral
requests. The SQL of the visit use cases lives here; every function takes the connection of
the current transaction (``store.write_raw`` / ``store.read_raw``) and returns plain rows.

Record versions are never updated (a trigger refuses it): a save inserts version n + 1.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

Row = dict[str, Any]

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


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return secrets.token_hex(8)


def rows(conn: Any, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    cursor = conn.execute(sql, tuple(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, v, strict=True)) for v in cursor.fetchall()]


def _one(conn: Any, sql: str, params: Sequence[Any]) -> Row | None:
    found = rows(conn, sql, params)
    return found[0] if found else None


# --- reading ---------------------------------------------------------------------------------


def patient(conn: Any, patient_id: str) -> Row | None:
    return _one(conn, "SELECT * FROM patient WHERE id = ?", (patient_id,))


def visit(conn: Any, visit_id: str) -> Row | None:
    return _one(conn, "SELECT * FROM visit WHERE id = ?", (visit_id,))


def current_record(conn: Any, visit_id: str) -> Row | None:
    """The newest version of the visit's record (any status), or None before the first save."""
    return _one(
        conn,
        "SELECT * FROM record WHERE visit_id = ? ORDER BY version DESC LIMIT 1",
        (visit_id,),
    )


def record_history(conn: Any, visit_id: str) -> list[Row]:
    """Every version of the visit's record, oldest first (content not included)."""
    return rows(
        conn,
        "SELECT r.record_id, r.version, r.status, r.author_id, a.username AS author,"
        " r.signed_by, r.signed_at, r.change_note, r.amends_version, r.created_at"
        " FROM record r LEFT JOIN user a ON a.id = r.author_id"
        " WHERE r.visit_id = ? ORDER BY r.version",
        (visit_id,),
    )


def latest_version_of_record(conn: Any, record_id: str) -> Row | None:
    return _one(
        conn,
        "SELECT record_id, version, visit_id, patient_id, status FROM record"
        " WHERE record_id = ? ORDER BY version DESC LIMIT 1",
        (record_id,),
    )


def record_content(conn: Any, record_id: str, version: int) -> str | None:
    """The stored content (JSON text) of one record version."""
    found = _one(
        conn,
        "SELECT content_json FROM record WHERE record_id = ? AND version = ?",
        (record_id, version),
    )
    return str(found["content_json"]) if found else None


def latest_record(conn: Any, record_id: str) -> Row | None:
    """The newest version of a record, with its content."""
    return _one(
        conn,
        "SELECT record_id, version, status, content_json, patient_id, visit_id FROM record"
        " WHERE record_id = ? ORDER BY version DESC LIMIT 1",
        (record_id,),
    )


def visits_of_patient(conn: Any, patient_id: str) -> list[Row]:
    return rows(
        conn,
        "SELECT v.id AS visit_id, v.patient_id, v.started_at, r.status, r.signed_at,"
        " r.signed_by, r.content_json FROM visit v LEFT JOIN record_current r"
        " ON r.visit_id = v.id WHERE v.patient_id = ? ORDER BY v.started_at DESC",
        (patient_id,),
    )


def alerts_of_version(conn: Any, record_id: str, version: int) -> list[Row]:
    return rows(
        conn,
        "SELECT a.id, a.type, a.severity, a.drugs_json, a.message, a.source, a.rule,"
        " o.reason AS override_reason FROM alert a LEFT JOIN alert_override o"
        " ON o.alert_id = a.id WHERE a.record_id = ? AND a.record_version = ? ORDER BY a.rowid",
        (record_id, version),
    )


def active_prescriptions(conn: Any, visit_id: str) -> list[Row]:
    return rows(
        conn,
        "SELECT id, record_id, drug, dose_mg, frequency_per_day, route, days FROM prescription"
        " WHERE visit_id = ? AND status = 'active' ORDER BY rowid",
        (visit_id,),
    )


# --- writing ---------------------------------------------------------------------------------


def user_id_of(conn: Any, username: str) -> str | None:
    row = conn.execute("SELECT id FROM user WHERE username = ?", (username,)).fetchone()
    return str(row[0]) if row else None


def insert_visit(
    conn: Any,
    *,
    visit_id: str,
    patient_id: str,
    visit_type: str,
    department: str | None,
    doctor_id: str,
    started_at: str,
) -> None:
    conn.execute(
        "INSERT INTO visit (id, patient_id, visit_type, department, doctor_id, started_at)"
        " VALUES (?,?,?,?,?,?)",
        (visit_id, patient_id, visit_type, department, doctor_id, started_at),
    )


def insert_record_version(
    conn: Any,
    *,
    record_id: str,
    version: int,
    visit_id: str,
    patient_id: str,
    status: str,
    content: Mapping[str, Any],
    author_id: str,
    signed_at: str | None,
    change_note: str | None,
    amends_version: int | None,
    created_at: str,
) -> None:
    conn.execute(
        "INSERT INTO record (record_id, version, visit_id, patient_id, status, content_json,"
        " author_id, signed_by, signed_at, change_note, amends_version, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            record_id,
            version,
            visit_id,
            patient_id,
            status,
            json.dumps(dict(content), ensure_ascii=False),
            author_id,
            author_id if signed_at else None,
            signed_at,
            change_note,
            amends_version,
            created_at,
        ),
    )


def replace_vitals(
    conn: Any, *, patient_id: str, visit_id: str, by: str, vitals: Mapping[str, Any]
) -> None:
    values = {
        col: (round(float(vitals[k])) if k in _INT_VITALS else float(vitals[k]))
        for k, col in _VITAL_COLUMNS.items()
        if vitals.get(k) is not None
    }
    if not values:
        return
    conn.execute("DELETE FROM vitals WHERE visit_id = ?", (visit_id,))
    cols = ["id", "patient_id", "visit_id", "measured_at", "measured_by", *values]
    conn.execute(
        f"INSERT INTO vitals ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
        (new_id(), patient_id, visit_id, now(), by, *values.values()),
    )


def replace_prescriptions(
    conn: Any,
    *,
    patient_id: str,
    visit_id: str,
    record_id: str,
    prescriber_id: str,
    items: Sequence[Mapping[str, Any]],
    at: str | None = None,
) -> None:
    """The visit's active prescriptions become those of the newest signed/amended version."""
    conn.execute(
        "UPDATE prescription SET status = 'cancelled' WHERE visit_id = ? AND status = 'active'",
        (visit_id,),
    )
    at = at or now()
    for rx in items:
        conn.execute(
            "INSERT INTO prescription (id, patient_id, visit_id, record_id, drug, dose_mg,"
            " frequency_per_day, route, days, prescriber_id, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                new_id(),
                patient_id,
                visit_id,
                record_id,
                str(rx.get("drug", "")),
                rx.get("dose_mg"),
                rx.get("frequency_per_day"),
                rx.get("route"),
                int(rx["days"]) if rx.get("days") else None,
                prescriber_id,
                at,
            ),
        )


def insert_alerts(
    conn: Any,
    *,
    patient_id: str,
    visit_id: str,
    record_id: str,
    version: int,
    user_id: str,
    alerts: Sequence[Mapping[str, Any]],
) -> None:
    """The box's alerts for one record version; ``override_reason`` (when set) is kept as the
    doctor's override of that alert."""
    at = now()
    for alert in alerts:
        alert_id = new_id()
        conn.execute(
            "INSERT INTO alert (id, patient_id, visit_id, type, severity, drugs_json, message,"
            " source, created_at, record_id, record_version, rule)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                alert_id,
                patient_id,
                visit_id,
                str(alert.get("type", "")),
                str(alert.get("severity", "minor")),
                json.dumps(list(alert.get("drugs") or []), ensure_ascii=False),
                str(alert.get("message", "")),
                str(alert.get("source", "")),
                at,
                record_id,
                version,
                str(alert.get("rule") or ""),
            ),
        )
        reason = str(alert.get("override_reason") or "").strip()
        if reason:
            conn.execute(
                "INSERT INTO alert_override (id, alert_id, user_id, reason, created_at)"
                " VALUES (?,?,?,?,?)",
                (new_id(), alert_id, user_id, reason, at),
            )


def insert_triage(
    conn: Any,
    *,
    patient_id: str,
    visit_id: str,
    user_id: str,
    triage: Mapping[str, Any],
    vitals: Mapping[str, Any],
) -> None:
    conn.execute(
        "INSERT INTO triage (id, patient_id, visit_id, level, disposition, department, refer,"
        " reasons_json, input_json, by_user, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            new_id(),
            patient_id,
            visit_id,
            int(triage["level"]),
            str(triage.get("disposition") or "routine"),
            triage.get("department"),
            1 if triage.get("refer") else 0,
            json.dumps(list(triage.get("reasons") or []), ensure_ascii=False),
            json.dumps({"vitals": dict(vitals)}, ensure_ascii=False),
            user_id,
            now(),
        ),
    )


def insert_followup_plan(
    conn: Any,
    *,
    patient_id: str,
    user_id: str,
    plan: Mapping[str, Any],
    plan_id: str | None = None,
    created_at: str | None = None,
) -> None:
    """A new active plan for the condition (the previous active one is closed)."""
    if not (plan.get("condition") and plan.get("interval_days")):
        return
    next_due = plan.get("next_due") or plan.get("due_date")
    if not next_due:
        next_due = (date.today() + timedelta(days=int(plan["interval_days"]))).isoformat()
    conn.execute(
        "UPDATE followup_plan SET status = 'closed' WHERE patient_id = ? AND condition = ?"
        " AND status = 'active'",
        (patient_id, str(plan["condition"])),
    )
    conn.execute(
        "INSERT INTO followup_plan (id, patient_id, condition, rule, source, interval_days,"
        " next_due, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            plan_id or new_id(),
            patient_id,
            str(plan["condition"]),
            str(plan.get("rule") or ""),
            plan.get("source"),
            int(plan["interval_days"]),
            str(next_due)[:10],
            user_id,
            created_at or now(),
        ),
    )


def insert_followup_event(
    conn: Any,
    *,
    plan_id: str,
    patient_id: str,
    due_date: str,
    done_at: str | None,
    outcome: str | None,
) -> None:
    conn.execute(
        "INSERT INTO followup_event (id, plan_id, patient_id, due_date, done_at, outcome)"
        " VALUES (?,?,?,?,?,?)",
        (new_id(), plan_id, patient_id, due_date, done_at, outcome),
    )


def close_visit(conn: Any, visit_id: str, at: str | None = None) -> None:
    conn.execute(
        "UPDATE visit SET status = 'closed', ended_at = ? WHERE id = ?", (at or now(), visit_id)
    )
