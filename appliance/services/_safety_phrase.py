"""Optional model phrasing of a medication recommendation: the rules picked the options; the
model only writes a short explanation for the doctor from them (never adds a drug). Every
sentence is then checked against the rule output and the formulary
(:mod:`appliance.clinical.meds_claims`): an unsupported contraindication, allergy cross-reaction,
interaction or dose never reaches the doctor. Any model problem leaves the rules result unchanged
and says why. The call is bounded by ``timeout_s`` and reports progress through ``progress``."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from appliance.clinical.meds_claims import RuleFacts, Verified, verify_text
from appliance.errors import ClinicBoxError
from appliance.knowledge.catalogs import formulary
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


Progress = Callable[[str, str], None]
DEFAULT_TIMEOUT_S = 60.0


def phrase_recommendation(
    result: dict[str, Any],
    engine: EnginePort,
    timeout_s: float | None,
    progress: Progress | None = None,
) -> None:
    """Add ``summary`` (origin model, verified) to ``result`` in place, or ``llm_error``."""
    limit = timeout_s or DEFAULT_TIMEOUT_S
    if progress is not None:
        progress(
            f"正在由模型撰写用药说明（最长 {limit:g} 秒；推荐结果已由规则给出）…",
            f"The model is writing a short explanation (at most {limit:g} s; the rules' "
            "result is already final)…",
        )
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
                          timeout_s=limit)  # fmt: skip
        summary = str((res.data or {}).get("summary", "")).strip()
    except ClinicBoxError as exc:
        result["llm_error"] = exc.code
        log.warning("recommendation phrasing skipped (%s)", exc.code)
        return
    verified = verify_summary(summary, result)
    if progress is not None:
        progress(
            f"模型说明已按规则核对，删除 {len(verified.removed)} 句无依据内容。",
            f"Model text checked against the rules: {len(verified.removed)} unsupported "
            "sentence(s) removed.",
        )
    if verified.removed:
        log.info("model summary: %d unsupported sentence(s) removed", len(verified.removed))
    allowed = {o["drug"] for o in result.get("options", [])} | {
        x["drug"] for x in result.get("excluded", [])
    }
    if not verified.text:
        result["summary_removed"] = len(verified.removed)
        return
    result["summary"] = {
        "text": verified.text,
        "origin": "model",
        "verified": True,
        "removed": len(verified.removed),
        "model": str(getattr(res, "model", "")),
        "drugs_named": sorted(d for d in allowed if d in verified.text),
    }


def verify_summary(text: str, result: dict[str, Any]) -> Verified:
    """Check model ``text`` against a ``meds recommend`` result (its options, exclusions and
    every alert in it) and the formulary; unsupported sentences are dropped."""
    facts = RuleFacts(
        offered={
            o["drug"]: (o.get("dose_mg"), str(o.get("regimen", "")))
            for o in result.get("options", [])
        },
        excluded=frozenset(x["drug"] for x in result.get("excluded", [])),
        alerts=tuple(
            (a["type"], a["severity"], tuple(a["drugs"]), str(a.get("message", "")))
            for group in ("options", "excluded")
            for item in result.get(group, [])
            for a in item.get("alerts", [])
        ),
    )
    return verify_text(text, formulary(), facts)
