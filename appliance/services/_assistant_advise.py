"""Doctors' decision support: ``clinicbox advise`` over the condition knowledge base.

From a structured record: the record's text is read by the shared findings extractor (the same
negation-aware vocabulary matcher as triage, plus vitals and lab values with units); the pure
scorer (:mod:`appliance.clinical.differential`) ranks the cited conditions of
``appliance/knowledge/data/conditions/``; this module assembles the contract:

    {"differentials": [{"name", "icd10", "aliases", "for", "against", "citations",
                        "must_not_miss", "scope", "score"}],
     "next_steps": [...], "refer": bool, "refer_reasons": [...], "icd10": [...],
     "must_not_miss": [{"name", "icd10", "for", "reason"}],
     "enough_information": bool, "ask": [...], "source": "rules" | "rules+model"}

``refer`` is true when a must-not-miss condition is plausible, a condition beyond township care
leads, a township condition shows one of its referral criteria, a danger sign is present or the
box's own triage gives level 1-2. Next steps: referral first, then tests with how to read them,
ruling out dangerous alternatives, and the usual drugs checked by the medication rules.
"""

from __future__ import annotations

import logging
from typing import Any

from appliance.clinical.differential import Assessment, Scored, assess
from appliance.clinical.differential_facts import Facts, read_facts
from appliance.errors import InputError
from appliance.i18n import t
from appliance.knowledge.catalogs import cite
from appliance.knowledge.conditions_kb import condition_kb
from appliance.knowledge.findings_data import lab_analytes
from appliance.knowledge.kb import KnowledgeBase
from appliance.services._assistant_advise_checks import (
    checked_drug_steps,
    exam_hint_steps,
    triage_level,
)

log = logging.getLogger("clinicbox.assistant")

MAX_DIFFERENTIALS = 5
# Triage level 2 refers unless a township condition explains the picture this strongly.
EXPLAINED_SCORE = 6.0
TEXT_FIELDS = (
    "chief_complaint",
    "present_illness",
    "past_history",
    "personal_history",
    "physical_exam",
    "auxiliary_exams",
)
CLINICIAN_DOCS = (
    "clinician/respiratory",
    "clinician/cardiovascular",
    "clinician/digestive",
    "clinician/metabolic",
    "clinician/neuro_urinary_pediatric",
)


def validate_record(data: Any) -> dict[str, Any]:
    """Validate with the shared OutpatientRecord schema; returns its contract dict."""
    from appliance.clinical.record import OutpatientRecord

    if not isinstance(data, dict):
        raise InputError(
            "输入必须是一个 JSON 对象（结构化病历）。", "The input must be a record object."
        )
    try:
        record = OutpatientRecord.model_validate(data)
    except Exception as exc:
        fields = ", ".join(
            ".".join(str(p) for p in e["loc"]) for e in getattr(exc, "errors", lambda: [])()[:8]
        )
        raise InputError(
            f"病历字段有误：{fields or '格式'}", f"Invalid record field(s): {fields or 'format'}"
        ) from None
    out: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
    if not any(str(out.get(f, "")).strip() for f in TEXT_FIELDS):
        raise InputError(
            "病历中没有主诉、现病史或查体内容，无法给出建议。",
            "The record has no complaint, history or exam to advise on.",
        )
    return out


def record_text(record: dict[str, Any]) -> str:
    return "。".join(str(record.get(f, "")) for f in TEXT_FIELDS if record.get(f))


def record_facts(record: dict[str, Any]) -> Facts:
    """The findings and numbers of a record, read with the shared extractor."""
    kb = condition_kb()
    patient = record.get("patient") or {}
    age = patient.get("age")
    return read_facts(
        record_text(record),
        vocabulary=kb.vocabulary,
        measures=kb.measures,
        analytes=lab_analytes(),
        vitals=record.get("vitals") or {},
        age=float(age) if isinstance(age, int | float) else None,
        sex=patient.get("sex"),
        near=kb.near,
        durations=kb.durations,
    )


def assess_record(record: dict[str, Any]) -> Assessment:
    kb = condition_kb()
    return assess(kb.conditions, record_facts(record), kb.findings, danger_signs=kb.danger_signs,
                  unexplained=kb.unexplained)  # fmt: skip


def _citations(kb: KnowledgeBase | None, scored: Scored) -> list[dict[str, str]]:
    """The condition's own cited sources, then matching clinician guideline passages."""
    cond = scored.condition
    cites = [{"doc": f"conditions/{cond.system}", "section": f"{cond.name} > 诊断与转诊",
              "text": f"{cite(cond.source)}。转诊：{cond.referral}"}]  # fmt: skip
    if kb is None:
        return cites
    names = (cond.name, *cond.aliases)
    for doc in CLINICIAN_DOCS:
        try:
            chunks = kb.chunks_of(doc)
        except Exception as exc:  # a clinic may have removed a bundled document
            log.debug("no clinician document %s (%s)", doc, exc.__class__.__name__)
            continue
        for section, text in chunks:
            head = section.split(" > ")[0]
            if any(head.startswith(n) or n.startswith(head) for n in names if len(n) > 1) and any(
                key in section for key in ("诊断要点", "危险信号")
            ):
                cites.append({"doc": doc, "section": section, "text": text})
    return cites[:3]


def _differential(kb: KnowledgeBase | None, s: Scored) -> dict[str, Any]:
    c = s.condition
    return {
        "name": c.name,
        "icd10": c.icd10,
        "aliases": list(c.aliases),
        "for": s.found_for,
        "against": s.found_against,
        "citations": _citations(kb, s),
        "must_not_miss": c.must_not_miss,
        "scope": c.scope,
        "score": s.score,
    }


def _next_steps(record: dict[str, Any], a: Assessment, reasons: list[str]) -> list[str]:
    steps = [t(f"转诊：{r}", f"Refer: {r}") for r in reasons]
    if a.thin:
        ask = "、".join(a.ask) if a.ask else t("症状部位、性质、持续时间、伴随症状；生命体征；相关查体",
                                               "site, character, duration, associated symptoms; "
                                               "vital signs; focused examination")  # fmt: skip
        steps.append(
            t(f"信息不足——请询问/检查：{ask}", f"Not enough information — ask/examine: {ask}")
        )
    elif a.ask:
        steps.append(
            t(f"鉴别需补充：{'、'.join(a.ask[:4])}", f"To tell them apart: {'、'.join(a.ask[:4])}")
        )
    for s in a.ranked[:2]:
        steps.extend(f"{s.condition.name}：{test}" for test in s.condition.tests)
    shown = {s.condition.id for s in a.ranked[:2]}
    for s in [*a.must_not_miss, *a.ranked[2:MAX_DIFFERENTIALS]]:
        if s.condition.must_not_miss and s.condition.id not in shown:
            shown.add(s.condition.id)
            steps.append(t(f"需排除{s.condition.name}：{s.condition.tests[0]}",
                           f"Rule out {s.condition.name}: {s.condition.tests[0]}"))  # fmt: skip
    steps.extend(exam_hint_steps(record, steps))
    if a.ranked:
        top = a.ranked[0].condition
        steps.append(
            t(f"处理（{top.name}）：{top.manage}", f"Management ({top.name}): {top.manage}")
        )
        if top.scope == "township":
            steps.extend(checked_drug_steps(record, top))
    elif not a.ask:
        steps.append(t("知识库中没有与本病历相符的病种，请结合临床判断，必要时请上级医院会诊。",
                       "No condition in the knowledge base fits; use clinical judgement "
                       "and consult the mentor hospital if needed."))  # fmt: skip
    return list(dict.fromkeys(steps))


def advise_record(kb: KnowledgeBase | None, record: dict[str, Any]) -> dict[str, Any]:
    """The ``clinicbox advise`` contract (rules only; see module doc)."""
    a = assess_record(record)
    reasons = list(a.refer_reasons)
    level = triage_level(record, record_text(record))
    explained = (
        bool(a.ranked)
        and a.ranked[0].condition.scope == "township"
        and (a.ranked[0].score >= EXPLAINED_SCORE)
    )
    if level == 1 or (level == 2 and not explained):
        reasons.append(t(f"分诊 {level} 级（危重），需立即处理", f"triage level {level}: act now"))
    shown = a.ranked[:MAX_DIFFERENTIALS]
    extra = [s for s in a.must_not_miss if s not in shown]
    differentials = [_differential(kb, s) for s in [*shown, *extra]]
    return {
        "differentials": differentials,
        "next_steps": _next_steps(record, a, reasons),
        "refer": bool(reasons),
        "refer_reasons": reasons,
        "icd10": [d["icd10"] for d in differentials],
        "must_not_miss": [
            {
                "name": s.condition.name,
                "icd10": s.condition.icd10,
                "for": s.found_for,
                "reason": s.condition.referral,
            }
            for s in a.must_not_miss
        ],
        "enough_information": not a.thin,
        "ask": a.ask,
        "source": "rules",
    }
