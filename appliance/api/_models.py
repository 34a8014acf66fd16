"""Request bodies of the LAN API: strict (unknown fields refused, lengths and ranges bounded).
Validation errors name the field, never echo its value, in Chinese and English."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_Text = Field(min_length=1, max_length=4000)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginIn(_Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PairIn(_Strict):
    device_name: str = Field(min_length=1, max_length=64)
    public_key: str = Field(min_length=40, max_length=64)
    proof: str = Field(pattern=r"^[0-9a-f]{64}$")
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")


class CodeIn(_Strict):
    ttl_s: int = Field(600, ge=60, le=3600)


class PatientIn(_Strict):
    name: str = Field(min_length=1, max_length=50)
    sex: Literal["M", "F", "U"] = "U"
    birth_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    id_number: str | None = Field(None, pattern=r"^(\d{15}|\d{17}[\dXx])$")
    phone: str | None = Field(None, pattern=r"^\+?[\d\- ]{5,20}$")
    address: str | None = Field(None, max_length=200)
    conditions: list[str] = Field(default_factory=list, max_length=50)
    allergies: list[str] = Field(default_factory=list, max_length=50)


class VisitIn(_Strict):
    """``triage``, ``qc``, ``med_alerts`` and ``followup_plan`` are accepted from older clients
    and ignored: the box computes them itself on every save. ``followup_note`` is the doctor's
    free text."""

    visit_id: str | None = Field(None, max_length=64)
    patient_id: str = Field(min_length=1, max_length=64)
    visit_type: Literal["initial", "followup"] = "initial"
    record: dict[str, Any]
    triage: dict[str, Any] | None = None
    qc: dict[str, Any] | None = None
    med_alerts: list[dict[str, Any]] = Field(default_factory=list, max_length=200)
    overrides: list[dict[str, Any]] = Field(default_factory=list, max_length=200)
    followup_plan: dict[str, Any] | None = None
    followup_note: str | None = Field(None, max_length=2000)
    sign: bool = False
    amend_reason: str | None = Field(None, max_length=1000)


class AmendIn(_Strict):
    record: dict[str, Any]
    reason: str = Field(min_length=1, max_length=1000)
    overrides: list[dict[str, Any]] = Field(default_factory=list, max_length=200)
    followup_note: str | None = Field(None, max_length=2000)


class AutosaveIn(_Strict):
    visit_id: str | None = Field(None, max_length=64)
    payload: dict[str, Any]


class ReferIn(_Strict):
    question: str = _Text


class Vitals(_Strict):
    sbp: float | None = Field(None, ge=0, le=400)
    dbp: float | None = Field(None, ge=0, le=300)
    hr: float | None = Field(None, ge=0, le=400)
    rr: float | None = Field(None, ge=0, le=120)
    temp: float | None = Field(None, ge=20, le=46)
    spo2: float | None = Field(None, ge=0, le=100)
    gcs: int | None = Field(None, ge=3, le=15)
    glucose: float | None = Field(None, ge=0, le=100)
    pain: int | None = Field(None, ge=0, le=10)


class TriageIn(_Strict):
    age: float | None = Field(None, ge=0, le=130)
    sex: Literal["M", "F", "U"] | None = None
    complaint: str = _Text
    vitals: Vitals | None = None
    use_llm: bool = False


class MedsPatient(BaseModel):
    model_config = ConfigDict(extra="allow")
    age: float | None = Field(None, ge=0, le=130)
    sex: Literal["M", "F", "U"] | None = None
    weight_kg: float | None = Field(None, gt=0, le=400)
    pregnant: bool | None = None
    egfr: float | None = Field(None, ge=0, le=250)
    allergies: list[str] = Field(default_factory=list, max_length=50)
    conditions: list[str] = Field(default_factory=list, max_length=50)


class Prescription(_Strict):
    drug: str = Field(min_length=1, max_length=100)
    dose_mg: float | None = Field(None, ge=0, le=1_000_000)
    frequency_per_day: float | None = Field(None, ge=0, le=48)
    route: str | None = Field(None, max_length=10)


class MedsIn(_Strict):
    patient: MedsPatient = Field(default_factory=lambda: MedsPatient.model_validate({}))
    prescriptions: list[Prescription] = Field(min_length=1, max_length=50)
    prescriber: dict[str, str] = Field(default_factory=dict)


class RecordIn(_Strict):
    record: dict[str, Any]
    use_llm: bool = False  # QC: add the model's contradiction pass (suggestions only)


class StructureIn(_Strict):
    text: str = Field(min_length=1, max_length=20000)
    visit_type: Literal["initial", "followup"] = "initial"
    use_llm: bool = True
    live: bool = False  # still dictating: only the sections a later cue closed


class FollowupPlanIn(_Strict):
    patient: dict[str, Any]
    record: dict[str, Any]


class AskIn(_Strict):
    question: str = Field(min_length=1, max_length=2000)
    use_llm: bool = True


class AdviseIn(_Strict):
    record: dict[str, Any]
    use_llm: bool = True


class UserIn(_Strict):
    username: str = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=8, max_length=256)
    role: Literal["admin", "doctor", "nurse", "front_desk", "kiosk"]
    display_name: str = Field("", max_length=50)


class LockIn(_Strict):
    locked: bool


class BackupIn(_Strict):
    destination: str | None = Field(None, max_length=500)
