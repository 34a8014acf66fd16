"""What triage works from: structured fields merged with facts read from the complaint (pure).

Structured fields win. A vital, age, sex or pregnancy written in the complaint fills what the
fields leave empty; when both are given and differ, the field is used and the conflict is
reported in ``vitals_used``. Every vital used says where it came from::

    "vitals_used": {"temp": {"value": 40.0, "from": "text", "span": [0, 6], "text": "体温40℃"},
                    "hr":   {"value": 110, "from": "field", "conflict": {"text_value": 148, ...}}}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.clinical.findings_measures import extract_measures
from appliance.clinical.findings_vitals import TextReading, extract_vitals
from appliance.clinical.triage_model import TriageRequest

#: accepted keys of ``vitals`` with their names (zh, en) — listed when a key is refused
VITAL_FIELDS: dict[str, tuple[str, str]] = {
    "sbp": ("收缩压 mmHg", "systolic BP mmHg"),
    "dbp": ("舒张压 mmHg", "diastolic BP mmHg"),
    "hr": ("心率 次/分", "heart rate /min"),
    "rr": ("呼吸 次/分", "respiratory rate /min"),
    "temp": ("体温 ℃", "temperature °C"),
    "spo2": ("血氧饱和度 %", "SpO2 %"),
    "gcs": ("GCS 3–15", "GCS 3–15"),
    "glucose": ("血糖 mmol/L", "glucose mmol/L"),
    "pain": ("疼痛评分 0–10", "pain score 0–10"),
}


def unknown_vitals_keys(data: object) -> list[str]:
    """Keys of ``data["vitals"]`` that triage does not know (``temp_c``, ``bp``)."""
    if not isinstance(data, dict):
        return []
    vitals = data.get("vitals")
    if not isinstance(vitals, dict):
        return []
    return sorted(str(k) for k in vitals if k not in VITAL_FIELDS)


@dataclass(frozen=True)
class TriageInputs:
    age: float | None
    pregnant: bool
    sex: str | None
    vitals: dict[str, float]
    measures: dict[str, TextReading]
    vitals_used: dict[str, dict[str, object]] = field(default_factory=dict)
    sbp_palpable: bool = False
    #: the age told in the complaint, kept when the field wins (an age field of 0 is "under one
    #: year" in whole years; the text may say "出生一天")
    age_told: float | None = None


def _from_text(reading: TextReading) -> dict[str, object]:
    return {"value": reading.value, "from": "text", "span": list(reading.span),
            "text": reading.text}  # fmt: skip


def merge_inputs(
    request: TriageRequest, model_vitals: dict[str, float] | None = None
) -> TriageInputs:
    """Fields first, then what the complaint says, then what the model read (see module doc)."""
    text = request.complaint
    found = extract_vitals(text)
    fields = {k: float(v) for k, v in request.vitals.model_dump().items() if v is not None}
    vitals: dict[str, float] = {}
    used: dict[str, dict[str, object]] = {}
    for key in VITAL_FIELDS:
        reading = found.values.get(key)
        if key in fields:
            vitals[key] = fields[key]
            entry: dict[str, object] = {"value": fields[key], "from": "field"}
            if reading is not None and abs(reading.value - fields[key]) > 0.05:
                entry["conflict"] = {"text_value": reading.value, "span": list(reading.span),
                                     "text": reading.text}  # fmt: skip
            used[key] = entry
        elif reading is not None:
            vitals[key] = reading.value
            used[key] = _from_text(reading)
        elif model_vitals and key in model_vitals:
            vitals[key] = model_vitals[key]
            used[key] = {"value": model_vitals[key], "from": "model"}
    age = request.age_years()
    if age is not None:
        used["age"] = {"value": round(age, 3), "from": "field"}
    elif found.age_years is not None:
        age = found.age_years.value
        used["age"] = {**_from_text(found.age_years), "value": round(age, 3)}
    sex = request.sex
    if sex is None and found.sex is not None:
        sex = found.sex.value
        used["sex"] = {"value": sex, "from": "text", "span": list(found.sex.span),
                       "text": found.sex.text}  # fmt: skip
    pregnant = bool(request.pregnant)
    if found.pregnancy_weeks is not None and request.pregnant is not False:
        pregnant = True
        used["pregnancy_weeks"] = _from_text(found.pregnancy_weeks)
    if found.sbp_palpable is not None and "sbp" in used and used["sbp"].get("from") == "text":
        used["sbp"]["palpable_only"] = True
    return TriageInputs(
        age=age,
        pregnant=pregnant,
        sex=sex,
        vitals=vitals,
        measures=extract_measures(text),
        vitals_used=used,
        sbp_palpable=found.sbp_palpable is not None,
        age_told=found.age_years.value if found.age_years is not None else None,
    )
