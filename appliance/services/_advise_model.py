"""Optional model pass of ``clinicbox advise``: re-rank and explain *among the rules' candidates*.

The rules chose the candidates, the referral and the next steps; the model may only reorder the
candidates and write one short explanation per candidate. Its answer is checked before use:

- an order naming anything that is not a candidate is ignored for that name (no new diagnoses);
  a must-not-miss candidate is never moved out of the list, and ``refer`` is never changed;
- an explanation sentence that names a condition of the knowledge base other than its own
  candidate, or a drug the candidates' data do not list, is removed (no facts beyond the KB);
- any model problem (missing, busy, timeout, bad JSON) leaves the rules answer as it was and says
  why in ``model.error``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from appliance.errors import ClinicBoxError
from appliance.knowledge.conditions_kb import condition_kb
from appliance.services.ports import EnginePort

log = logging.getLogger("clinicbox.assistant")

TIME_BUDGET_S = 18.0  # the visit budget: rules < 1 s, with the model < 20 s on 2 cores
MAX_TOKENS = 240

_SYSTEM = (
    "你是乡镇卫生院医生的辅助决策助手。下面给出病历摘要和规则引擎筛出的候选诊断（含支持/不支持依据）。"
    "只能在这些候选中按可能性重新排序，并为每个候选写一句理由（引用给出的依据）。"
    "不得提出新的诊断，不得提到候选之外的药物、检查结果或数字。"
    '只输出 JSON：{"order": ["候选名", ...], "why": [{"name": "候选名", "text": "一句理由"}]}'
)


def _schema(names: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "order": {"type": "array", "items": {"type": "string", "enum": names}, "maxItems": 8},
            "why": {
                "type": "array",
                "maxItems": 8,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "enum": names},
                        "text": {"type": "string", "maxLength": 160},
                    },
                    "required": ["name", "text"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["order"],
        "additionalProperties": False,
    }


def _known_drugs() -> set[str]:
    try:
        from appliance.knowledge.catalogs import formulary

        return {d.name_zh for d in formulary() if len(d.name_zh) >= 2}
    except Exception:  # formulary unavailable: only the candidates' own drugs are checked
        return set()


def checked_sentence_list(text: str, own: str, candidates: dict[str, Any]) -> tuple[str, int]:
    """``text`` without the sentences that state something beyond the KB; and how many went."""
    kb = condition_kb()
    others = {c.name for c in kb.conditions if c.name != own}
    allowed_drugs = {d for c in candidates.values() for d in c.drugs}
    drugs = _known_drugs() - allowed_drugs
    kept, removed = [], 0
    for sentence in (s for s in re.split(r"(?<=[。；;.!！?？])", text) if s.strip()):
        if any(name in sentence for name in others) or any(d in sentence for d in drugs):
            removed += 1
            continue
        kept.append(sentence.strip())
    return "".join(kept), removed


def apply_model(result: dict[str, Any], record_text: str, engine: EnginePort) -> dict[str, Any]:
    """Re-rank ``result["differentials"]`` and add explanations, in place; returns ``result``."""
    diffs = result["differentials"]
    result["model"] = {"used": False}
    if engine is None or len(diffs) < 1:
        result["model"]["error"] = "model_missing" if engine is None else "no_candidates"
        return result
    kb = condition_kb()
    by_name = {c.name: c for c in kb.conditions}
    candidates = {d["name"]: by_name[d["name"]] for d in diffs if d["name"] in by_name}
    facts = [{"候选": d["name"], "支持": d["for"], "不支持": d["against"]} for d in diffs]
    messages = [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": json.dumps({"病历": record_text[:1500], "候选": facts},
                                                ensure_ascii=False)},
    ]  # fmt: skip
    started = time.monotonic()
    try:
        res = engine.chat(messages, task="assistant", schema=_schema(list(candidates)),
                          max_tokens=MAX_TOKENS, timeout_s=TIME_BUDGET_S)  # fmt: skip
        data = res.data if isinstance(res.data, dict) else json.loads(str(res.text))
    except ClinicBoxError as exc:
        result["model"]["error"] = exc.code
        return result
    except (ValueError, TypeError, AttributeError):
        result["model"]["error"] = "model_bad_output"
        return result
    order = [n for n in dict.fromkeys(data.get("order") or []) if n in candidates]
    ignored = [n for n in data.get("order") or [] if n not in candidates]
    rest = [d["name"] for d in diffs if d["name"] not in order]
    position = {name: i for i, name in enumerate([*order, *rest])}
    diffs.sort(key=lambda d: position[d["name"]])
    removed = 0
    reasons = data.get("why") or []
    whys = {str(w.get("name")): str(w.get("text", "")) for w in reasons if isinstance(w, dict)}
    for d in diffs:
        why = whys.get(d["name"], "").strip()
        if why:
            text, dropped = checked_sentence_list(why, d["name"], candidates)
            removed += dropped
            if text:
                d["explanation"] = {"text": text, "origin": "model"}
    result["icd10"] = [d["icd10"] for d in diffs]
    result["source"] = "rules+model"
    result["model"] = {
        "used": True,
        "model": str(getattr(res, "model", "")),
        "seconds": round(time.monotonic() - started, 2),
        "ignored_names": ignored,
        "claims_removed": removed,
    }
    return result
