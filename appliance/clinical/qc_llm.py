"""The model's semantic-contradiction pass over a record (pure: prompt, schema, grounding).

Rules cannot see every contradiction ("否认胸痛" in one section, "胸痛2小时" in another worded
differently). The model is asked for pairs of quotes that contradict each other; a pair is kept
only if both quotes occur in the record. Kept pairs become QC-M01 findings marked
``origin="model"``: shown to the doctor, never failing a record on their own.
"""

from __future__ import annotations

import json
import re
from typing import Any

from appliance.clinical.qc import Hit
from appliance.clinical.record import FIELD_NAMES_ZH, OutpatientRecord

#: The record fields the model QC pass reads (the TUI re-runs it only when one changes).
MODEL_QC_FIELDS = (
    "chief_complaint",
    "present_illness",
    "past_history",
    "allergy_history",
    "personal_history",
    "physical_exam",
    "auxiliary_exams",
    "diagnoses",
    "treatment_plan",
)


def contradiction_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "contradictions": {
                "type": "array",
                "maxItems": 4,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "field": {"enum": list(MODEL_QC_FIELDS)},
                        "quote_a": {"type": "string", "maxLength": 60},
                        "quote_b": {"type": "string", "maxLength": 60},
                        "explanation": {"type": "string", "maxLength": 120},
                    },
                    "required": ["field", "quote_a", "quote_b", "explanation"],
                },
            }
        },
        "required": ["contradictions"],
    }


def contradiction_messages(record: OutpatientRecord) -> list[dict[str, str]]:
    sections = {FIELD_NAMES_ZH[f]: record.text_of(f) for f in MODEL_QC_FIELDS if record.text_of(f)}
    return [
        {
            "role": "system",
            "content": (
                "你是病历内涵质控医师。找出病历中互相矛盾的两处原文（如症状、时间、部位、"
                "性别、用药与过敏史前后不一致）。quote_a 和 quote_b 必须逐字摘自病历。"
                "没有矛盾就返回空数组。只输出 JSON。"
            ),
        },
        {"role": "user", "content": json.dumps(sections, ensure_ascii=False)},
    ]


def _norm(text: str) -> str:
    return re.sub(r"[\s，,。；;、]", "", text)


def ground_contradictions(answer: Any, record: OutpatientRecord) -> list[Hit]:
    """Model contradictions whose two quotes are both in the record (others are dropped)."""
    items = answer.get("contradictions") if isinstance(answer, dict) else None
    whole = _norm("".join(record.text_of(f) for f in MODEL_QC_FIELDS))
    hits = []

    def locate(quote: str) -> tuple[str, int, int] | None:
        for name in MODEL_QC_FIELDS:
            at = record.text_of(name).find(quote)
            if at >= 0:
                return (name, at, at + len(quote))
        return None

    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        a, b = _norm(str(item.get("quote_a", ""))), _norm(str(item.get("quote_b", "")))
        if len(a) < 2 or len(b) < 2 or a == b or a not in whole or b not in whole:
            continue
        field = item.get("field") if item.get("field") in MODEL_QC_FIELDS else "record"
        explanation = str(item.get("explanation", ""))[:120]
        quotes = (str(item["quote_a"]).strip(), str(item["quote_b"]).strip())
        spans = tuple(span for q in quotes if (span := locate(q)) is not None)
        hits.append(Hit(str(field), f"“{quotes[0]}” ↔ “{quotes[1]}”", explanation, spans))
    return hits
