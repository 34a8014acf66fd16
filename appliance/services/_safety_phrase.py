"""Optional model phrasing of a medication recommendation: the rules picked the options; the
model only writes a short explanation for the doctor from them (never adds a drug). Any model
problem leaves the rules result unchanged and says why."""

from __future__ import annotations

import json
import logging
from typing import Any

from appliance.errors import ClinicBoxError
from appliance.services.ports import EnginePort

log = logging.getLogger("clinicbox.safety")

SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"summary": {"type": "string", "maxLength": 300}},
    "required": ["summary"],
    "additionalProperties": False,
}

_SYSTEM = (
    "你是乡镇卫生院的临床药师。根据给出的诊断、可选药物（已按指南和安全规则筛选）和被排除的药物及原因，"
    "用两三句话向医生说明首选方案和注意事项。只能提到给出的药物，不得新增药物或剂量。"
    '只输出 JSON：{"summary": "..."}'
)


def phrase_recommendation(
    result: dict[str, Any], engine: EnginePort, timeout_s: float | None
) -> None:
    """Add ``summary`` (origin model) to ``result`` in place, or ``llm_error``."""
    facts = {
        "诊断": result.get("matched") or result.get("diagnosis"),
        "可选": [f"{o['drug']} {o['regimen']}" for o in result.get("options", [])][:6],
        "排除": [f"{x['drug']}：{x['reason']}" for x in result.get("excluded", [])][:6],
    }
    messages = [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": json.dumps(facts, ensure_ascii=False)},
    ]
    try:
        res = engine.chat(messages, task="meds", schema=SUMMARY_SCHEMA, max_tokens=200,
                          timeout_s=timeout_s)  # fmt: skip
        summary = str((res.data or {}).get("summary", "")).strip()
    except ClinicBoxError as exc:
        result["llm_error"] = exc.code
        log.warning("recommendation phrasing skipped (%s)", exc.code)
        return
    allowed = {o["drug"] for o in result.get("options", [])} | {
        x["drug"] for x in result.get("excluded", [])
    }
    result["summary"] = {
        "text": summary,
        "origin": "model",
        "model": str(getattr(res, "model", "")),
        "drugs_named": sorted(d for d in allowed if d in summary),
    }
