"""QC checks: diagnosis–evidence, diagnosis–treatment and writing norms (pure).

Medication safety is not re-implemented here: QC-T02/T03 turn the alerts of the medication
checks (``check_prescriptions``, passed in ``QcContext.med_alerts``) into findings, and add the
catalog's own allergy-class rule so a penicillin allergy is never missed even without them.
"""

from __future__ import annotations

import re

from appliance.clinical.extract_numbers import normalize_numbers
from appliance.clinical.qc import Check, Hit, QcCatalog, QcContext, QcRule
from appliance.clinical.qc_checks import affirmed
from appliance.clinical.record import OutpatientRecord

_EVIDENCE_FIELDS = ("chief_complaint", "present_illness", "physical_exam", "auxiliary_exams")


def _evidence_text(rec: OutpatientRecord) -> str:
    parts = [rec.text_of(f) for f in _EVIDENCE_FIELDS]
    vitals = rec.vitals
    if vitals.sbp is not None:
        parts.append(f"血压{vitals.sbp:g}/{vitals.dbp or 0:g} mmHg")
    if vitals.temp is not None and vitals.temp >= 37.3:
        parts.append(f"体温{vitals.temp:g}℃ 发热")
    if vitals.glucose is not None:
        parts.append(f"血糖{vitals.glucose:g}mmol/L")
    return "，".join(parts)


def check_diagnosis_evidence(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    if ctx.icd is None:
        return []
    text = _evidence_text(rec)
    hits = []
    for dx in rec.diagnoses:
        entry = ctx.icd.lookup(dx.name)
        if entry is None or not entry.evidence:
            continue
        if rec.visit_type == "followup" and rec.past_history and dx.name in rec.past_history:
            continue  # a known chronic disease at follow-up
        if not any(affirmed(text, word) for word in entry.evidence):
            hits.append(Hit("diagnoses", dx.name))
    return hits


def is_antibiotic(name: str, cat: QcCatalog, ctx: QcContext) -> bool:
    if any(x in name for x in cat.antibiotic_exclude):
        return False
    if ctx.is_antibiotic is not None and ctx.is_antibiotic(name):
        return True
    return any(p in name for p in cat.antibiotic_patterns)


def check_antibiotic_indication(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    antibiotics = [p.drug for p in rec.prescriptions if is_antibiotic(p.drug, cat, ctx)]
    if not antibiotics:
        return []
    for dx in rec.diagnoses:
        entry = ctx.icd.lookup(dx.name) if ctx.icd else None
        bacterial = (entry and entry.bacterial) or re.search(r"细菌|化脓|感染", dx.name)
        if bacterial and "病毒" not in dx.name and "上呼吸道感染" not in dx.name:
            return []
    text = _evidence_text(rec)
    words = rule.params.get("infection_evidence", [])
    if any(affirmed(text, w) for w in words):
        return []
    wbc = re.search(r"白细胞\D{0,6}(\d+(?:\.\d+)?)", normalize_numbers(rec.auxiliary_exams))
    if wbc and float(wbc.group(1)) > 10:
        return []
    return [Hit("prescriptions", drug) for drug in antibiotics]


def check_allergy_conflict(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    hits: list[Hit] = []
    seen: set[str] = set()
    for alert in ctx.med_alerts:
        if alert.type == "allergy":
            drug = "、".join(alert.drugs)
            seen.update(alert.drugs)
            hits.append(Hit("prescriptions", f"{drug}：{alert.message}"))
    allergy = rec.allergy_history
    for cls in cat.allergy_classes:
        allergens = [a for a in cls.get("allergen", []) if affirmed(allergy, a)]
        if not allergens:
            continue
        for p in rec.prescriptions:
            if p.drug in seen:
                continue
            if any(d in p.drug for d in cls.get("drugs", [])):
                seen.add(p.drug)
                hits.append(Hit("prescriptions", f"{p.drug} / 过敏史“{allergens[0]}”"))
    return hits


def check_contraindications(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    return [
        Hit("prescriptions", f"{'、'.join(a.drugs)}：{a.message}")
        for a in ctx.med_alerts
        if a.type != "allergy"
        and a.type != "unknown_drug"
        and a.severity in ("contraindicated", "major")
    ]


def check_drug_indication(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    context = "、".join(d.name for d in rec.diagnoses) + rec.past_history + rec.present_illness
    hits = []
    for p in rec.prescriptions:
        for group in cat.drug_indications:
            if any(d in p.drug for d in group.get("drugs", [])):
                if not any(dx in context for dx in group.get("diagnoses", [])):
                    hits.append(Hit("prescriptions", p.drug))
                break
    return hits


def check_abbreviations(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    table: dict[str, str] = rule.params.get("abbreviations", {})
    hits = []
    for dx in rec.diagnoses:
        for short, full in table.items():
            if short in dx.name and full not in dx.name:
                hits.append(Hit("diagnoses", f"{dx.name}（应为“{full}”）"))
    return hits


_NO_UNIT = (
    (re.compile(r"(?:体温|T)\s*[:：]?\s*(\d{2}(?:\.\d)?)(?!\s*(?:℃|度|°|\d|\.))"), "℃"),
    (re.compile(r"(?:血压|BP)\s*[:：]?\s*(\d{2,3}/\d{2,3})(?!\s*(?:mmHg|毫米汞柱|\d))"), "mmHg"),
    (re.compile(r"(?:心率|脉搏|HR|P)\s*[:：]?\s*(\d{2,3})(?!\s*(?:次|bpm|\d))"), "次/分"),
    (re.compile(r"(?:血糖)\s*[:：]?\s*(\d{1,2}(?:\.\d+)?)(?!\s*(?:mmol|\d|\.))"), "mmol/L"),
)


def check_units(rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext) -> list[Hit]:
    hits = []
    for field in ("physical_exam", "auxiliary_exams", "present_illness"):
        text = rec.text_of(field)
        for pattern, unit in _NO_UNIT:
            for m in pattern.finditer(text):
                hits.append(Hit(field, f"{m.group(0)}（缺 {unit}）"))
    return hits


def check_vague_terms(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    hits = []
    for field in ("chief_complaint", "present_illness", "physical_exam", "auxiliary_exams"):
        text = rec.text_of(field)
        for term in rule.params.get("terms", []):
            if term in text:
                hits.append(Hit(field, term))
    return hits


def check_question_mark(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    return [Hit("diagnoses", d.name) for d in rec.diagnoses if re.search(r"[?？]", d.name)]


TREATMENT_CHECKS: dict[str, Check] = {
    "QC-E01": check_diagnosis_evidence,
    "QC-T01": check_antibiotic_indication,
    "QC-T02": check_allergy_conflict,
    "QC-T03": check_contraindications,
    "QC-T04": check_drug_indication,
    "QC-W01": check_abbreviations,
    "QC-W02": check_units,
    "QC-W03": check_vague_terms,
    "QC-W04": check_question_mark,
}
