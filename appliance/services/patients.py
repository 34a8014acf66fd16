"""Patient registry use cases: add, get, search, list, update, erase — permission-checked and
audited. Names and addresses that are loaded are registered with the log redactor.

Input (CLI contract): ``{"name","sex","birth_date","id_number","phone","address"}``; when the
birth date or sex is missing they are taken from a valid 18-digit resident ID number.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from appliance.errors import DuplicatePatient, InputError, NotFoundError
from appliance.logsafe import register_sensitive
from appliance.services.session import Session
from appliance.store import audit
from appliance.store import patients as register
from appliance.store.lifecycle import erase_patient as _erase

_SEX = {"m": "M", "male": "M", "男": "M", "f": "F", "female": "F", "女": "F", "u": "U", "未知": "U"}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"^(?:\+?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
COLUMNS = ("id", "name", "sex", "birth_date", "id_number", "phone", "address", "created_at")


def id_number_valid(value: str) -> bool:
    """GB 11643-1999 check digit of an 18-character resident ID number."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


class PatientIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    sex: str | None = None
    birth_date: date | None = None
    id_number: str | None = Field(None, max_length=18)
    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)

    @field_validator("sex")
    @classmethod
    def _sex(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        sex = _SEX.get(value.strip().lower())
        if sex is None:
            raise ValueError("sex must be M, F or U")
        return sex

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        if not value:
            return None
        value = value.upper().replace(" ", "")
        if not id_number_valid(value):
            raise ValueError("not a valid 18-digit resident ID number")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not _PHONE.match(value.replace(" ", "")):
            raise ValueError("not a valid phone number")
        return value.replace(" ", "")

    @field_validator("birth_date")
    @classmethod
    def _birth(cls, value: date | None) -> date | None:
        if value is not None and (value > date.today() or value.year < 1880):
            raise ValueError("birth date out of range")
        return value

    def completed(self) -> PatientIn:
        """Fill birth date and sex from the ID number when they were not given."""
        if self.id_number is None:
            return self
        updates: dict[str, Any] = {}
        if self.birth_date is None:
            with contextlib.suppress(ValueError):
                updates["birth_date"] = datetime.strptime(self.id_number[6:14], "%Y%m%d").date()
        if self.sex is None:
            updates["sex"] = "M" if int(self.id_number[16]) % 2 else "F"
        return self.model_copy(update=updates)


_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>|[<>]")
_TEXT_FIELDS = {"name": ("姓名", "name"), "address": ("地址", "address")}


def _bad_characters(value: str) -> str | None:
    """What is wrong with a name or address: control or invisible formatting characters (NUL,
    bidi overrides such as U+202E, zero-width marks) or HTML markup; ``None`` when it is fine."""
    for ch in value:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in " ":
            return f"U+{ord(ch):04X}"
    if _TAG.search(value):
        return "html"
    return None


def _check_text_fields(data: dict[str, Any]) -> None:
    for field, (zh, en) in _TEXT_FIELDS.items():
        value = data.get(field)
        if not isinstance(value, str):
            continue
        found = _bad_characters(value)
        if found is not None:
            raise InputError(
                f"{zh}中含有不允许的字符（控制字符、不可见的方向控制符或 HTML 标记）。",
                f"The {en} contains characters that are not allowed (control or invisible"
                " direction characters, or HTML markup).",
                hint_zh=f"请只填写{zh}的文字本身。",
                hint_en=f"Enter only the {en} itself.",
                details={"fields": [field], "character": found},
            )


def _validate(data: Any) -> PatientIn:
    if not isinstance(data, dict):
        raise InputError("输入必须是一个 JSON 对象。", "The input must be a JSON object.")
    _check_text_fields(data)
    try:
        return PatientIn.model_validate(data).completed()
    except ValidationError as exc:
        fields = [".".join(str(p) for p in e["loc"]) for e in exc.errors()]
        listing = ", ".join(fields)
        raise InputError(
            f"患者信息有误：{listing}",
            f"Invalid patient field(s): {listing}",
            details={"fields": fields},
        ) from None


def age_on(birth: str | None, today: date | None = None) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    now = today or date.today()
    return now.year - born.year - ((now.month, now.day) < (born.month, born.day))


def _public_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as returned to callers; their names and addresses join the log redactor first."""
    values: list[str | None] = []
    for row in rows:
        values += [row.get("name"), row.get("address")]
    register_sensitive(*values)  # one call: the redactor recompiles once, not per row
    return [_public(row) for row in rows]


def _public(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in COLUMNS}
    out["patient_id"] = out.pop("id")
    out["age"] = age_on(row.get("birth_date"))
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_patient(session: Session, data: Any) -> dict[str, str]:
    """Register a patient; returns ``{"patient_id": ...}``."""
    session.require("patient.write")
    patient = _validate(data)
    register_sensitive(patient.name, patient.address)
    patient_id = secrets.token_hex(8)
    now = _now()
    store = session.store

    def run(conn: Any) -> None:
        if patient.id_number:
            existing = register.with_id_number(conn, patient.id_number)
            if existing is not None:
                raise DuplicatePatient(details={"patient_id": existing})
        register.insert(conn, patient_id, _values(patient), at=now, created_by=session.user_id)
        audit.append(
            conn,
            store.audit_key,
            actor=session.username,
            role=session.role,
            action="patient.add",
            patient_id=patient_id,
        )

    store.write_raw(run)
    return {"patient_id": patient_id}


def _values(patient: PatientIn) -> dict[str, Any]:
    return {
        "name": patient.name,
        "sex": patient.sex,
        "birth_date": patient.birth_date.isoformat() if patient.birth_date else None,
        "id_number": patient.id_number,
        "phone": patient.phone,
        "address": patient.address,
    }


def get_patient(session: Session, patient_id: str) -> dict[str, Any]:
    session.require("patient.read", patient_id=patient_id)
    with session.store.read_raw() as conn:
        row = register.get(conn, patient_id)
    rows = [row] if row is not None else []
    if not rows:
        raise NotFoundError(
            "没有这个患者。", "No such patient.", details={"patient_id": patient_id}
        )
    session.audit("patient.read", patient_id=patient_id)
    return _public_rows(rows)[0]


def list_patients(session: Session, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    session.require("patient.read")
    with session.store.read_raw() as conn:
        rows = register.page(conn, limit, offset)
    session.audit("patient.list", detail={"count": len(rows)})
    return _public_rows(rows)


def search_patients(session: Session, query: str, limit: int = 50) -> list[dict[str, Any]]:
    """Find by name (substring), ID number or phone (exact or last digits), or patient id."""
    session.require("patient.read")
    # NUL and other control characters are never part of a name or number (SQLite would stop
    # reading the pattern at a NUL and match everyone)
    q = "".join(ch for ch in query if ch.isprintable() or ch == " ").strip()
    if not q:
        return []
    with session.store.read_raw() as conn:
        rows = register.search(conn, q, limit)
    # the query itself may be a name: the audit row keeps only the count
    session.audit("patient.search", detail={"count": len(rows)})
    return _public_rows(rows)


def update_patient(session: Session, patient_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    session.require("patient.write", patient_id=patient_id)
    current = get_patient(session, patient_id)
    merged = {k: current.get(k) for k in PatientIn.model_fields} | dict(changes)
    patient = _validate(merged)
    store = session.store

    def run(conn: Any) -> None:
        register.update(conn, patient_id, _values(patient), at=_now())
        audit.append(
            conn,
            store.audit_key,
            actor=session.username,
            role=session.role,
            action="patient.update",
            patient_id=patient_id,
            detail={"fields": sorted(k for k in changes if k in PatientIn.model_fields)},
        )

    store.write_raw(run)
    return get_patient(session, patient_id)


def erase_patient(
    session: Session, patient_id: str, reason: str = "legal_request"
) -> dict[str, Any]:
    """Legal erasure: every row of the patient goes, the file is vacuumed, a tombstone stays."""
    session.require("patient.erase", patient_id=patient_id)
    reason = (reason or "legal_request").strip()[:80]
    result = _erase(
        session.store, patient_id, actor=session.username, role=session.role, reason=reason
    )
    return result.to_dict()
