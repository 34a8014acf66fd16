"""De-identification of a patient and an outpatient record before anything leaves the clinic.

Rules are the guarantee (no model is needed): structured identifiers are removed or generalised
and free text is scrubbed of names (surname lists + context), resident ID numbers (checksum-
validated), phone numbers, e-mail, URLs, hospital / visit / insurance numbers, licence plates,
addresses below county level, village / township names, employers, exact dates (shifted by a
per-patient offset so intervals are kept) and ages over 89. The checklist is GB/T 37964-2019
(个人信息去标识化指南: direct identifiers removed, quasi-identifiers generalised, pseudonyms by keyed
hash) and the 18 HIPAA Safe Harbor identifiers (see docs/sync.md for the mapping).

The function is pure: same input and secret, same output. The pseudonym and the date shift come
from HMAC-SHA256 under the clinic's secret, so the hub can follow one patient across visits but
cannot reverse the pseudonym; the link back to the patient is kept only on the box.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from base64 import b32encode
from collections import Counter
from typing import Any

from appliance.errors import InputError
from sync._dates import age_spans, date_spans, shift_iso_date
from sync._detect_names import name_spans
from sync._detect_numbers import number_spans
from sync._detect_places import generalize_address, place_spans
from sync._spans import apply, merge

METHOD = (
    "rules:GB/T 37964-2019+HIPAA-Safe-Harbor; pseudonym=HMAC-SHA256; "
    "dates shifted per patient (intervals kept); address kept to county level; age>89 → 90+"
)
# structured patient fields that are direct identifiers: removed outright
_DIRECT_FIELDS = frozenset(
    {
        "id_number",
        "phone",
        "mobile",
        "telephone",
        "email",
        "insurance_number",
        "insurance_no",
        "medical_record_number",
        "mrn",
        "hospital_number",
        "visit_number",
        "outpatient_number",
        "card_number",
        "license_plate",
        "wechat",
        "qq",
        "employer",
        "work_unit",
        "emergency_contact",
        "contact_name",
        "contact_phone",
        "guardian",
        "photo",
        "fingerprint",
        "ip_address",
        "device_id",
        "url",
    }
)
_DATE_KEY = re.compile(r"(?:^|_)(?:date|at|time|day|dob)$|^date")
#: The most text (characters in all string values together) one call de-identifies. An
#: outpatient record is a few thousand characters; the scrubber is linear (about 4 µs a
#: character on a 2-core box), so this bounds one call to a few seconds.
MAX_INPUT_CHARS = 1_000_000
MAX_SHIFT_DAYS = 300  # < 1 year so a month-day never maps to itself
MIN_SHIFT_DAYS = 30


def _mac(secret: bytes, label: str, value: str) -> bytes:
    return hmac.new(secret, f"{label}\x00{value}".encode(), hashlib.sha256).digest()


def patient_key(patient: dict[str, Any]) -> str:
    """A stable key for one patient: resident ID if present, else name + birth date + sex."""
    ident = str(patient.get("id_number") or "").strip().upper()
    if ident:
        return "id:" + ident
    if patient.get("patient_id"):
        return "pid:" + str(patient["patient_id"])
    parts = (patient.get("name"), patient.get("birth_date"), patient.get("sex"))
    return "nbs:" + "|".join(str(p or "").strip() for p in parts)


def pseudonym(secret: bytes, patient: dict[str, Any]) -> str:
    """``P`` + 16 base32 characters of HMAC-SHA256(secret, patient key)."""
    digest = _mac(secret, "pseudonym", patient_key(patient))
    return "P" + b32encode(digest).decode()[:16]


def date_shift_days(secret: bytes, patient: dict[str, Any]) -> int:
    """The per-patient date offset: ±30..365 days, never zero, same for every visit."""
    n = int.from_bytes(_mac(secret, "date-shift", patient_key(patient))[:4], "big")
    span = MAX_SHIFT_DAYS - MIN_SHIFT_DAYS + 1
    magnitude = MIN_SHIFT_DAYS + n % span
    return magnitude if (n >> 16) & 1 else -magnitude


class _Scrubber:
    def __init__(self, names: list[str], shift: int, reference_year: int) -> None:
        self.names = names
        self.shift = shift
        self.reference_year = reference_year
        self.counts: Counter[str] = Counter()

    def text(self, value: str) -> str:
        spans = merge(
            [
                *number_spans(value),
                *name_spans(value, self.names),
                *place_spans(value),
                *date_spans(value, self.shift, self.reference_year),
                *age_spans(value),
            ]
        )
        for span in spans:
            self.counts[span.kind] += 1
        return apply(value, spans)

    def value(self, key: str, value: Any) -> Any:
        if isinstance(value, str):
            if _DATE_KEY.search(key):
                shifted = shift_iso_date(value, self.shift)
                if shifted is not None:
                    self.counts["date"] += 1
                    return shifted
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(str(k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(key, v) for v in value]
        return value


def _text_size(value: Any, depth: int = 0) -> int:
    if isinstance(value, str):
        return len(value)
    if depth > 64:
        return MAX_INPUT_CHARS + 1  # nesting this deep is not a record
    if isinstance(value, dict):
        return sum(len(str(k)) + _text_size(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple):
        return sum(_text_size(v, depth + 1) for v in value)
    return 0


def check_input_size(*values: Any) -> None:
    """Refuse input larger than :data:`MAX_INPUT_CHARS` with a clear zh/en error."""
    size = sum(_text_size(v) for v in values)
    if size > MAX_INPUT_CHARS:
        raise InputError(
            f"要去标识化的内容过长（{size} 字符，上限 {MAX_INPUT_CHARS} 字符）。",
            f"The text to de-identify is too long ({size} characters, limit {MAX_INPUT_CHARS}).",
            hint_zh="一份门诊病历通常只有几千字；请分开提交，或删去粘贴进来的无关内容。",
            hint_en="An outpatient record is a few thousand characters; send it in parts "
            "or remove pasted text that does not belong.",
            details={"chars": size, "limit": MAX_INPUT_CHARS},
        )


def _age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    m = re.match(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _generalize_age(value: Any, scrub: _Scrubber) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if value > 89:
        scrub.counts["age"] += 1
        return 90
    return value


def _deid_patient(
    patient: dict[str, Any], secret: bytes, scrub: _Scrubber, today: dt.date
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": pseudonym(secret, patient)}
    for key, value in patient.items():
        if key in {"name", "patient_id"}:
            continue
        if key in _DIRECT_FIELDS or key == "id" or key.endswith(("_id", "_by")):
            out[key] = None
            scrub.counts[key] += value not in (None, "")
        elif key == "address":
            out[key] = generalize_address(value) if isinstance(value, str) else None
            scrub.counts["address"] += bool(value)
        elif key == "birth_date":
            birth = _parse_date(value)
            if birth is not None and _age_on(birth, today) > 89:
                out[key] = None
                out["age"] = 90
                scrub.counts["age"] += 1
            else:
                out[key] = str(birth.year) if birth else None
            scrub.counts["date"] += bool(value)
        elif key == "age":
            out[key] = _generalize_age(value, scrub)
        else:
            out[key] = scrub.value(key, value)
    if "age" in out and isinstance(out["age"], int) and out["age"] >= 90:
        out["birth_date"] = None
    scrub.counts["patient_name"] += bool(patient.get("name"))
    return out


def deidentify(
    patient: dict[str, Any],
    record: dict[str, Any],
    secret: bytes,
    *,
    today: dt.date | None = None,
    extra_names: list[str] | None = None,
) -> dict[str, Any]:
    """De-identify one patient and one structured record.

    Returns ``{"patient": ..., "record": ..., "deid": {"method", "replaced", "categories",
    "pseudonym"}}``: the same shapes with identifiers removed or generalised.
    """
    if len(secret) < 16:
        raise ValueError("the de-identification secret must be at least 16 bytes")
    check_input_size(patient, record, extra_names or [])
    today = today or dt.date.today()
    names = [str(patient.get("name") or "").strip(), *(extra_names or [])]
    scrub = _Scrubber(
        [n for n in names if n], date_shift_days(secret, patient), reference_year=today.year
    )
    out_patient = _deid_patient(patient, secret, scrub, today)
    out_record: dict[str, Any] = {}
    for key, value in record.items():
        if key == "patient" and isinstance(value, dict):
            out_record[key] = {
                k: _generalize_age(v, scrub) if k == "age" else scrub.value(k, v)
                for k, v in value.items()
            }
        else:
            out_record[key] = scrub.value(key, value)
    counts = {k: v for k, v in sorted(scrub.counts.items()) if v}
    return {
        "patient": out_patient,
        "record": out_record,
        "deid": {
            "method": METHOD,
            "replaced": sum(counts.values()),
            "categories": counts,
            "pseudonym": out_patient["name"],
        },
    }


def scrub_text(text: str, secret: bytes, patient: dict[str, Any] | None = None) -> str:
    """Scrub one free-text string (e.g. the question to the mentor) for ``patient``."""
    patient = patient or {}
    check_input_size(text)
    name = str(patient.get("name") or "").strip()
    scrub = _Scrubber(
        [name] if name else [], date_shift_days(secret, patient), dt.date.today().year
    )
    return scrub.text(text)
