"""Triage use case: rules first (instant, deterministic), then the semantic matcher, then —
when a model is given — the model as a *finding extractor*: it fills a schema-constrained list
of finding ids from the vocabulary (and vitals it read), and the rules decide the level. Neither
can lower a level; every semantic hit carries its similarity and every model hit says "model".
A model failure or timeout leaves the rules' answer standing and says so plainly.

Measured with the packaged Qwen2.5-1.5B on the held-out vignettes, finding ids chosen by the model
(no span in the text) over-triaged 39 of 95 cases, so they are now shown as unconfirmed
suggestions (``triage.model_suggestions``) and do not move the level; model-read vitals count
only when their number is written in the complaint.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
from typing import Any

from appliance.clinical.findings import Finding
from appliance.clinical.triage import triage_rules
from appliance.clinical.triage_inputs import VITAL_FIELDS, unknown_vitals_keys
from appliance.clinical.triage_model import TriageKnowledge, TriageRequest, TriageResult, Vitals
from appliance.clinical.triage_semantic import candidates, semantic_findings
from appliance.errors import ClinicBoxError, InputError
from appliance.i18n import get_lang
from appliance.knowledge.catalogs import triage_knowledge
from appliance.knowledge.triage_bank import semantic_bank, triage_embedder
from appliance.services._safety_meds import validate
from appliance.services.ports import EnginePort

log = logging.getLogger("clinicbox.safety")

#: the model's time budget when the caller gives none (2 cores, default model)
MODEL_BUDGET_S = 15.0
_MAX_MODEL_FINDINGS = 6


def parse_triage_request(data: Any) -> TriageRequest:
    """Validate a triage request; an unknown vitals key is refused with the accepted keys."""
    unknown = unknown_vitals_keys(data)
    if unknown:
        zh = "，".join(f"{k}（{v[0]}）" for k, v in VITAL_FIELDS.items())
        en = ", ".join(f"{k} ({v[1]})" for k, v in VITAL_FIELDS.items())
        raise InputError(
            f"未知的生命体征字段：{', '.join(unknown)}。可用字段：{zh}",
            f"Unknown vitals key(s): {', '.join(unknown)}. Accepted keys: {en}",
            details={"unknown": unknown, "accepted": list(VITAL_FIELDS)},
        )
    return validate(TriageRequest, data)


def _model_vocabulary(
    kb: TriageKnowledge, shortlist: list[str] | None
) -> tuple[tuple[str, ...], str]:
    """Finding ids the model may choose (the semantic short list plus every finding that
    needs a co-finding, which the bank leaves out) and their listing for the prompt."""
    rows = [r for r in kb.complaints if r.level < 4]
    if shortlist is not None:
        keep = set(shortlist)
        rows = [r for r in rows if r.id in keep or (r.with_terms and r.level <= 2)]
    ids = tuple(r.id for r in rows)
    listing = "\n".join(f"{r.id}: {'/'.join(r.terms[:2])}" for r in rows)
    return ids, listing


def extraction_schema(ids: tuple[str, ...]) -> dict[str, Any]:
    vitals = {k: {"type": "number"} for k in VITAL_FIELDS}
    return {
        "type": "object",
        "properties": {
            "findings": {
                "type": "array",
                "items": {"type": "string", "enum": list(ids)},
                "maxItems": _MAX_MODEL_FINDINGS,
            },
            "vitals": {"type": "object", "properties": vitals, "additionalProperties": False},
        },
        "required": ["findings", "vitals"],
        "additionalProperties": False,
    }


def _prompt(req: TriageRequest, listing: str) -> list[dict[str, str]]:
    system = (
        "你是急诊预检分诊的信息提取员。只从病人的主诉中找出下列发现（写出编号），"
        "以及主诉里写明的生命体征数值；没有写的不要编造，被否认的（无/否认/没有）不算。\n"
        f"{listing}\n"
        "vitals 的键：sbp dbp hr rr temp(℃) spo2 gcs glucose(mmol/L) pain(0-10)。只输出 JSON。"
    )
    facts = {"年龄": req.age_years(), "妊娠": req.pregnant, "主诉": req.complaint[:1000]}
    content = json.dumps({k: v for k, v in facts.items() if v is not None}, ensure_ascii=False)
    return [{"role": "system", "content": system}, {"role": "user", "content": content}]


def _ask_model(
    engine: EnginePort,
    req: TriageRequest,
    kb: TriageKnowledge,
    timeout_s: float,
    shortlist: list[str] | None,
) -> tuple[list[Finding], dict[str, float], str]:
    ids, listing = _model_vocabulary(kb, shortlist)
    res = engine.chat(
        _prompt(req, listing),
        task="triage",
        schema=extraction_schema(ids),
        max_tokens=160,
        no_think=True,
        timeout_s=timeout_s,
    )
    data = res.data or {}
    model = str(getattr(res, "model", "LLM"))
    known = set(ids)
    found = [
        Finding(fid, f"({model})", (0, 0), "model")
        for fid in dict.fromkeys(data["findings"])
        if fid in known
    ]
    return found, _plausible_vitals(data.get("vitals") or {}), model


def _plausible_vitals(raw: dict[str, Any]) -> dict[str, float]:
    """The model's vitals that pass the same range checks as typed ones (others dropped)."""
    out: dict[str, float] = {}
    for key, value in raw.items():
        if key not in VITAL_FIELDS or not isinstance(value, int | float):
            continue
        try:
            checked = getattr(Vitals.model_validate({key: value}), key)
        except ValueError:
            continue
        if checked is not None:
            out[key] = float(checked)
    return out


def _grounded_vitals(text: str, vitals: dict[str, float]) -> tuple[dict[str, float], list[str]]:
    """Model-read vitals whose number is written in the complaint; the others are dropped.

    With the packaged 1.5B model, ungrounded model output over-triaged 39 of the 95 held-out
    vignettes (51.6% exact vs 86.3% rules-only, docs/accuracy.md): a value the text does not
    contain is the model's invention, not a reading.
    """
    numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
    kept = {k: v for k, v in vitals.items() if float(v) in numbers}
    return kept, sorted(set(vitals) - set(kept))


def _suggestions(
    kb: TriageKnowledge, found: list[Finding], result: TriageResult
) -> list[dict[str, Any]]:
    """Finding ids the model proposed that the rules and the semantic matcher did not find:
    shown to the nurse as unconfirmed hints, never counted toward the level (an id carries no
    span in the text, so nothing grounds it; see ``_grounded_vitals`` for the measurement)."""
    have = {f.id for f in result.findings}
    rows = {r.id: r for r in kb.complaints}
    return [
        {"id": f.id, "text": "/".join(rows[f.id].terms[:2]), "source": "model", "counted": False}
        for f in found
        if f.id not in have and f.id in rows
    ]


def _semantic(
    req: TriageRequest, first: TriageResult, meta: dict[str, Any], shortlist: bool
) -> tuple[list[Finding], list[str] | None]:
    embedder = triage_embedder()
    bank = semantic_bank(embedder) if embedder is not None else None
    if embedder is None or bank is None:
        meta["semantic"] = "unavailable"
        return [], None
    meta["semantic"] = {"model": bank.model, "threshold": bank.threshold}
    found: list[Finding] = []
    if first.level > 1:  # nothing can be more urgent than level 1
        covered = [f.span for f in first.findings]
        for used in first.vitals_used.values():
            span = used.get("span")
            if isinstance(span, list) and len(span) == 2:
                covered.append((int(span[0]), int(span[1])))
        skip = frozenset(f.id for f in first.findings)
        found = semantic_findings(req.complaint, bank, embedder, skip, covered)
    return found, candidates(req.complaint, bank, embedder) if shortlist else None


def run_triage(
    request: Any,
    engine: EnginePort | None = None,
    *,
    use_llm: bool = True,
    timeout_s: float | None = None,
) -> dict[str, Any]:
    req = parse_triage_request(request)
    kb = triage_knowledge()
    started = time.monotonic()
    meta: dict[str, Any] = {"mode": "rules"}
    asking = engine is not None and use_llm
    result: TriageResult = triage_rules(req, kb)
    extra, shortlist = _semantic(req, result, meta, shortlist=asking)
    if extra:
        result = triage_rules(req, kb, extra)
    if asking and engine is not None:
        budget = timeout_s if timeout_s is not None else MODEL_BUDGET_S
        try:
            found, vitals, model = _ask_model(engine, req, kb, budget, shortlist)
            rules_level = result.level
            vitals, ungrounded = _grounded_vitals(req.complaint, vitals)
            result = triage_rules(req, kb, extra, model_vitals=vitals)
            result = dataclasses.replace(result, rules_level=rules_level)
            meta.update(
                mode="rules+llm",
                model=model,
                model_findings=[f.id for f in found],
                model_suggestions=_suggestions(kb, found, result),
                model_vitals_dropped=ungrounded,
                raised=result.level < result.rules_level,
            )
        except ClinicBoxError as exc:
            meta["llm_error"] = exc.code
            if exc.code == "llm_timeout":
                meta["llm_note"] = (
                    f"模型在 {budget:g} 秒内未完成，以规则结果为准"
                    if get_lang() != "en"
                    else f"The model did not finish within {budget:g} s; the rules' answer stands"
                )
            log.warning("triage: model pass skipped (%s)", exc.code)
        except (KeyError, TypeError, ValueError) as exc:
            meta["llm_error"] = "invalid_output"
            log.warning("triage: model output unusable (%s)", exc.__class__.__name__)
    out = result.as_dict(get_lang())
    meta["elapsed_s"] = round(time.monotonic() - started, 3)
    out["triage"] = meta
    return out
