"""Medication safety checks (用药审核): the pure entry points.

``check_prescriptions(patient, prescriptions, prescriber, knowledge=...)`` returns every alert —
interactions, allergy and cross-reactivity, duplicate therapy, dose/frequency by age and weight,
renal (eGFR), pregnancy/lactation, age contraindications, antibiotic tier vs privilege and
antibiotics without an infection diagnosis. A drug the formulary does not know gives an
``unknown_drug`` alert; nothing is ever skipped silently. ``knowledge`` comes from
``appliance.knowledge.catalogs.meds_knowledge()`` (this layer does no I/O).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

from appliance.clinical._text import compact
from appliance.clinical.meds_dose import dose_alerts, indication_alert, tier_alert
from appliance.clinical.meds_interact import interaction_alerts, matches
from appliance.clinical.meds_model import (
    SEVERITY_RANK,
    Alert,
    AlertType,
    Drug,
    MedsKnowledge,
    PatientInfo,
    PatientRule,
    Prescriber,
    PrescriptionItem,
)
from appliance.clinical.meds_resolve import requested_release, resolve_in

__all__ = ["check_prescriptions", "resolve_drug", "sort_alerts"]

# Classes where an allergy to one member means the others cross-react.
_ALLERGY_CLASSES = frozenset(
    {
        "penicillin",
        "cephalosporin",
        "carbapenem",
        "macrolide",
        "fluoroquinolone",
        "sulfonamide",
        "tetracycline",
        "nsaid",
        "salicylate",
        "aminoglycoside",
        "lincosamide",
        "nitroimidazole",
        "acei",
        "arb",
        "statin",
        "opioid",
    }
)


def resolve_drug(name: str, knowledge: MedsKnowledge) -> Drug | None:
    """Resolve a Chinese generic name, INN, brand or alias (see ``meds_resolve``)."""
    return resolve_in(knowledge.index, name)


def _matches(drug: Drug, spec: str) -> bool:
    return matches(drug, spec)


def _duplicate_alerts(drugs: Sequence[Drug], kb: MedsKnowledge) -> list[Alert]:
    alerts: list[Alert] = []
    for d1, d2 in combinations(drugs, 2):
        if d1.id == d2.id or (d1.parent or d1.id) == (d2.parent or d2.id):
            alerts.append(
                Alert(
                    "duplicate",
                    "major",
                    (d1.name_zh,),
                    f"同一药物{d1.name_zh}重复开具。",
                    f"{d1.inn} is prescribed twice.",
                    kb.cite(kb.duplicate_source),
                    "DUP-SAME-DRUG",
                )
            )
            continue
        shared = sorted(set(d1.classes) & set(d2.classes) & kb.duplicate_classes)
        if not shared:
            continue
        major = any(c in kb.duplicate_major_classes for c in shared)
        cls = shared[0]
        alerts.append(
            Alert(
                "duplicate",
                "major" if major else "moderate",
                (d1.name_zh, d2.name_zh),
                f"{d1.name_zh}与{d2.name_zh}同属一类（{cls}），属重复用药"
                + ("，可致过量中毒。" if major else "，请只保留一种。"),
                f"{d1.inn} and {d2.inn} are the same class ({cls}): duplicate therapy"
                + (", risk of overdose." if major else "; keep one."),
                kb.cite(kb.duplicate_source),
                f"DUP-CLASS-{cls.upper()}",
            )
        )
    return alerts


def _allergy_alerts(drugs: Sequence[Drug], patient: PatientInfo, kb: MedsKnowledge) -> list[Alert]:
    alerts: list[Alert] = []
    for allergy in patient.allergies:
        key = compact(allergy)
        if not key or key in {"无", "none", "nka", "nkda", "否认", "不详"}:
            continue
        for rule in kb.allergy_rules:
            if not any(compact(term) in key for term in rule.allergen):
                continue
            for drug in drugs:
                if _matches(drug, rule.target):
                    alerts.append(
                        Alert(
                            "allergy",
                            rule.severity,
                            (drug.name_zh,),
                            rule.message_zh,
                            rule.message_en,
                            kb.cite(rule.source),
                            rule.id,
                        )
                    )
        allergen = resolve_in(kb.index, allergy)
        if allergen is None:
            continue
        for drug in drugs:
            if (drug.parent or drug.id) == (allergen.parent or allergen.id):
                alerts.append(
                    Alert(
                        "allergy",
                        "contraindicated",
                        (drug.name_zh,),
                        f"患者对{allergen.name_zh}过敏，禁用。",
                        f"The patient is allergic to {allergen.inn}: contraindicated.",
                        kb.cite(drug.source),
                        "ALG-SAME-DRUG",
                    )
                )
                continue
            shared = sorted(set(drug.classes) & set(allergen.classes) & _ALLERGY_CLASSES)
            if shared:
                alerts.append(
                    Alert(
                        "allergy",
                        "major",
                        (drug.name_zh,),
                        f"患者对{allergen.name_zh}过敏，{drug.name_zh}同属{shared[0]}类，存在交叉过敏风险。",
                        f"Allergic to {allergen.inn}; {drug.inn} is in the same class "
                        f"({shared[0]}): cross-reactivity risk.",
                        kb.cite(drug.source),
                        f"ALG-SAME-CLASS-{shared[0].upper()}",
                    )
                )
    return alerts


def _applies(rule: PatientRule, patient: PatientInfo) -> bool:
    if rule.kind == "age":
        if patient.age is None:
            return False
        if rule.below_age_years is not None and patient.age < rule.below_age_years:
            return True
        return rule.min_age_years is not None and patient.age >= rule.min_age_years
    if rule.kind == "pregnancy":
        return patient.pregnant
    if rule.kind == "lactation":
        return patient.lactating
    return (
        patient.egfr is not None and rule.egfr_below is not None and patient.egfr < rule.egfr_below
    )


def _dedupe_group(rule: PatientRule) -> str:
    """One renal, one pregnancy and one older-adult finding per drug (the most severe); other
    rules (child age limits, lactation) each stand on their own."""
    if rule.kind in ("renal", "pregnancy"):
        return rule.kind
    if rule.kind == "age" and rule.min_age_years is not None:
        return "older"
    return rule.id


# Lactation findings are reported under the contract's "pregnancy" type.
_RULE_TYPE: dict[str, AlertType] = {
    "age": "age",
    "pregnancy": "pregnancy",
    "lactation": "pregnancy",
    "renal": "renal",
}


def _patient_rule_alerts(
    drugs: Sequence[Drug], patient: PatientInfo, kb: MedsKnowledge
) -> list[Alert]:
    best: dict[tuple[str, str], Alert] = {}
    for rule in kb.patient_rules:
        if not _applies(rule, patient):
            continue
        for drug in drugs:
            if not _matches(drug, rule.target):
                continue
            alert = Alert(
                _RULE_TYPE[rule.kind],
                rule.severity,
                (drug.name_zh,),
                rule.message_zh,
                rule.message_en,
                kb.cite(rule.source),
                rule.id,
            )
            key = (drug.id, _dedupe_group(rule))
            old = best.get(key)
            if old is None or SEVERITY_RANK[alert.severity] > SEVERITY_RANK[old.severity]:
                best[key] = alert
    return list(best.values())


def _release_unverified(name: str, drug: Drug, kb: MedsKnowledge) -> Alert:
    return Alert(
        "dose",
        "minor",
        (drug.name_zh,),
        f"“{name}”是缓释/控释制剂，本机处方集只有{drug.name_zh}普通制剂的剂量上限，剂量请按该制剂说明书人工核对"
        "（相互作用与禁忌已核查）。",
        f"'{name}' is a modified-release product; this formulary only holds the immediate-release "
        f"{drug.inn} limits, so check the dose against its own label (interactions and "
        "contraindications were checked).",
        kb.cite(drug.source),
        "MED-DOSE-RELEASE-UNVERIFIED",
    )


def _unknown_alert(name: str) -> Alert:
    return Alert(
        "unknown_drug",
        "moderate",
        (name,),
        f"“{name}”不在本机处方集中，无法完成相互作用、剂量和禁忌核查，请人工核对。",
        f"'{name}' is not in this box's formulary: interactions, dose and contraindications "
        "could not be checked; verify by hand.",
        "ClinicBox formulary (国家基本药物目录 2018 based); unknown names are never skipped",
        "MED-UNKNOWN-DRUG",
    )


def check_prescriptions(
    patient: PatientInfo,
    prescriptions: Sequence[PrescriptionItem],
    prescriber: Prescriber | None,
    *,
    knowledge: MedsKnowledge,
    diagnoses: Iterable[str] = (),
) -> list[Alert]:
    """All safety alerts for ``prescriptions`` given to ``patient``, most severe first.

    ``diagnoses`` (this visit) plus ``patient.conditions`` are used for the antibiotic
    indication check; pass neither to skip that one check.
    """
    kb = knowledge
    resolved: list[tuple[PrescriptionItem, Drug]] = []
    alerts: list[Alert] = []
    for item in prescriptions:
        drug = resolve_in(kb.index, item.drug)
        if drug is None:
            alerts.append(_unknown_alert(item.drug.strip()))
            continue
        resolved.append((item, drug))
        wanted = requested_release(item.drug)
        if wanted in ("sr", "cr") and drug.release not in ("sr", "cr"):
            # A modified-release product this formulary does not list separately: its dose
            # limits are not those of the immediate-release row, so say so instead of judging.
            alerts.append(_release_unverified(item.drug.strip(), drug, kb))
        else:
            alerts.extend(dose_alerts(drug, item, patient, kb))
        tier = tier_alert(drug, item, prescriber, kb)
        if tier is not None:
            alerts.append(tier)
    drugs = [d for _, d in resolved]
    # Drug–disease rules see this visit's diagnoses as well as the recorded conditions.
    visit = list(diagnoses)
    with_dx = (
        patient.model_copy(update={"conditions": [*patient.conditions, *visit]})
        if visit
        else patient
    )
    alerts.extend(interaction_alerts(drugs, with_dx, kb))
    alerts.extend(_duplicate_alerts(drugs, kb))
    alerts.extend(_allergy_alerts(drugs, patient, kb))
    alerts.extend(_patient_rule_alerts(drugs, patient, kb))
    indication = indication_alert(drugs, [*patient.conditions, *visit], kb)
    if indication is not None:
        alerts.append(indication)
    return sort_alerts(_dedupe(alerts))


def _dedupe(alerts: Iterable[Alert]) -> list[Alert]:
    seen: dict[tuple[str, str, tuple[str, ...]], Alert] = {}
    for a in alerts:
        key = (a.type, a.rule, tuple(sorted(a.drugs)))
        if key not in seen:
            seen[key] = a
    # One allergy finding per drug: keep the most severe.
    by_drug: dict[tuple[str, ...], Alert] = {}
    rest: list[Alert] = []
    for a in seen.values():
        if a.type != "allergy":
            rest.append(a)
            continue
        old = by_drug.get(a.drugs)
        if old is None or SEVERITY_RANK[a.severity] > SEVERITY_RANK[old.severity]:
            by_drug[a.drugs] = a
    return rest + list(by_drug.values())


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda a: (-SEVERITY_RANK[a.severity], a.type, a.rule))
