"""Data shapes of triage (智能导诊): the request, the rule data and the result (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from appliance.clinical.findings import Finding, Vocabulary
from appliance.clinical.findings_labs import Analyte
from appliance.clinical.triage_lowrisk import LowRisk
from appliance.clinical.triage_pain import PainSites

Level = Literal[1, 2, 3, 4]
Disposition = Literal["emergency", "urgent", "routine", "self_care"]
CHILD_AGE = 14.0  # Chinese paediatrics: under 14 years


class Vitals(BaseModel):
    """Measured vital signs; every field optional. Ranges reject typing errors, not illness.
    An unknown key (``temp_c``) is refused, never silently dropped."""

    model_config = ConfigDict(extra="forbid")

    sbp: float | None = Field(None, ge=0, le=320)
    dbp: float | None = Field(None, ge=0, le=220)
    hr: float | None = Field(None, ge=0, le=350)
    rr: float | None = Field(None, ge=0, le=120)
    temp: float | None = Field(None, ge=20, le=45)
    spo2: float | None = Field(None, ge=0, le=100)
    gcs: float | None = Field(None, ge=3, le=15)
    glucose: float | None = Field(None, ge=0, le=100)
    pain: float | None = Field(None, ge=0, le=10)


class TriageRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    age: float | None = Field(None, ge=0, le=130, description="Years; 0.5 = six months")
    age_months: float | None = Field(None, ge=0, le=1560)
    sex: str | None = None
    pregnant: bool | None = None
    complaint: str = Field(min_length=1, max_length=4000)
    vitals: Vitals = Field(default_factory=lambda: Vitals.model_validate({}))

    @field_validator("complaint")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("complaint is blank")
        return v

    def age_years(self) -> float | None:
        if self.age is not None:
            return self.age
        if self.age_months is not None:
            return self.age_months / 12.0
        return None


@dataclass(frozen=True)
class VitalRule:
    id: str
    vital: str
    op: str
    value: float
    level: int
    source: str
    text_zh: str
    text_en: str
    central_only: bool = False  # CTAS 2016: read only when the pain is not peripheral
    peripheral_level: int | None = None  # CTAS 2016: the level when the pain is peripheral
    recurrent_level: int | None = (
        None  # CTAS 2016: the level of a known, recurring ("chronic") pain
    )


@dataclass(frozen=True)
class ChildBand:
    name_zh: str
    name_en: str
    min_age: float
    max_age: float
    hr_high_3: float
    hr_high_2: float
    hr_low_3: float
    hr_low_2: float
    hr_low_1: float
    rr_high_3: float
    rr_high_2: float
    rr_low_2: float
    sbp_low: float
    source: str


@dataclass(frozen=True)
class ComplaintRule:
    id: str
    level: int
    department: str
    terms: tuple[str, ...]
    source: str
    text_zh: str
    text_en: str
    call_120: bool = False
    refer: bool = False
    with_terms: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    min_age: float | None = None
    max_age: float | None = None
    criterion: str = ""
    resources: int | None = None
    #: the kind of a minor complaint's one resource (``procedure``, ``imaging``, ``labs``): ESI v4
    #: counts kinds, so two minor problems needing different kinds are two resources, level 3
    resource_kind: str = ""
    #: not for a known child (< 14 y); unlike ``min_age`` it still applies when the age is unknown
    adult_only: bool = False
    absent: tuple[str, ...] = ()
    absent_site: tuple[str, ...] = ()
    absent_not_site: tuple[str, ...] = ()
    cancelled_by: tuple[str, ...] = ()
    near_sites: tuple[str, ...] = ()
    near_signs: tuple[str, ...] = ()
    near_sentence: bool = False
    near_clause: bool = False  # the sign only in the site's own clause (see findings.Concept)
    #: findings this one answers when the rules read it: a nosebleed told as stopped makes the
    #: acute-ENT finding moot, so no similarity match may add it back
    supersedes: tuple[str, ...] = ()
    #: a risk that counts only when recent (an operation within weeks: Wells): told as years back
    #: in its clause ("去年做过膝盖手术") it is left out even though it reads context
    recent: bool = False
    pain_min: float | None = None  # severe pain: a similarity match needs no lower pain score
    semantic: bool = True  # False: a magnitude (height, speed, severity) similarity cannot judge
    #: a standing condition (immunosuppressed, known diabetic) that is history by nature: never
    #: left out as past history ("前年车祸把脾切了")
    context: bool = False


@dataclass(frozen=True)
class Composite:
    """A finding made of others (and of facts of the request): every group must hold, a group
    by any of its members. Members are finding ids or the facts ``pregnant``, ``fever``
    (a measured temperature ≥ 38.0 ℃ or a fever word), ``older_adult`` (age ≥ 65) and
    ``pregnant_20_weeks`` (pregnancy weeks read as 20 or more), ``preterm`` (20 to under 37
    weeks), ``ongoing_5_min`` (something told as still going on after 5 minutes or more:
    "快半个钟头了还没停"), ``major_burn`` (a burnt area read as an adult's 20 % or a child's 10 %
    of the body surface or more), ``newborn_first_day`` (an age under about 35 hours) and
    ``child_tachycardia`` (a child's measured heart rate above the level-3 limit of its PALS age
    band).
    Pregnancy + a seizure is eclampsia whichever words told the seizure."""

    id: str
    groups: tuple[tuple[str, ...], ...]
    source: str


@dataclass(frozen=True)
class ResourceModifier:
    """ESI v4 ch.4 counts the *kinds* of resources a stable patient is expected to need; the
    context of a minor complaint can add one: a fever with a local complaint (labs, cultures),
    a pregnancy (obstetric assessment), old age (labs, ECG), a known diabetes with a skin
    infection (glucose). ``fact`` is a request fact or a finding id; when it holds and one of
    ``findings`` was found, the estimate grows by ``adds``; an estimate of two or more is level 3
    (ESI decision point C)."""

    id: str
    fact: str
    findings: tuple[str, ...]
    adds: int
    source: str
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class MeasureRule:
    """A threshold on a quantity read from the text (burn area %, tablets taken, fall height)."""

    id: str
    measure: str
    op: str
    value: float
    level: int
    source: str
    text_zh: str
    text_en: str
    min_age: float | None = None
    max_age: float | None = None
    department: str = "emergency"
    #: one of these must also be affirmed in the text (recent surgery + vomiting/fever)
    with_terms: tuple[str, ...] = ()
    #: the row does not apply when one of these is affirmed (a long seizure told as over)
    unless_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoutingRule:
    department: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class TriageKnowledge:
    adult_vitals: tuple[VitalRule, ...]
    any_age_vitals: tuple[VitalRule, ...]
    child_bands: tuple[ChildBand, ...]
    infant_fever: VitalRule | None
    infant_fever_max_age: float
    complaints: tuple[ComplaintRule, ...]
    routing: tuple[RoutingRule, ...]
    self_care_terms: tuple[str, ...]
    self_care_source: str
    self_care_ages: tuple[float, float]
    departments: dict[str, tuple[str, str]]
    sources: dict[str, str] = field(default_factory=dict)
    pregnancy_vitals: tuple[VitalRule, ...] = ()
    measure_rules: tuple[MeasureRule, ...] = ()
    self_care_normal: dict[str, tuple[float, float]] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=lambda: Vocabulary(()))
    composites: tuple[Composite, ...] = ()
    resource_modifiers: tuple[ResourceModifier, ...] = ()
    pain_sites: PainSites = field(default_factory=lambda: PainSites((), ()))
    low_risk: tuple[LowRisk, ...] = ()
    #: lab analytes read from the complaint for the ``lab_<id>`` measure rows (a critical value)
    lab_analytes: tuple[Analyte, ...] = ()
    #: finding id → the findings it answers (``ComplaintRule.supersedes``), built once at load
    supersedes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def cite(self, keys: str) -> str:
        return "；".join(
            self.sources.get(k.strip(), k.strip()) for k in keys.split(";") if k.strip()
        )


@dataclass(frozen=True)
class Reason:
    rule: str
    level: int
    source: str
    text_zh: str
    text_en: str
    origin: Literal["rule", "semantic", "model"] = "rule"

    def as_dict(self, lang: str = "zh") -> dict[str, object]:
        return {
            "rule": self.rule,
            "source": self.source,
            "text": self.text_en if lang == "en" else self.text_zh,
            "level": self.level,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class TriageResult:
    level: int
    disposition: Disposition
    department_key: str
    department_zh: str
    department_en: str
    refer: bool
    call_120: bool
    reasons: tuple[Reason, ...]
    rules_level: int
    findings: tuple[Finding, ...] = ()
    vitals_used: dict[str, dict[str, object]] = field(default_factory=dict)
    resources: int | None = None
    #: spans of mentions the rules read as denied ("不重影"): the semantic matcher skips their
    #: clauses. Not part of the output contract.
    denied: tuple[tuple[int, int], ...] = ()

    def as_dict(self, lang: str = "zh") -> dict[str, object]:
        return {
            "level": self.level,
            "disposition": self.disposition,
            "department": self.department_en if lang == "en" else self.department_zh,
            "refer": self.refer,
            "reasons": [r.as_dict(lang) for r in self.reasons],
            "call_120": self.call_120,
            "level_name": LEVEL_NAMES[self.level][1 if lang == "en" else 0],
            "rules_level": self.rules_level,
            "findings": [f.as_dict() for f in self.findings],
            "vitals_used": self.vitals_used,
            "resources": self.resources,
        }


LEVEL_NAMES: dict[int, tuple[str, str]] = {
    1: ("1级 濒危", "Level 1 resuscitation"),
    2: ("2级 危重", "Level 2 emergent"),
    3: ("3级 急症", "Level 3 urgent"),
    4: ("4级 非急症", "Level 4 non-urgent"),
}
