"""QC checks: completeness, chief-complaint form, consistency (pure). One function per rule id;
the thresholds and word lists come from the catalog (``rule.params``)."""

from __future__ import annotations

import re

from appliance.clinical.extract import durations, extract_vitals
from appliance.clinical.qc import Check, Hit, QcCatalog, QcContext, QcRule
from appliance.clinical.record import OutpatientRecord

_NEGATION = re.compile(r"(无|否认|未见|未闻及|未触及|未诉|未|没有|不伴|排除|阴性)[^，,。；;]*$")
_SYMPTOM = re.compile(
    r"痛|咳|热|晕|泻|吐|痒|肿|闷|悸|乏力|不适|麻木|喘|气促|气短|痰|涕|鼻塞|出血|皮疹|尿频|尿急|"
    r"失眠|消瘦|多饮|多尿|水肿|发现|升高|复查|复诊|随访|取药|便秘|腹泻|肿物|发红|体检"
)


def affirmed(text: str, term: str) -> bool:
    """``term`` occurs in ``text`` at least once without a negation cue in its clause."""
    start = text.find(term)
    while start >= 0:
        clause_start = max(text.rfind(c, 0, start) for c in "，,。；;") + 1
        if not _NEGATION.search(text[clause_start:start]):
            return True
        start = text.find(term, start + 1)
    return False


def _missing(field: str) -> Check:
    def check(rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext) -> list[Hit]:
        if field == "treatment_plan" and rec.prescriptions:
            return []
        return [Hit(field, "")] if rec.is_empty(field) else []

    return check


def check_followup_change(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    return [Hit("present_illness", "")] if rec.is_empty("present_illness") else []


def check_vitals_recorded(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    if rec.is_empty("physical_exam") or rec.vitals.present():
        return []
    if extract_vitals(rec.physical_exam).present():
        return []
    return [Hit("vitals", rec.physical_exam[:40])]


def check_icd_coded(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    hits = []
    for dx in rec.diagnoses:
        code = dx.icd10 or (e.code if ctx.icd and (e := ctx.icd.lookup(dx.name)) else None)
        if not code:
            hits.append(Hit("diagnoses", dx.name))
    return hits


def check_signed(rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext) -> list[Hit]:
    return [] if rec.doctor and rec.signed_at else [Hit("doctor", "")]


def check_chief_length(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    limit = int(rule.params.get("max_chars", 20))
    text = re.sub(r"[\s，。,.；;、]", "", rec.chief_complaint)
    return [Hit("chief_complaint", rec.chief_complaint)] if len(text) > limit else []


def check_chief_duration(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    if not rec.chief_complaint or durations(rec.chief_complaint):
        return []
    return [Hit("chief_complaint", rec.chief_complaint)]


def check_chief_is_diagnosis(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    cc = rec.chief_complaint
    if not cc or ctx.icd is None or _SYMPTOM.search(cc):
        return []
    for entry in ctx.icd.entries:
        if any(len(n) >= 2 and n in cc for n in entry.names) and entry.code[0] not in "RZ":
            return [Hit("chief_complaint", cc)]
    return []


def _onsets(text: str) -> list[float]:
    """Durations that date an onset: "3天前", "近1月", "2年来", "1周余" (not "每4天1次")."""
    out = []
    for d in durations(text):
        before, after = text[max(0, d.start - 1) : d.start], text[d.end : d.end + 2]
        if before in ("近", "已") or after.startswith(("前", "来", "以来", "余", "多")):
            out.append(d.days)
    return out


def check_duration_consistent(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    chief = durations(rec.chief_complaint)
    history = _onsets(rec.present_illness)
    if not chief or not history:
        return []
    longest = max(d.days for d in chief)
    # some onset in the history must match the complaint's duration (±30 % or 1 day)
    if any(abs(days - longest) <= max(1.0, 0.3 * longest) for days in history):
        return []
    chief_text = max(chief, key=lambda d: d.days).text
    hist = ", ".join(f"{days:g}天" for days in history)
    return [Hit("present_illness", f"主诉“{chief_text}” / 现病史 {hist}")]


def check_sex_specific(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    sex = rec.patient.sex if rec.patient else None
    if sex is None:
        return []
    hits = []
    for dx in rec.diagnoses:
        entry = ctx.icd.lookup(dx.name) if ctx.icd else None
        if entry and entry.sex and entry.sex != sex:
            hits.append(Hit("diagnoses", dx.name))
    wrong_terms = rule.params.get("female_terms" if sex == "M" else "male_terms", [])
    for field in ("present_illness", "physical_exam", "auxiliary_exams", "marital_history"):
        text = rec.text_of(field)
        for term in wrong_terms:
            if affirmed(text, term) and not any(h.evidence == term for h in hits):
                hits.append(Hit(field, term))
    return hits


def check_vitals_plausible(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    ranges = rule.params.get("ranges", {})
    hits = []
    for name, value in rec.vitals.present().items():
        low, high = ranges.get(name, (None, None))
        if low is not None and not low <= value <= high:
            hits.append(Hit("vitals", f"{name}={value:g}"))
    v = rec.vitals
    if v.sbp is not None and v.dbp is not None and v.sbp <= v.dbp:
        hits.append(Hit("vitals", f"sbp={v.sbp:g} ≤ dbp={v.dbp:g}"))
    return hits


def check_allergy_consistent(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    allergy = rec.allergy_history
    if not re.search(r"否认|无", allergy) or affirmed(allergy, "过敏"):
        return []
    if re.search(r"过敏[^，。；]*[:：]", allergy):
        return []
    for field in ("present_illness", "past_history", "personal_history", "treatment_plan"):
        text = rec.text_of(field)
        m = re.search(r"[\u4e00-\u9fff]{1,8}过敏", text)
        if m and affirmed(text, m.group(0)) and "过敏性" not in m.group(0):
            return [Hit("allergy_history", f"过敏史“{allergy}” / {m.group(0)}")]
    return []


def check_vitals_vs_text(
    rec: OutpatientRecord, rule: QcRule, cat: QcCatalog, ctx: QcContext
) -> list[Hit]:
    hits = []
    v = rec.vitals
    exam = rec.physical_exam
    if v.temp is not None and v.temp < 37.3 and affirmed(exam, "发热"):
        hits.append(Hit("vitals", f"体温{v.temp:g}℃ / 查体“发热”"))
    if v.temp is not None and v.temp >= 38.5 and re.search(r"无发热|体温正常|不发热", exam):
        hits.append(Hit("vitals", f"体温{v.temp:g}℃ / “体温正常”"))
    for dx in rec.diagnoses:
        grade = re.search(r"高血压(?:病)?\s*([123一二三])级", dx.name)
        if grade and v.sbp is not None and v.dbp is not None:
            level = {"一": 1, "二": 2, "三": 3}.get(grade.group(1)) or int(grade.group(1))
            measured = (
                3 if v.sbp >= 180 or v.dbp >= 110 else 2 if v.sbp >= 160 or v.dbp >= 100 else 1
            )
            if measured > level and "第" not in dx.name:
                hits.append(Hit("diagnoses", f"{dx.name} / {v.sbp:g}/{v.dbp:g} mmHg"))
    return hits


COMPLETENESS_CHECKS: dict[str, Check] = {
    "QC-C01": _missing("chief_complaint"),
    "QC-C02": _missing("present_illness"),
    "QC-C03": _missing("past_history"),
    "QC-C04": _missing("allergy_history"),
    "QC-C05": _missing("personal_history"),
    "QC-C06": _missing("physical_exam"),
    "QC-C07": _missing("diagnoses"),
    "QC-C08": _missing("treatment_plan"),
    "QC-C09": check_followup_change,
    "QC-C10": check_vitals_recorded,
    "QC-C11": check_icd_coded,
    "QC-C12": check_signed,
    "QC-F01": check_chief_length,
    "QC-F02": check_chief_duration,
    "QC-F03": check_chief_is_diagnosis,
    "QC-K01": check_duration_consistent,
    "QC-K02": check_sex_specific,
    "QC-K03": check_vitals_plausible,
    "QC-K04": check_allergy_consistent,
    "QC-K05": check_vitals_vs_text,
}
