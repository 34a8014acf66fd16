"""Doctors' decision support: ``clinicbox advise`` over the clinician knowledge base.

From a structured record: differentials scored on the cited condition catalog (findings for and
against), red flags, next exams, treatment options checked by the medication rules, and
"refer" when the case exceeds a township clinic (a refer-only diagnosis in the top three, a
referral criterion met, or triage level 1-2). Every differential cites its guideline chunks.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from appliance.errors import InputError
from appliance.i18n import t
from appliance.knowledge.kb import KnowledgeBase
from appliance.knowledge.kb_conditions import ConditionScore, rank_conditions, vitals_from

log = logging.getLogger("clinicbox.assistant")

MAX_DIFFERENTIALS = 5
# A refer-only diagnosis below first place drives referral only with this much support.
REFER_MIN_SCORE = 5.0
TEXT_FIELDS = (
    "chief_complaint",
    "present_illness",
    "past_history",
    "personal_history",
    "physical_exam",
    "auxiliary_exams",
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


def _citations(kb: KnowledgeBase, scored: ConditionScore) -> list[dict[str, str]]:
    cond = scored.condition
    cites = []
    for section, text in kb.chunks_of(cond.doc):
        if section.startswith(cond.section) and any(
            key in section for key in ("诊断要点", "鉴别诊断", "危险信号")
        ):
            cites.append({"doc": cond.doc, "section": section, "text": text})
    return cites[:2]


def _triage_level(record: dict[str, Any]) -> int | None:
    try:
        from appliance.services import safety
    except ImportError:
        return None
    request = {
        "complaint": record.get("chief_complaint") or record_text(record)[:200],
        "vitals": record.get("vitals") or {},
        **{k: v for k, v in (record.get("patient") or {}).items() if k in ("age", "sex")},
    }
    try:
        triage_rules: Any = getattr(safety, "triage", None)
        if triage_rules is None:
            return None
        result: Any = triage_rules(request, engine=None)
    except Exception as exc:
        log.warning("triage unavailable for advise: %s", exc.__class__.__name__)
        return None
    level = result.get("level") if isinstance(result, dict) else getattr(result, "level", None)
    return int(level) if level is not None else None


def _checked_treatment(record: dict[str, Any], top: ConditionScore) -> list[str]:
    """Treatment options of the top differential, each checked by the medication rules."""
    if not top.condition.treatment:
        return []
    alerts_by_drug: dict[str, list[str]] = {}
    checked = False
    try:
        from appliance.services import safety

        allergies = [
            a for a in str(record.get("allergy_history", "")).replace("，", "、").split("、") if a
        ]
        request = {
            "patient": {**(record.get("patient") or {}), "allergies": allergies},
            "prescriptions": [{"drug": d} for d in top.condition.treatment],
        }
        result: Any = safety.check_meds(request)
        alerts = result.get("alerts") if isinstance(result, dict) else getattr(result, "alerts", [])
        for alert in alerts or []:
            data = alert if isinstance(alert, dict) else alert.model_dump()
            for drug in data.get("drugs", []):
                alerts_by_drug.setdefault(drug, []).append(str(data.get("message", "")))
        checked = True
    except Exception as exc:  # rules not installed: say the options are unchecked
        log.info("medication rules unavailable for advise: %s", exc.__class__.__name__)
    steps = []
    for drug in top.condition.treatment:
        warnings = [m for name, ms in alerts_by_drug.items() if drug in name for m in ms]
        if warnings:
            steps.append(t(f"治疗选项：{drug}（用药警示：{'；'.join(warnings)}）",
                           f"Treatment option: {drug} (alert: {'; '.join(warnings)})"))  # fmt: skip
        else:
            note = (
                "" if checked else t("，开具前请用用药审核核对", "; run a medication check first")
            )
            steps.append(t(f"治疗选项：{drug}（参见{top.condition.name}指南{note}）",
                           f"Treatment option: {drug} (see the {top.condition.name} guideline{note})"))  # fmt: skip
    return steps


_EXAM_SPLIT = re.compile(r"[、，,；;。\s]|和|或|及")


def _exam_hint_steps(record: dict[str, Any], steps: list[str]) -> list[str]:
    """Suggested exams checked by the exam-ordering rules (repeat / not indicated hints)."""
    names = [w for step in steps for w in _EXAM_SPLIT.split(step) if 1 < len(w) <= 12]
    if not names:
        return []
    try:
        from appliance.services import safety

        request = {
            "exams": list(dict.fromkeys(names))[:50],
            "complaint": record_text(record)[:4000],
            "age": (record.get("patient") or {}).get("age"),
        }
        result: Any = safety.exam_hints(request)
    except Exception as exc:  # rules not installed or request refused: no hints, say nothing
        log.info("exam hints unavailable for advise: %s", exc.__class__.__name__)
        return []
    return [
        t(f"检查提示（{h['exam']}）：{h['message']}", f"Exam hint ({h['exam']}): {h['message']}")
        for h in result.get("hints", [])
    ]


def advise_record(kb: KnowledgeBase, record: dict[str, Any]) -> dict[str, Any]:
    """The ``clinicbox advise`` contract: differentials, next_steps, refer."""
    text = record_text(record)
    ranked = rank_conditions(text, vitals_from(record, text))[:MAX_DIFFERENTIALS]
    differentials = [
        {
            "name": s.condition.name,
            "for": s.found_for,
            "against": s.found_against,
            "citations": _citations(kb, s),
        }
        for s in ranked
    ]
    next_steps: list[str] = []
    refer_reasons: list[str] = []
    for rank, scored in enumerate(ranked[:3]):
        if scored.condition.refer and (rank == 0 or scored.score >= REFER_MIN_SCORE):
            refer_reasons.append(t(f"考虑{scored.condition.name}，需上级医院处理",
                                   f"{scored.condition.name} considered: needs a hospital"))  # fmt: skip
        refer_reasons.extend(scored.refer_reasons)
    level = _triage_level(record)
    if level is not None and level <= 2:
        refer_reasons.append(t(f"分诊 {level} 级（危重）", f"triage level {level}"))
    for reason in dict.fromkeys(refer_reasons):
        next_steps.append(t(f"转诊：{reason}", f"Refer: {reason}"))
    for scored in ranked[:2]:
        next_steps.extend(scored.condition.next_steps)
    for scored in ranked[1:]:  # dangerous diagnoses in the list that did not lead: rule them out
        if scored.condition.refer and scored.condition.next_steps:
            name, first = scored.condition.name, scored.condition.next_steps[0]
            next_steps.append(t(f"需排除{name}：{first}", f"Rule out {name}: {first}"))
    next_steps.extend(_exam_hint_steps(record, next_steps))
    if ranked:
        next_steps.extend(_checked_treatment(record, ranked[0]))
    else:
        next_steps.append(t("知识库中没有与本病历相符的病种，请结合临床判断，必要时请上级医院会诊。",
                            "No condition in the knowledge base fits; use clinical judgement "
                            "and consult the mentor hospital if needed."))  # fmt: skip
    return {
        "differentials": differentials,
        "next_steps": list(dict.fromkeys(next_steps)),
        "refer": bool(refer_reasons),
    }
