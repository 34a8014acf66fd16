"""Medication recommendation (用药推荐), pure: guideline first-line options for a diagnosis,
each passed through every safety check for this patient. Rules pick; a model may only phrase."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from appliance.clinical._text import find_terms
from appliance.clinical.meds import check_prescriptions
from appliance.clinical.meds_model import (
    SEVERITY_RANK,
    Alert,
    Drug,
    MedsKnowledge,
    PatientInfo,
    Prescriber,
    PrescriptionItem,
)

EXCLUDE_AT = SEVERITY_RANK["major"]


@dataclass(frozen=True)
class RecommendOption:
    drug: str
    regimen: str
    adult_dose_mg: float | None = None
    ped_mg_per_kg: float | None = None
    frequency_per_day: float | None = None


@dataclass(frozen=True)
class RecommendEntry:
    key: str
    name_zh: str
    name_en: str
    terms: tuple[str, ...]
    icd10: tuple[str, ...]
    source: str
    note: str
    options: tuple[RecommendOption, ...]


@dataclass(frozen=True)
class Recommendation:
    drug: Drug
    option: RecommendOption
    dose_mg: float | None
    alerts: tuple[Alert, ...]

    @property
    def safe(self) -> bool:
        return not self.alerts


@dataclass(frozen=True)
class Exclusion:
    drug: Drug
    alerts: tuple[Alert, ...]


def match_diagnosis(
    text: str, icd10: str, entries: Sequence[RecommendEntry]
) -> RecommendEntry | None:
    """The entry for a diagnosis: by ICD-10 prefix first, else by the longest matching term."""
    code = icd10.upper().replace(" ", "")
    if code:
        by_code = [e for e in entries for p in e.icd10 if code.startswith(p.upper())]
        if by_code:
            return max(
                by_code, key=lambda e: max(len(p) for p in e.icd10 if code.startswith(p.upper()))
            )
    best: tuple[int, RecommendEntry] | None = None
    for entry in entries:
        for term in find_terms(text, entry.terms):
            if best is None or len(term) > best[0]:
                best = (len(term), entry)
    return best[1] if best else None


def _dose(option: RecommendOption, drug: Drug, patient: PatientInfo) -> float | None:
    child = patient.age is not None and patient.age < 18
    if child and option.ped_mg_per_kg is not None and patient.weight_kg:
        dose = option.ped_mg_per_kg * patient.weight_kg
        if option.adult_dose_mg is not None:
            dose = min(dose, option.adult_dose_mg)
        return round(dose, 1)
    if child and patient.age is not None and patient.age < 12:
        return None  # weight-based dose needed; the dose check will ask for the weight
    return option.adult_dose_mg


def recommend(
    entry: RecommendEntry,
    patient: PatientInfo,
    current: Sequence[PrescriptionItem],
    prescriber: Prescriber | None,
    *,
    knowledge: MedsKnowledge,
    diagnosis: str,
) -> tuple[list[Recommendation], list[Exclusion]]:
    """Options that pass (possibly with moderate/minor alerts) and those excluded by a
    contraindicated or major alert (allergy, interaction, age, pregnancy, renal, privilege…)."""
    options: list[Recommendation] = []
    excluded: list[Exclusion] = []
    for option in entry.options:
        drug = knowledge.index.get(option.drug) or next(
            (d for d in knowledge.drugs if d.id == option.drug), None
        )
        if drug is None:
            continue
        dose = _dose(option, drug, patient)
        item = PrescriptionItem.model_validate(
            {"drug": drug.name_zh, "dose_mg": dose, "frequency_per_day": option.frequency_per_day}
        )
        alerts = check_prescriptions(
            patient, [*current, item], prescriber, knowledge=knowledge, diagnoses=[diagnosis]
        )
        mine = tuple(a for a in alerts if drug.name_zh in a.drugs)
        if any(SEVERITY_RANK[a.severity] >= EXCLUDE_AT for a in mine):
            excluded.append(Exclusion(drug, mine))
        else:
            options.append(Recommendation(drug, option, dose, mine))
    return options, excluded
