"""The patient register: rows of ``patient``. Functions take the connection of the current
transaction (``store.write_raw`` / ``store.read_raw``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appliance.store.like import like_escape
from appliance.store.visits import Row, rows

FIELDS = ("name", "sex", "birth_date", "id_number", "phone", "address")


def with_id_number(conn: Any, id_number: str) -> str | None:
    row = conn.execute("SELECT id FROM patient WHERE id_number = ?", (id_number,)).fetchone()
    return str(row[0]) if row else None


def insert(
    conn: Any, patient_id: str, values: Mapping[str, Any], *, at: str, created_by: str | None
) -> None:
    conn.execute(
        "INSERT INTO patient (id, name, sex, birth_date, id_number, phone, address,"
        " created_at, updated_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (patient_id, *(values.get(f) for f in FIELDS), at, at, created_by),
    )


def update(conn: Any, patient_id: str, values: Mapping[str, Any], *, at: str) -> None:
    conn.execute(
        "UPDATE patient SET name=?, sex=?, birth_date=?, id_number=?, phone=?, address=?,"
        " updated_at=? WHERE id=?",
        (*(values.get(f) for f in FIELDS), at, patient_id),
    )


def get(conn: Any, patient_id: str) -> Row | None:
    found = rows(conn, "SELECT * FROM patient WHERE id = ?", (patient_id,))
    return found[0] if found else None


def page(conn: Any, limit: int, offset: int) -> list[Row]:
    return rows(
        conn,
        "SELECT * FROM patient ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
        (max(1, min(int(limit), 10000)), max(0, int(offset))),
    )


def search(conn: Any, query: str, limit: int) -> list[Row]:
    """Name substring, patient id, ID number or phone (exact, or the last ≥ 4 digits)."""
    q = query.strip()
    like, suffix = f"%{like_escape(q)}%", f"%{like_escape(q)}"
    return rows(
        conn,
        "SELECT * FROM patient WHERE name LIKE ? ESCAPE '\\' OR id = ? OR id_number = upper(?)"
        " OR phone = ? OR (length(?) >= 4 AND (id_number LIKE ? ESCAPE '\\'"
        " OR phone LIKE ? ESCAPE '\\')) ORDER BY name LIMIT ?",
        (like, q, q, q, q, suffix, suffix, max(1, min(int(limit), 1000))),
    )
