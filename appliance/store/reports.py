"""Read-side queries for the services' reports: the quality dashboard, exam history, follow-up
lists, batch QC, a patient's audit trail and the LAN security signals. Functions take the
connection or ``sqlite_utils.Database`` of a read (``store.read_raw()`` / ``store.read()``) —
both have ``execute`` — and return plain tuples or rows."""

from __future__ import annotations

from typing import Any


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- quality dashboard ------------------------------------------------------------------------


def signed_visits_since(conn: Any, first: str) -> list[tuple[str, str, str]]:
    """(visit_id, 'YYYY-MM', content_json) of visits since ``first`` whose current record is
    signed or amended."""
    return [
        (str(r[0]), str(r[1]), str(r[2] or "{}"))
        for r in conn.execute(
            "SELECT v.id, substr(v.started_at, 1, 7), r.content_json FROM visit v"
            " JOIN record_current r ON r.visit_id = v.id"
            " WHERE r.status IN ('signed', 'amended') AND v.started_at >= ?",
            (first,),
        ).fetchall()
    ]


def referred_visit_ids(conn: Any) -> set[str]:
    return {
        str(r[0])
        for r in conn.execute(
            "SELECT ref_id FROM outbox WHERE kind = 'case' AND ref_id IS NOT NULL"
        ).fetchall()
    }


def followup_events_between(conn: Any, first: str, last: str) -> list[tuple[str, bool]]:
    """('YYYY-MM', done) of follow-up events due between ``first`` and ``last``."""
    return [
        (str(r[0]), bool(r[1]))
        for r in conn.execute(
            "SELECT substr(due_date, 1, 7), done_at IS NOT NULL OR outcome = 'done'"
            " FROM followup_event WHERE due_date >= ? AND due_date <= ?",
            (first, last),
        ).fetchall()
    ]


# --- records ---------------------------------------------------------------------------------


def current_records_of_patient(conn: Any, patient_id: str) -> list[tuple[str, str]]:
    """(content_json, created_at) of the current version of each of the patient's records."""
    return [
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT content_json, created_at FROM record_current WHERE patient_id = ?",
            (patient_id,),
        ).fetchall()
    ]


def current_records(conn: Any) -> list[dict[str, Any]]:
    """Every current record version, oldest first (batch QC)."""
    return _dicts(
        conn.execute(
            "SELECT record_id, version, visit_id, patient_id, content_json, created_at"
            " FROM record_current ORDER BY created_at"
        )
    )


def qc_pass_rate_by_day(conn: Any, days: int) -> list[dict[str, Any]]:
    return _dicts(
        conn.execute(
            "SELECT substr(checked_at, 1, 10) AS day, count(*) AS checked,"
            " sum(passed) AS passed, round(avg(passed), 4) AS pass_rate"
            " FROM qc_result WHERE checked_at >= date('now', ?)"
            " GROUP BY day ORDER BY day",
            (f"-{int(days)} days",),
        )
    )


# --- follow-up -------------------------------------------------------------------------------


def last_plan_rule(
    conn: Any, patient_id: str, condition: str, before: str | None = None
) -> str | None:
    """The rule of the patient's newest plan for ``condition`` (made before ``before``)."""
    row = conn.execute(
        "SELECT rule FROM followup_plan WHERE patient_id = ? AND condition = ?"
        " AND (? IS NULL OR created_at < ?) ORDER BY created_at DESC LIMIT 1",
        (patient_id, condition, before, before),
    ).fetchone()
    return str(row[0]) if row else None


def active_plan_keys(conn: Any) -> set[tuple[str, str]]:
    return {
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT patient_id, condition FROM followup_plan WHERE status = 'active'"
        ).fetchall()
    }


def all_current_record_contents(conn: Any) -> list[tuple[str, str, str]]:
    """(patient_id, content_json, created_at) of every current record version."""
    return [
        (str(r[0]), str(r[1]), str(r[2]))
        for r in conn.execute(
            "SELECT patient_id, content_json, created_at FROM record_current"
        ).fetchall()
    ]


def patient_names(conn: Any) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute("SELECT id, name FROM patient").fetchall()}


def patient_names_and_phones(conn: Any) -> dict[str, tuple[str, str]]:
    return {
        str(r[0]): (str(r[1]), str(r[2] or ""))
        for r in conn.execute("SELECT id, name, phone FROM patient").fetchall()
    }


def active_plans_due(conn: Any, horizon: str) -> list[tuple[Any, ...]]:
    """(patient_id, condition, rule, source, interval_days, next_due) due by ``horizon``."""
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT patient_id, condition, rule, source, interval_days, next_due FROM followup_plan"
            " WHERE status = 'active' AND next_due <= ? ORDER BY next_due",
            (horizon,),
        ).fetchall()
    ]


# --- audit and LAN security ------------------------------------------------------------------


def audit_trail_of_patient(conn: Any, patient_id: str, limit: int) -> list[dict[str, Any]]:
    return _dicts(
        conn.execute(
            "SELECT seq, ts, actor, role, action, outcome FROM audit_log WHERE patient_id = ?"
            " ORDER BY seq LIMIT ?",
            (patient_id, max(1, int(limit))),
        )
    )


def security_events_since(conn: Any, since: Any) -> list[dict[str, Any]]:
    return _dicts(
        conn.execute("SELECT * FROM api_security_events WHERE ts >= ? ORDER BY ts", (since,))
    )


def access_log_since(conn: Any, since: Any) -> list[dict[str, Any]]:
    return _dicts(conn.execute("SELECT * FROM api_access_log WHERE ts >= ? ORDER BY ts", (since,)))


# --- the month's whole-clinic counts (mentor hub indicators) ---------------------------------


def has_clinical_tables(conn: Any) -> bool:
    """False on a store holding only the sync tables (simulations)."""
    names = {
        str(r[0])
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    return {"record_current", "followup_event"} <= names


def signed_visits_of_month(conn: Any, month: str) -> list[dict[str, Any]]:
    """``{"id", "content_json"}`` of the month's visits whose record is signed or amended."""
    return _dicts(
        conn.execute(
            "SELECT v.id, r.content_json FROM visit v JOIN record_current r ON r.visit_id = v.id"
            " WHERE r.status IN ('signed', 'amended') AND substr(v.started_at, 1, 7) = ?",
            (month,),
        )
    )


def followups_of_month(conn: Any, month: str) -> list[bool]:
    """For each follow-up event due in the month: was it done?"""
    return [
        bool(r[0])
        for r in conn.execute(
            "SELECT done_at IS NOT NULL OR outcome = 'done' FROM followup_event"
            " WHERE substr(due_date, 1, 7) = ?",
            (month,),
        ).fetchall()
    ]


def clinic_name(conn: Any) -> str:
    row = conn.execute("SELECT name FROM clinic LIMIT 1").fetchone()
    return str(row[0]) if row else ""
