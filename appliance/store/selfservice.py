"""Patient self-service data (the health assistant's tools and the front desk): visit codes,
bookable slots and appointments, lab reports, fees, and the patient's active follow-up plans.
Functions take the connection of the current transaction (``store.write_raw`` /
``store.read_raw``) and return plain tuples."""

from __future__ import annotations

import json
from typing import Any


def patient_exists(conn: Any, patient_id: str) -> bool:
    return conn.execute("SELECT 1 FROM patient WHERE id = ?", (patient_id,)).fetchone() is not None


def insert_visit_code(conn: Any, code: str, patient_id: str, issued_at: str, expires: str) -> None:
    conn.execute(
        "INSERT INTO visit_code (code, patient_id, issued_at, expires_at) VALUES (?,?,?,?)",
        (code, patient_id, issued_at, expires),
    )


def visit_code_holder(conn: Any, code: str) -> tuple[Any, ...] | None:
    """(patient_id, name, phone, expires_at) of an unrevoked visit code."""
    row = conn.execute(
        "SELECT p.id, p.name, p.phone, v.expires_at FROM visit_code v "
        "JOIN patient p ON p.id = v.patient_id WHERE v.code = ? AND v.revoked = 0",
        (code,),
    ).fetchone()
    return tuple(row) if row else None


def insert_slot(
    conn: Any,
    *,
    slot_id: str,
    department: str,
    doctor_name: str,
    day: str,
    start: str,
    end: str,
    capacity: int,
    created_at: str,
) -> None:
    conn.execute(
        "INSERT INTO schedule_slot (id, department, doctor_name, day, start_time, "
        "end_time, capacity, created_at) VALUES (?,?,?,?,?,?,?,?)",
        (slot_id, department, doctor_name, day, start, end, capacity, created_at),
    )


def slots_of_day(conn: Any, day: str, department: str | None) -> list[tuple[Any, ...]]:
    """(slot_id, department, doctor, start, end, capacity, booked) of the day's slots."""
    sql = (
        "SELECT s.id, s.department, s.doctor_name, s.start_time, s.end_time, s.capacity, "
        "(SELECT count(*) FROM appointment a WHERE a.slot_id = s.id AND a.status = 'booked') "
        "FROM schedule_slot s WHERE s.day = ?"
    )
    params: list[Any] = [day]
    if department:
        sql += " AND s.department LIKE ?"
        params.append(f"%{department}%")
    return [tuple(r) for r in conn.execute(sql + " ORDER BY s.start_time, s.department", params)]


def slot(conn: Any, slot_id: str) -> tuple[Any, ...] | None:
    """(day, start_time, department, capacity) of a slot."""
    row = conn.execute(
        "SELECT day, start_time, department, capacity FROM schedule_slot WHERE id = ?", (slot_id,)
    ).fetchone()
    return tuple(row) if row else None


def bookings(conn: Any, slot_id: str, patient_id: str) -> tuple[int, int]:
    """(booked places of the slot, of which this patient's)."""
    row = conn.execute(
        "SELECT count(*), sum(patient_id = ?) FROM appointment "
        "WHERE slot_id = ? AND status = 'booked'",
        (patient_id, slot_id),
    ).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def insert_appointment(
    conn: Any, appointment_id: str, slot_id: str, patient_id: str, at: str
) -> None:
    conn.execute(
        "INSERT INTO appointment (id, slot_id, patient_id, status, channel, created_at) "
        "VALUES (?, ?, ?, 'booked', 'assistant', ?)",
        (appointment_id, slot_id, patient_id, at),
    )


def upcoming_appointments(conn: Any, patient_id: str, from_day: str) -> list[tuple[Any, ...]]:
    """(appointment_id, day, start_time, department, status) from ``from_day`` on."""
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT a.id, s.day, s.start_time, s.department, a.status FROM appointment a "
            "JOIN schedule_slot s ON s.id = a.slot_id WHERE a.patient_id = ? "
            "AND s.day >= ? ORDER BY s.day, s.start_time",
            (patient_id, from_day),
        )
    ]


def cancel_appointment(conn: Any, appointment_id: str, patient_id: str) -> int:
    cur = conn.execute(
        "UPDATE appointment SET status = 'cancelled' "
        "WHERE id = ? AND patient_id = ? AND status = 'booked'",
        (appointment_id, patient_id),
    )
    return int(cur.rowcount)


def insert_lab_report(
    conn: Any,
    *,
    report_id: str,
    patient_id: str,
    test_name: str,
    items: list[dict[str, Any]] | None,
    at: str,
) -> None:
    conn.execute(
        "INSERT INTO lab_report (id, patient_id, test_name, status, items_json, ordered_at, "
        "reported_at) VALUES (?,?,?,?,?,?,?)",
        (
            report_id,
            patient_id,
            test_name,
            "ready" if items else "pending",
            json.dumps(items or [], ensure_ascii=False),
            at,
            at if items else None,
        ),
    )


def lab_reports(conn: Any, patient_id: str) -> list[tuple[Any, ...]]:
    """(test_name, status, items_json, ordered_at, reported_at), newest first."""
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT test_name, status, items_json, ordered_at, reported_at FROM lab_report "
            "WHERE patient_id = ? ORDER BY ordered_at DESC LIMIT 20",
            (patient_id,),
        )
    ]


def insert_fee(
    conn: Any,
    *,
    fee_id: str,
    patient_id: str,
    item: str,
    amount_fen: int,
    insurance_fen: int,
    paid: bool,
    at: str,
) -> None:
    conn.execute(
        "INSERT INTO fee_item (id, patient_id, item, amount_fen, insurance_fen, paid, "
        "created_at) VALUES (?,?,?,?,?,?,?)",
        (fee_id, patient_id, item, amount_fen, insurance_fen, int(paid), at),
    )


def fees_since(conn: Any, patient_id: str, since: str) -> list[tuple[Any, ...]]:
    """(item, amount_fen, insurance_fen, paid, created_at), newest first."""
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT item, amount_fen, insurance_fen, paid, created_at FROM fee_item "
            "WHERE patient_id = ? AND created_at >= ? ORDER BY created_at DESC LIMIT 100",
            (patient_id, since),
        )
    ]


def active_followups(conn: Any, patient_id: str) -> list[tuple[Any, ...]]:
    """(condition, next_due, interval_days) of the patient's active plans."""
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT condition, next_due, interval_days FROM followup_plan "
            "WHERE patient_id = ? AND status = 'active' ORDER BY next_due",
            (patient_id,),
        )
    ]
