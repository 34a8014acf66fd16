"""Data shapes of the medication safety rules (pure; the data itself is loaded by
``appliance.knowledge.catalogs`` from the bundled, cited files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Severity = Literal["contraindicated", "major", "moderate", "minor"]
AlertType = Literal[
    "interaction",
    "allergy",
    "dose",
    "age",
    "pregnancy",
    "renal",
    "duplicate",
    "antibiotic_tier",
    "unknown_drug",
]
Tier = Literal["non_restricted", "restricted", "special"]
TIER_RANK: dict[str, int] = {"non_restricted": 1, "restricted": 2, "special": 3}
SEVERITY_RANK: dict[str, int] = {"contraindicated": 4, "major": 3, "moderate": 2, "minor": 1}


@dataclass(frozen=True)
class Drug:
    """One formulary row. Doses are per administration (single dose) in mg unless noted."""

    id: str
    name_zh: str
    inn: str
    brands: tuple[str, ...]
    atc: str
    classes: tuple[str, ...]
    forms: tuple[str, ...]
    adult_dose_min_mg: float | None
    adult_dose_max_mg: float | None
    adult_max_daily_mg: float | None
    ped_dose_mg_per_kg: float | None
    ped_max_daily_mg_per_kg: float | None
    antibiotic_tier: Tier | None
    source: str
    essential: bool = True
    aliases: tuple[str, ...] = ()
    max_freq_per_day: float | None = None
    antibiotic_tier_parenteral: Tier | None = None
    release: str = ""
    """``ir`` immediate, ``sr`` sustained, ``cr`` controlled, ``ec`` enteric-coated, ``""`` n/a.
    Modified-release products are their own rows (own doses and frequency)."""
    parent: str = ""
    """For a modified-release row: the id of the same molecule's immediate-release row."""

    @property
    def is_antibiotic(self) -> bool:
        """A systemic antibacterial (the stewardship rules apply)."""
        return "antibacterial" in self.classes

    def tier_for(self, route: str | None) -> Tier | None:
        if route in ("iv", "im", "ivgtt", "injection") and self.antibiotic_tier_parenteral:
            return self.antibiotic_tier_parenteral
        return self.antibiotic_tier

    def matches(self, target: str) -> bool:
        """``target`` is a drug id or ``class:<name>``."""
        if target.startswith("class:"):
            return target[6:] in self.classes
        return target == self.id

    def label(self) -> str:
        return self.name_zh


@dataclass(frozen=True)
class InteractionRule:
    """Drugs matching ``a`` and ``b`` (and ``c`` when given: three distinct drugs) together.

    Targets are drug ids, ``class:<name>`` (ATC class or mechanism property) or, for ``b`` only,
    ``cond:<group>`` (a patient condition). The optional limits narrow a rule to the population
    its source names (e.g. Beers: age >= 65; CKD stage 3a+: eGFR < 60; older women)."""

    id: str
    a: str
    b: str
    severity: Severity
    message_zh: str
    message_en: str
    source: str
    c: str = ""
    min_age: float | None = None
    egfr_below: float | None = None
    sex: str = ""


@dataclass(frozen=True)
class CountRule:
    """``min_count`` or more distinct drugs of one kind together (e.g. Beers 2023: >= 3
    CNS-active drugs; >= 2 strongly anticholinergic drugs; serotonergic load)."""

    id: str
    target: str
    min_count: int
    severity: Severity
    message_zh: str
    message_en: str
    source: str
    min_age: float | None = None


@dataclass(frozen=True)
class AllergyRule:
    """An allergy term (e.g. 青霉素) against a target (drug id or class) with a severity."""

    id: str
    allergen: tuple[str, ...]
    target: str
    severity: Severity
    message_zh: str
    message_en: str
    source: str


@dataclass(frozen=True)
class PatientRule:
    """An age, pregnancy, lactation or renal rule for a drug or class."""

    id: str
    kind: Literal["age", "pregnancy", "lactation", "renal"]
    target: str
    severity: Severity
    message_zh: str
    message_en: str
    source: str
    below_age_years: float | None = None
    min_age_years: float | None = None
    egfr_below: float | None = None


@dataclass(frozen=True)
class MedsKnowledge:
    """Everything the checks need, passed in (the clinical layer does no I/O)."""

    drugs: tuple[Drug, ...]
    index: dict[str, Drug]
    interactions: tuple[InteractionRule, ...]
    allergy_rules: tuple[AllergyRule, ...]
    patient_rules: tuple[PatientRule, ...]
    count_rules: tuple[CountRule, ...] = ()
    infection_terms: tuple[str, ...] = ()
    non_bacterial_terms: tuple[str, ...] = ()
    bacterial_terms: tuple[str, ...] = ()
    condition_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    duplicate_classes: frozenset[str] = field(default_factory=frozenset)
    duplicate_major_classes: frozenset[str] = field(default_factory=frozenset)
    duplicate_source: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    version: str = ""

    def cite(self, keys: str) -> str:
        """Expand ``"KEY1;KEY2"`` into the full citations (unknown keys are kept as they are)."""
        return "；".join(
            self.sources.get(k.strip(), k.strip()) for k in keys.split(";") if k.strip()
        )


class PatientInfo(BaseModel):
    model_config = ConfigDict(extra="ignore")

    age: float | None = Field(None, ge=0, le=130)
    sex: str | None = None
    weight_kg: float | None = Field(None, gt=0, le=400)
    pregnant: bool = False
    lactating: bool = False
    egfr: float | None = Field(None, ge=0, le=250)
    allergies: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)

    @field_validator("allergies", "conditions", mode="before")
    @classmethod
    def _listify(cls, v: object) -> object:
        if v is None:
            return []
        if isinstance(v, str):
            return [p for p in v.replace("，", ",").replace("、", ",").split(",") if p.strip()]
        return v


class PrescriptionItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    drug: str = Field(min_length=1, max_length=200)
    dose_mg: float | None = Field(None, gt=0, le=1_000_000)
    frequency_per_day: float | None = Field(None, gt=0, le=48)
    route: str | None = None
    days: int | None = Field(None, ge=1, le=3650)


class Prescriber(BaseModel):
    model_config = ConfigDict(extra="ignore")

    antibiotic_privilege: Tier = "non_restricted"
    name: str | None = None


@dataclass(frozen=True)
class Alert:
    type: AlertType
    severity: Severity
    drugs: tuple[str, ...]
    message_zh: str
    message_en: str
    source: str
    rule: str

    def as_dict(self, lang: str = "zh") -> dict[str, object]:
        return {
            "type": self.type,
            "severity": self.severity,
            "drugs": list(self.drugs),
            "message": self.message_en if lang == "en" else self.message_zh,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "source": self.source,
            "rule": self.rule,
        }
