"""The outpatient record (门诊病历) following 《病历书写基本规范》(卫医政发〔2010〕11号).

初诊 (``visit_type="initial"``) records carry 主诉, 现病史, 既往史, 过敏史, 个人史 (婚育史/家族史
when relevant), 体格检查, 辅助检查, 初步诊断, 处理意见; 复诊 (``"followup"``) records carry 主诉,
病情变化 (in ``present_illness``), 体格检查, 辅助检查, 诊断 and 处理意见 (规范 第二十二、二十三条).

The contract fields (DESIGN.md) are exact: chief_complaint, present_illness, past_history,
allergy_history, personal_history, physical_exam, auxiliary_exams, diagnoses[{name, icd10}],
treatment_plan, prescriptions[...], vitals{...}; plus optional visit_type and patient{age, sex}.
Extra optional fields: marital_history, family_history, doctor, signed_at and ``sources`` — for
each field, the spans of the dictated text it came from (never a finding without its words).

Input is lenient (nulls become empty, a diagnosis or prescription may be a bare string, unknown
keys are ignored) because records arrive from dictation, the TUI, the API and other systems.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

VisitType = Literal["initial", "followup"]
Sex = Literal["M", "F"]

TEXT_FIELDS: tuple[str, ...] = (
    "chief_complaint",
    "present_illness",
    "past_history",
    "allergy_history",
    "personal_history",
    "marital_history",
    "family_history",
    "physical_exam",
    "auxiliary_exams",
    "treatment_plan",
)

#: Chinese section names of each field, as written in a 门诊病历.
FIELD_NAMES_ZH: dict[str, str] = {
    "chief_complaint": "主诉",
    "present_illness": "现病史",
    "past_history": "既往史",
    "allergy_history": "过敏史",
    "personal_history": "个人史",
    "marital_history": "婚育史",
    "family_history": "家族史",
    "physical_exam": "体格检查",
    "auxiliary_exams": "辅助检查",
    "diagnoses": "初步诊断",
    "treatment_plan": "处理意见",
    "prescriptions": "处方",
    "vitals": "生命体征",
    "doctor": "医师签名",
    "signed_at": "签名时间",
}

_SEX_WORDS: dict[str, Sex] = {
    "m": "M",
    "male": "M",
    "男": "M",
    "男性": "M",
    "f": "F",
    "female": "F",
    "女": "F",
    "女性": "F",
}


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, populate_by_name=True)


class PatientInfo(_Lenient):
    age: float | None = Field(None, ge=0, le=130)
    sex: Sex | None = None

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _SEX_WORDS.get(value.strip().lower(), value if value in ("M", "F") else None)
        return value


class Diagnosis(_Lenient):
    name: str
    icd10: str | None = None


class Prescription(_Lenient):
    """One drug order; field names match ``clinicbox meds check`` prescriptions."""

    drug: str
    dose_mg: float | None = Field(None, ge=0)
    dose_text: str | None = None  # the dose as written ("0.5g", "10ml", "1片")
    frequency_per_day: float | None = Field(None, ge=0)
    route: str | None = None  # po | iv | im | sc | topical | inh | ...
    days: float | None = Field(None, ge=0)


class Vitals(_Lenient):
    sbp: float | None = None  # mmHg
    dbp: float | None = None
    hr: float | None = None  # 次/分
    rr: float | None = None
    temp: float | None = None  # ℃
    spo2: float | None = None  # %
    glucose: float | None = None  # mmol/L
    weight_kg: float | None = None
    height_cm: float | None = None

    def present(self) -> dict[str, float]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Span(_Lenient):
    """Where a value came from in the dictated text: ``text[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class OutpatientRecord(_Lenient):
    visit_type: VisitType | None = None
    patient: PatientInfo | None = None
    chief_complaint: str = ""
    present_illness: str = ""
    past_history: str = ""
    allergy_history: str = ""
    personal_history: str = ""
    marital_history: str = ""
    family_history: str = ""
    physical_exam: str = ""
    auxiliary_exams: str = ""
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    treatment_plan: str = ""
    prescriptions: list[Prescription] = Field(default_factory=list)
    vitals: Vitals = Field(default_factory=Vitals)
    doctor: str | None = None
    signed_at: str | None = None
    sources: dict[str, list[Span]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _lenient_input(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name in TEXT_FIELDS:
            value = out.get(name)
            if value is None:
                out.pop(name, None)
            elif isinstance(value, list):
                out[name] = "；".join(str(v) for v in value if v is not None)
            elif not isinstance(value, str):
                out[name] = str(value)
        for name, key in (("diagnoses", "name"), ("prescriptions", "drug")):
            items = out.get(name)
            if items is None:
                out.pop(name, None)
            elif isinstance(items, (str, dict)):
                items = [items]
            if isinstance(items, list):
                out[name] = [{key: i} if isinstance(i, str) else i for i in items if i]
        if out.get("vitals") is None:
            out.pop("vitals", None)
        if out.get("visit_type") in ("初诊", "first", "new"):
            out["visit_type"] = "initial"
        elif out.get("visit_type") in ("复诊", "follow-up", "follow_up", "return"):
            out["visit_type"] = "followup"
        return out

    def text_of(self, field: str) -> str:
        """The text of a field for checks: strings as they are, lists joined."""
        if field == "diagnoses":
            return "、".join(d.name for d in self.diagnoses)
        if field == "prescriptions":
            return "、".join(p.drug for p in self.prescriptions)
        value = getattr(self, field, "")
        return value if isinstance(value, str) else ""

    def is_empty(self, field: str) -> bool:
        if field == "diagnoses":
            return not self.diagnoses
        if field == "prescriptions":
            return not self.prescriptions
        if field == "vitals":
            return not self.vitals.present()
        return not self.text_of(field).strip()

    def contract_dict(self) -> dict[str, Any]:
        """The record as JSON with every contract field, plus the optional ones that are set."""
        data = self.model_dump(mode="json", exclude_none=False)
        for optional in ("marital_history", "family_history"):
            if not data.get(optional):
                data.pop(optional, None)
        for optional in ("doctor", "signed_at", "visit_type", "patient"):
            if data.get(optional) is None:
                data.pop(optional, None)
        data["vitals"] = {k: v for k, v in data["vitals"].items() if v is not None}
        return data


def record_json_schema() -> dict[str, Any]:
    """JSON schema of the record without provenance (what an LLM is asked to produce)."""
    schema = OutpatientRecord.model_json_schema()
    schema.get("properties", {}).pop("sources", None)
    return schema
