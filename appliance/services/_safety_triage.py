"""Triage use case: rules first (instant, deterministic), then the semantic matcher, then —
when a model is given — the model as a *finding extractor*: it proposes findings of the
vocabulary, each with the complaint's words that show it, and vitals it read; the rules decide
the level. Neither can lower a level; every semantic hit carries its similarity and every model
hit says "model". A model failure or timeout leaves the rules' answer standing and says so plainly.

Measured with the packaged Qwen2.5-1.5B on the held-out vignettes, finding ids chosen by the model
with no words of the complaint behind them over-triaged 39 of 95 cases. So a proposal counts only
when its quote is affirmed in the complaint and means the finding
(:mod:`appliance.clinical.triage_evidence`); the rest are shown as unconfirmed suggestions
(``triage.model_suggestions``, each with why). Model-read vitals count only when their number is
written in the complaint.
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
from appliance.clinical.triage_evidence import Checked, Proposal, check_proposals
from appliance.clinical.triage_inputs import VITAL_FIELDS, merge_inputs, unknown_vitals_keys
from appliance.clinical.triage_model import TriageKnowledge, TriageRequest, TriageResult, Vitals
from appliance.clinical.triage_semantic import candidates, semantic_findings
from appliance.errors import ClinicBoxError, InputError
from appliance.i18n import get_lang
from appliance.knowledge.triage_bank import semantic_bank, triage_embedder
from appliance.knowledge.triage_catalog import triage_knowledge
from appliance.services._safety_meds import validate
from appliance.services.ports import EnginePort

log = logging.getLogger("clinicbox.safety")

#: the model's time budget when the caller gives none (2 cores, default model)
MODEL_BUDGET_S = 15.0
_MAX_MODEL_FINDINGS = 6


def unknown_vitals_error(unknown: list[str]) -> InputError:
    """The refusal of unknown vitals keys, listing the accepted ones (zh/en)."""
    zh = "，".join(f"{k}（{v[0]}）" for k, v in VITAL_FIELDS.items())
    en = ", ".join(f"{k} ({v[1]})" for k, v in VITAL_FIELDS.items())
    return InputError(
        f"未知的生命体征字段：{', '.join(unknown)}。可用字段：{zh}",
        f"Unknown vitals key(s): {', '.join(unknown)}. Accepted keys: {en}",
        details={"unknown": unknown, "accepted": list(VITAL_FIELDS)},
    )


def parse_triage_request(data: Any) -> TriageRequest:
    """Validate a triage request; an unknown vitals key is refused with the accepted keys."""
    unknown = unknown_vitals_keys(data)
    if unknown:
        raise unknown_vitals_error(unknown)
    return validate(TriageRequest, data)


def _model_vocabulary(
    kb: TriageKnowledge, shortlist: list[str] | None
) -> tuple[dict[str, str], str]:
    """The findings the model may choose — the semantic short list, else every level 1–3
    finding of the semantic bank — under short codes ("F7": two tokens where an id takes eight,
    which the 2-core time budget pays for twice: in the prompt and in the answer), and their
    listing for the prompt. Findings that need a co-finding are left out: a model proposal of
    one cannot be checked (see :mod:`appliance.clinical.triage_evidence`)."""
    rows = [r for r in kb.complaints if r.level < 4 and not r.with_terms]
    if shortlist is not None:
        keep = set(shortlist)
        rows = [r for r in rows if r.id in keep]
    codes = {f"F{i}": r.id for i, r in enumerate(rows, 1)}
    listing = "\n".join(
        f"{code}: {'/'.join(r.terms[:2])}" for code, r in zip(codes, rows, strict=True)
    )
    return codes, listing


def extraction_schema(codes: tuple[str, ...]) -> dict[str, Any]:
    vitals = {k: {"type": "number"} for k in VITAL_FIELDS}
    finding = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "enum": list(codes)},
            "quote": {"type": "string", "maxLength": 24},
        },
        "required": ["id", "quote"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "findings": {"type": "array", "items": finding, "maxItems": _MAX_MODEL_FINDINGS},
            "vitals": {"type": "object", "properties": vitals, "additionalProperties": False},
        },
        "required": ["findings", "vitals"],
        "additionalProperties": False,
    }


def _prompt(req: TriageRequest, listing: str) -> list[dict[str, str]]:
    system = (
        "你是急诊预检分诊的信息提取员。从病人的主诉中找出下列发现：写出编号 id，"
        "并在 quote 里照抄主诉中表明它的原话（几个字）；主诉里没写的不要编造，"
        "被否认的（无/否认/没有）不算。\n"
        f"{listing}\n"
        "vitals 只写主诉里写明的数值，键：sbp dbp hr rr temp(℃) spo2 gcs glucose(mmol/L) "
        "pain(0-10)。只输出 JSON。"
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
) -> tuple[list[Proposal], dict[str, float], str]:
    codes, listing = _model_vocabulary(kb, shortlist)
    res = engine.chat(
        _prompt(req, listing),
        task="triage",
        schema=extraction_schema(tuple(codes)),
        max_tokens=200,
        no_think=True,
        timeout_s=timeout_s,
    )
    data = res.data or {}
    model = str(getattr(res, "model", "LLM"))
    proposals = [
        Proposal(codes[item["id"]], str(item.get("quote") or ""))
        for item in data["findings"]
        if isinstance(item, dict) and item.get("id") in codes
    ]
    return proposals, _plausible_vitals(data.get("vitals") or {}), model


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


def _checked(
    req: TriageRequest, kb: TriageKnowledge, proposals: list[Proposal], age: float | None
) -> list[Checked]:
    embedder = triage_embedder()
    bank = semantic_bank(embedder) if embedder is not None else None
    return check_proposals(
        req.complaint, proposals, kb.complaints, age=age, bank=bank, embedder=embedder
    )


def _suggestions(
    kb: TriageKnowledge, checked: list[Checked], result: TriageResult
) -> list[dict[str, Any]]:
    """Proposals that did not pass the checks of :mod:`appliance.clinical.triage_evidence` and
    that the rules did not find either: shown to the nurse as unconfirmed hints, never counted
    toward the level, each with why it was not counted."""
    have = {f.id for f in result.findings}
    rows = {r.id: r for r in kb.complaints}
    out: list[dict[str, Any]] = []
    for c in checked:
        if c.finding is not None or c.proposal.id in have or c.proposal.id not in rows:
            continue
        hint: dict[str, Any] = {
            "id": c.proposal.id,
            "text": "/".join(rows[c.proposal.id].terms[:2]),
            "quote": c.proposal.quote,
            "source": "model",
            "counted": False,
            "why": c.why,
        }
        if c.similarity is not None:
            hint["similarity"] = round(c.similarity, 3)
        out.append(hint)
    return out


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
        # a finding the rules read also rules out what it answers ("supersedes")
        answers = triage_knowledge().supersedes
        skip = frozenset(f.id for f in first.findings) | {
            s for f in first.findings for s in answers.get(f.id, ())
        }
        found = semantic_findings(req.complaint, bank, embedder, skip, covered, first.denied)
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
            proposals, vitals, model = _ask_model(engine, req, kb, budget, shortlist)
            rules_level = result.level
            vitals, ungrounded = _grounded_vitals(req.complaint, vitals)
            checked = _checked(req, kb, proposals, merge_inputs(req).age)
            grounded = [c.finding for c in checked if c.finding is not None]
            result = triage_rules(req, kb, [*extra, *grounded], model_vitals=vitals)
            result = dataclasses.replace(result, rules_level=rules_level)
            meta.update(
                mode="rules+llm",
                model=model,
                model_findings=[p.id for p in proposals],
                model_suggestions=_suggestions(kb, checked, result),
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
