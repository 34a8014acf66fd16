"""Dose, frequency and antibiotic-stewardship checks for one resolved prescription (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from appliance.clinical._text import normalize
from appliance.clinical.meds_model import (
    TIER_RANK,
    Alert,
    Drug,
    MedsKnowledge,
    PatientInfo,
    Prescriber,
    PrescriptionItem,
)

PAEDIATRIC_AGE = 18.0
WEIGHT_NEEDED_AGE = 12.0
_TIER_ZH = {"non_restricted": "非限制使用级", "restricted": "限制使用级", "special": "特殊使用级"}
_TIER_EN = {
    "non_restricted": "non-restricted",
    "restricted": "restricted",
    "special": "special-use",
}


def _fmt(x: float) -> str:
    return f"{x:g}"


def dose_alerts(
    drug: Drug, item: PrescriptionItem, patient: PatientInfo, kb: MedsKnowledge
) -> list[Alert]:
    """Single dose, daily dose and frequency against the formulary limits for age/weight."""
    alerts: list[Alert] = []
    src = kb.cite(drug.source)
    names = (drug.name_zh,)
    if (
        item.frequency_per_day
        and drug.max_freq_per_day
        and (item.frequency_per_day > drug.max_freq_per_day + 1e-9)
    ):
        weekly = drug.max_freq_per_day < 0.5
        alerts.append(
            Alert(
                "dose",
                "contraindicated" if weekly else "major",
                names,
                f"{drug.name_zh}给药频次 {_fmt(item.frequency_per_day)} 次/日超过推荐上限"
                + (
                    "（非肿瘤用法为每周一次）。"
                    if weekly
                    else f"（{_fmt(drug.max_freq_per_day)} 次/日）。"
                ),
                f"{drug.inn}: {_fmt(item.frequency_per_day)} times/day exceeds the usual maximum"
                + (
                    " (non-oncology use is ONCE WEEKLY)."
                    if weekly
                    else f" ({_fmt(drug.max_freq_per_day)}/day)."
                ),
                src,
                "MED-DOSE-FREQUENCY",
            )
        )
    if item.dose_mg is None:
        return alerts
    limits = _limits(drug, patient)
    if limits is None:
        if patient.age is not None and patient.age < WEIGHT_NEEDED_AGE and drug.ped_dose_mg_per_kg:
            alerts.append(
                Alert(
                    "dose",
                    "minor",
                    names,
                    f"儿童用{drug.name_zh}需按体重核对剂量，请填写体重。",
                    f"Child: {drug.inn} must be checked per kg; please give the weight.",
                    src,
                    "MED-DOSE-WEIGHT-NEEDED",
                )
            )
        return alerts
    single_max, daily_max, single_min, basis_zh, basis_en = limits
    dose = item.dose_mg
    if single_max is not None and dose > single_max * 1.0001:
        alerts.append(
            Alert(
                "dose",
                "major",
                names,
                f"{drug.name_zh}单次剂量 {_fmt(dose)} mg 超过{basis_zh}上限 {_fmt(single_max)} mg。",
                f"{drug.inn}: single dose {_fmt(dose)} mg exceeds the {basis_en} maximum of "
                f"{_fmt(single_max)} mg.",
                src,
                "MED-DOSE-SINGLE-MAX",
            )
        )
    if item.frequency_per_day and daily_max is not None:
        daily = dose * item.frequency_per_day
        if daily > daily_max * 1.0001:
            alerts.append(
                Alert(
                    "dose",
                    "major",
                    names,
                    f"{drug.name_zh}日剂量 {_fmt(daily)} mg 超过{basis_zh}日最大剂量 {_fmt(daily_max)} mg。",
                    f"{drug.inn}: daily dose {_fmt(daily)} mg exceeds the {basis_en} maximum daily "
                    f"dose of {_fmt(daily_max)} mg.",
                    src,
                    "MED-DOSE-DAILY-MAX",
                )
            )
    if single_min is not None and dose < single_min * 0.999:
        alerts.append(
            Alert(
                "dose",
                "minor",
                names,
                f"{drug.name_zh}单次剂量 {_fmt(dose)} mg 低于常用剂量 {_fmt(single_min)} mg，可能疗效不足。",
                f"{drug.inn}: single dose {_fmt(dose)} mg is below the usual {_fmt(single_min)} mg.",
                src,
                "MED-DOSE-BELOW-RANGE",
            )
        )
    return alerts


def _limits(
    drug: Drug, patient: PatientInfo
) -> tuple[float | None, float | None, float | None, str, str] | None:
    """(single max, daily max, single min, basis zh, basis en) or None when it cannot be judged."""
    child = patient.age is not None and patient.age < PAEDIATRIC_AGE
    if child and patient.weight_kg and (drug.ped_dose_mg_per_kg or drug.ped_max_daily_mg_per_kg):
        w = patient.weight_kg
        single = drug.ped_dose_mg_per_kg * w if drug.ped_dose_mg_per_kg else None
        daily = drug.ped_max_daily_mg_per_kg * w if drug.ped_max_daily_mg_per_kg else None
        if single is not None and drug.adult_dose_max_mg is not None:
            single = min(single, drug.adult_dose_max_mg)
        if daily is not None and drug.adult_max_daily_mg is not None:
            daily = min(daily, drug.adult_max_daily_mg)
        return single, daily, None, f"儿童（{w:g} kg）", f"paediatric ({w:g} kg)"
    if child and patient.age is not None and patient.age < WEIGHT_NEEDED_AGE:
        return None
    if drug.adult_dose_max_mg is None and drug.adult_max_daily_mg is None:
        return None
    return drug.adult_dose_max_mg, drug.adult_max_daily_mg, drug.adult_dose_min_mg, "成人", "adult"


def tier_alert(
    drug: Drug, item: PrescriptionItem, prescriber: Prescriber | None, kb: MedsKnowledge
) -> Alert | None:
    tier = drug.tier_for(item.route)
    if tier is None or prescriber is None:
        return None
    if TIER_RANK[tier] <= TIER_RANK[prescriber.antibiotic_privilege]:
        return None
    return Alert(
        "antibiotic_tier",
        "major",
        (drug.name_zh,),
        f"{drug.name_zh}属{_TIER_ZH[tier]}抗菌药物，超出处方者权限（{_TIER_ZH[prescriber.antibiotic_privilege]}）；"
        + (
            "须经抗菌药物管理小组/会诊同意。"
            if tier == "special"
            else "须由具有相应权限的医师开具。"
        ),
        f"{drug.inn} is a {_TIER_EN[tier]} antibiotic, above the prescriber's privilege "
        f"({_TIER_EN[prescriber.antibiotic_privilege]}); "
        + (
            "needs stewardship/consultation approval."
            if tier == "special"
            else "a doctor with that privilege must prescribe it."
        ),
        kb.cite("ABXMGMT2012;ABX2015"),
        "ABX-TIER-PRIVILEGE",
    )


def _classify(text: str, kb: MedsKnowledge) -> str:
    t = normalize(text)
    if any(normalize(w) in t for w in kb.bacterial_terms):
        return "bacterial"
    if any(normalize(w) in t for w in kb.non_bacterial_terms):
        return "non_bacterial"
    if any(normalize(w) in t for w in kb.infection_terms):
        return "infection"
    return "none"


def indication_alert(
    drugs: Sequence[Drug], diagnoses: Sequence[str], kb: MedsKnowledge
) -> Alert | None:
    """Antibacterials need an (at least possibly) bacterial infection among the diagnoses."""
    antibiotics = tuple(d.name_zh for d in drugs if d.is_antibiotic)
    if not antibiotics or not diagnoses:
        return None
    kinds = {_classify(d, kb) for d in diagnoses}
    if kinds & {"bacterial", "infection"}:
        return None
    if "non_bacterial" in kinds:
        return Alert(
            "antibiotic_tier",
            "moderate",
            antibiotics,
            "诊断为病毒性/非细菌性疾病（如普通感冒、急性上呼吸道感染），无使用抗菌药物指征。",
            "The diagnosis is viral/non-bacterial (e.g. common cold, acute URTI); antibiotics are not indicated.",
            kb.cite("ABX-URTI;ABX2015"),
            "ABX-NONBACTERIAL-DIAGNOSIS",
        )
    return Alert(
        "antibiotic_tier",
        "moderate",
        antibiotics,
        "处方含抗菌药物，但诊断中没有感染性疾病；请补充感染诊断或停用抗菌药物。",
        "Antibiotic prescribed without an infection diagnosis; record the infection or stop the antibiotic.",
        kb.cite("ABX2015;ABXMGMT2012"),
        "ABX-NO-INFECTION-DIAGNOSIS",
    )
