"""LLM structuring of dictation, kept honest (pure: prompt, schema, grounding, merge).

The model is asked to *copy* the words of the dictation into the record's sections under a
bounded JSON schema. Its answer is then grounded: every clause it puts in a field must be found
in the dictation (after the same number normalisation) — what is not there is dropped and
reported, never shown as a finding. The grounded answer is merged with the deterministic
extraction, which always supplies vitals, drugs and doses (numbers are never taken from the
model); disagreements are listed in ``cross_check``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from appliance.clinical.extract import clauses
from appliance.clinical.extract_numbers import normalize_numbers
from appliance.clinical.icd10 import Icd10Table
from appliance.clinical.record import Diagnosis, OutpatientRecord, Span

LLM_TEXT_FIELDS = (
    "chief_complaint",
    "present_illness",
    "past_history",
    "allergy_history",
    "personal_history",
    "physical_exam",
    "auxiliary_exams",
    "treatment_plan",
)
#: The longest text the model may put in a field (others: 240 characters).
FIELD_LIMITS = {"chief_complaint": 60, "present_illness": 400}


def llm_schema() -> dict[str, Any]:
    props: dict[str, Any] = {
        name: {"type": "string", "maxLength": FIELD_LIMITS.get(name, 240)}
        for name in LLM_TEXT_FIELDS
    }
    props["diagnoses"] = {
        "type": "array",
        "maxItems": 6,
        "items": {"type": "string", "maxLength": 40},
    }
    props["drugs"] = {"type": "array", "maxItems": 8, "items": {"type": "string", "maxLength": 30}}
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": props,
        "required": [*LLM_TEXT_FIELDS, "diagnoses", "drugs"],
    }


SYSTEM_PROMPT = (
    "你是门诊病历整理助手。把医生口述的内容按《病历书写基本规范》分到各栏："
    "chief_complaint 主诉（症状+时间，≤20字）、present_illness 现病史、past_history 既往史、"
    "allergy_history 过敏史、personal_history 个人史、physical_exam 体格检查（含生命体征）、"
    "auxiliary_exams 辅助检查、treatment_plan 处理意见、diagnoses 诊断名称、drugs 药品名称。"
    "只能逐字摘录原文，不得添加、推测或改写原文没有的内容；原文没有的栏目填空字符串或空数组。"
    "只输出 JSON。"
)


def llm_messages(text: str, visit_type: str | None) -> list[dict[str, str]]:
    kind = "复诊" if visit_type == "followup" else "初诊"
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"就诊类型：{kind}\n口述内容：\n{text}"},
    ]


def _key(text: str) -> str:
    return re.sub(r"[\s，,。；;、:：]", "", normalize_numbers(text))


@dataclass
class Grounded:
    values: dict[str, str] = field(default_factory=dict)
    spans: dict[str, list[Span]] = field(default_factory=dict)
    diagnoses: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)


def ground(answer: dict[str, Any], text: str) -> Grounded:
    """Keep only the clauses of the model's answer that occur in ``text``; locate them."""
    source_clauses = clauses(text)
    keyed = [(_key(c.text), c) for c in source_clauses]
    whole = _key(text)
    out = Grounded()
    for name in LLM_TEXT_FIELDS:
        value = answer.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        kept: list[str] = []
        spans: list[Span] = []
        for piece in clauses(value):
            k = _key(piece.text)
            if not k:
                continue
            match = next((c for ck, c in keyed if k == ck or (len(k) >= 2 and k in ck)), None)
            if match is None or k not in whole:
                out.rejected.append({"field": name, "text": piece.text})
                continue
            kept.append(normalize_numbers(piece.text))
            spans.append(Span(start=match.start, end=match.end, text=match.text))
        if kept:
            out.values[name] = "，".join(kept)
            out.spans[name] = spans
    for kind, target in (("diagnoses", out.diagnoses), ("drugs", out.drugs)):
        items = answer.get(kind)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str) and item.strip():
                if _key(item) and _key(item) in whole:
                    target.append(item.strip())
                else:
                    out.rejected.append({"field": kind, "text": item})
    return out


def merge(
    rules: OutpatientRecord,
    grounded: Grounded,
    icd: Icd10Table | None,
    drug_names: Sequence[str] = (),
) -> tuple[OutpatientRecord, list[dict[str, str]]]:
    """Rules first for numbers and drugs; the model's grounded sections fill or refine text."""
    record = rules.model_copy(deep=True)
    cross: list[dict[str, str]] = []
    for name, value in grounded.values.items():
        current = record.text_of(name)
        if not current:
            setattr(record, name, value)
            record.sources[name] = grounded.spans[name]
        elif _key(current) != _key(value):
            cross.append({"field": name, "rules": current, "llm": value, "kept": "rules"})
    have = {d.name for d in record.diagnoses}
    for name in grounded.diagnoses:
        if name not in have and not any(name in h or h in name for h in have):
            entry = icd.lookup(name) if icd else None
            record.diagnoses.append(Diagnosis(name=name, icd10=entry.code if entry else None))
            cross.append({"field": "diagnoses", "rules": "", "llm": name, "kept": "llm"})
    rx = {p.drug for p in record.prescriptions}
    known = set(drug_names)
    for drug in grounded.drugs:
        if not any(drug in p or p in drug for p in rx):
            verdict = "mentioned only (not a prescription)" if drug in known else "unknown drug"
            cross.append({"field": "prescriptions", "rules": "", "llm": drug, "kept": verdict})
    return record, cross
