"""Front-desk side of self-service: visit codes, schedule slots, lab reports and fee items.

Called by the CLI (``clinicbox selfservice ...``), the TUI's front-desk screens and tests.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from appliance.errors import InputError, NotFoundError
from appliance.services.ports import StorePort
from appliance.store import selfservice as data

# No 0/O/1/I: read aloud and typed on a kiosk without confusion.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def issue_visit_code(store: StorePort, patient_id: str, valid_days: int = 365) -> str:
    """A new 8-character visit code for the patient (previous codes stay valid until revoked)."""
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    expires = (datetime.now(UTC) + timedelta(days=valid_days)).isoformat(timespec="seconds")

    def write(conn: Any) -> None:
        if not data.patient_exists(conn, patient_id):
            raise NotFoundError("没有这个患者。", "No such patient.")
        data.insert_visit_code(conn, code, patient_id, _now(), expires)

    store.write_raw(write)
    return code


def add_slots(
    store: StorePort, *, department: str, day: str, times: list[str], doctor_name: str = "",
    capacity: int = 1,
) -> list[str]:  # fmt: skip
    """Open bookable slots (``times`` like ``08:00-08:30``) for a department on ``day``."""
    try:
        date.fromisoformat(day)
    except ValueError:
        raise InputError(
            f"日期格式应为 YYYY-MM-DD：{day}", f"Date must be YYYY-MM-DD: {day}"
        ) from None
    bad = [t for t in times if not _TIME_RANGE.match(t)]
    if bad or not times or capacity < 1 or not department.strip():
        raise InputError(
            "号源参数有误：时间应为 08:00-08:30，数量至少为1，科室不能为空。",
            "Invalid slots: times like 08:00-08:30, capacity >= 1, a department.",
        )
    ids = [secrets.token_hex(8) for _ in times]

    def write(conn: Any) -> None:
        for slot_id, span in zip(ids, times, strict=True):
            start, end = span.split("-")
            data.insert_slot(
                conn,
                slot_id=slot_id,
                department=department.strip(),
                doctor_name=doctor_name,
                day=day,
                start=start,
                end=end,
                capacity=capacity,
                created_at=_now(),
            )

    store.write_raw(write)
    return ids


def add_lab_report(
    store: StorePort, patient_id: str, test_name: str, items: list[dict[str, Any]] | None = None,
) -> str:  # fmt: skip
    """A lab report: pending without ``items``, ready with them (name, value, unit, range)."""
    report_id = secrets.token_hex(8)
    store.write_raw(
        lambda conn: data.insert_lab_report(
            conn, report_id=report_id, patient_id=patient_id, test_name=test_name, items=items,
            at=_now(),
        )
    )  # fmt: skip
    return report_id


def add_fee(
    store: StorePort, patient_id: str, item: str, amount_fen: int, insurance_fen: int = 0,
    paid: bool = False,
) -> str:  # fmt: skip
    if amount_fen < 0 or insurance_fen < 0 or insurance_fen > amount_fen:
        raise InputError("费用金额有误。", "Invalid fee amounts.")
    fee_id = secrets.token_hex(8)
    store.write_raw(
        lambda conn: data.insert_fee(
            conn, fee_id=fee_id, patient_id=patient_id, item=item, amount_fen=amount_fen,
            insurance_fen=insurance_fen, paid=paid, at=_now(),
        )
    )  # fmt: skip
    return fee_id


def today() -> str:
    return date.today().isoformat()
