"""Triage use case: rules first (instant, deterministic); the LLM, when given, can only raise
urgency. A model failure (timeout, bad output, cancel) leaves the rules verdict standing."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from appliance.clinical.triage import merge_model_level, triage_rules
from appliance.clinical.triage_model import TriageRequest, TriageResult
from appliance.errors import ClinicBoxError
from appliance.i18n import get_lang
from appliance.knowledge.catalogs import triage_knowledge
from appliance.services._safety_meds import validate
from appliance.services.ports import EnginePort

log = logging.getLogger("clinicbox.safety")

TRIAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "level": {"type": "integer", "enum": [1, 2, 3, 4]},
        "reason": {"type": "string", "maxLength": 200},
    },
    "required": ["level", "reason"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = (
    "你是乡镇卫生院的急诊预检分诊护士，按《急诊预检分诊专家共识》四级标准给病人分级：\n"
    "4级非急症：生命体征正常的轻症、慢性病复诊、开药、感冒、皮疹、牙痛。多数门诊病人是4级。\n"
    "3级急症：高热、骨折、中度疼痛、呕吐腹泻、哮喘发作但血氧正常。\n"
    "2级危重：胸痛、卒中、大出血、抽搐、意识改变、中毒、严重呼吸困难、孕妇出血。\n"
    "1级濒危：心跳呼吸骤停、昏迷、休克、窒息。\n"
    "例：感冒流鼻涕→4；发热39度→3；胸痛伴大汗→2；昏迷→1。\n"
    '只根据主诉、年龄和生命体征判断，只输出 JSON：{"level": 数字, "reason": "一句话理由"}'
)


def _prompt(req: TriageRequest) -> list[dict[str, str]]:
    vitals = {k: v for k, v in req.vitals.model_dump().items() if v is not None}
    facts = {
        "年龄": req.age_years(),
        "性别": req.sex,
        "妊娠": req.pregnant,
        "主诉": req.complaint[:1000],
        "生命体征": vitals,
    }
    content = json.dumps(
        {k: v for k, v in facts.items() if v not in (None, {})}, ensure_ascii=False
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": content}]


def _ask_model(
    engine: EnginePort, req: TriageRequest, timeout_s: float | None
) -> tuple[int, str, str]:
    res = engine.chat(
        _prompt(req),
        task="triage",
        schema=TRIAGE_SCHEMA,
        max_tokens=96,
        no_think=True,
        timeout_s=timeout_s,
    )
    data = res.data or {}
    level = int(data["level"])
    if level not in (1, 2, 3, 4):
        raise ValueError("level out of range")
    return level, str(data.get("reason", "")).strip()[:200], str(getattr(res, "model", "LLM"))


def run_triage(
    request: Any,
    engine: EnginePort | None = None,
    *,
    use_llm: bool = True,
    timeout_s: float | None = None,
) -> dict[str, Any]:
    req = validate(TriageRequest, request)
    kb = triage_knowledge()
    started = time.monotonic()
    result: TriageResult = triage_rules(req, kb)
    meta: dict[str, Any] = {"mode": "rules"}
    if engine is not None and use_llm:
        try:
            level, reason, model = _ask_model(engine, req, timeout_s)
            source = f"LLM {model}（辅助判断，仅可提高紧急程度 / advisory, may only raise urgency）"
            text = reason or "模型判断"
            result = merge_model_level(result, level, text, reason or "model opinion", source, kb)
            meta = {
                "mode": "rules+llm",
                "model": model,
                "model_level": level,
                "raised": level < result.rules_level,
            }
        except ClinicBoxError as exc:
            meta = {"mode": "rules", "llm_error": exc.code}
            log.warning("triage: model pass skipped (%s)", exc.code)
        except (KeyError, TypeError, ValueError) as exc:
            meta = {"mode": "rules", "llm_error": "invalid_output"}
            log.warning("triage: model output unusable (%s)", exc.__class__.__name__)
    out = result.as_dict(get_lang())
    meta["elapsed_s"] = round(time.monotonic() - started, 3)
    out["triage"] = meta
    return out
