"""Triage (智能导诊) by the Chinese four-level emergency standard, from rules only (pure).

Level 1 濒危 / 2 危重 / 3 急症 / 4 非急症 (WS/T 390-2012; 急诊预检分诊专家共识 2018). The level
is the most urgent of: adult vital-sign criteria or paediatric age-banded ranges (PALS/IMCI),
and red-flag complaints found in Chinese or English free text (negation-aware). Every reason
carries its rule id and source. Nothing here can lower a level: more findings only ever keep or
raise urgency. :func:`merge_model_level` applies an LLM opinion under the same rule.
"""

from __future__ import annotations

import dataclasses

from appliance.clinical._text import find_terms, normalize
from appliance.clinical.triage_model import (
    CHILD_AGE,
    ChildBand,
    ComplaintRule,
    Disposition,
    Reason,
    TriageKnowledge,
    TriageRequest,
    TriageResult,
    VitalRule,
)

_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_VITAL_NAMES = {"hr": ("心率", "heart rate"), "rr": ("呼吸", "respiratory rate"),
                "sbp": ("收缩压", "systolic BP")}  # fmt: skip


def _fmt(v: float) -> str:
    return f"{v:g}"


def _vital_reasons(
    rules: tuple[VitalRule, ...], vitals: dict[str, float], kb: TriageKnowledge
) -> list[Reason]:
    """The most urgent matching rule per vital sign and direction."""
    best: dict[tuple[str, str], Reason] = {}
    for rule in rules:
        value = vitals.get(rule.vital)
        if value is None or not _OPS[rule.op](value, rule.value):
            continue
        key = (rule.vital, rule.op[0])
        reason = Reason(
            rule.id,
            rule.level,
            kb.cite(rule.source),
            f"{rule.text_zh}（测得 {_fmt(value)}）",
            f"{rule.text_en} (measured {_fmt(value)})",
        )
        if key not in best or reason.level < best[key].level:
            best[key] = reason
    return list(best.values())


def _child_band(age: float, kb: TriageKnowledge) -> ChildBand | None:
    for band in kb.child_bands:
        if band.min_age <= age < band.max_age:
            return band
    return None


def _child_reasons(age: float, vitals: dict[str, float], kb: TriageKnowledge) -> list[Reason]:
    band = _child_band(age, kb)
    reasons: list[Reason] = []
    if band is None:
        return reasons
    src = kb.cite(band.source)
    checks: list[tuple[str, int, bool, str]] = []
    hr, rr, sbp = vitals.get("hr"), vitals.get("rr"), vitals.get("sbp")
    if hr is not None:
        checks += [
            ("P-HR-BRADY-CRITICAL", 1, hr < band.hr_low_1, f"< {_fmt(band.hr_low_1)}"),
            ("P-HR-HIGH-2", 2, hr > band.hr_high_2, f"> {_fmt(band.hr_high_2)}"),
            ("P-HR-LOW-2", 2, hr < band.hr_low_2, f"< {_fmt(band.hr_low_2)}"),
            ("P-HR-HIGH-3", 3, hr > band.hr_high_3, f"> {_fmt(band.hr_high_3)}"),
            ("P-HR-LOW-3", 3, hr < band.hr_low_3, f"< {_fmt(band.hr_low_3)}"),
        ]
    if rr is not None:
        checks += [
            ("P-RR-HIGH-2", 2, rr > band.rr_high_2, f"> {_fmt(band.rr_high_2)}"),
            ("P-RR-LOW-2", 2, rr < band.rr_low_2, f"< {_fmt(band.rr_low_2)}"),
            ("P-RR-FAST-3", 3, rr >= band.rr_high_3, f"≥ {_fmt(band.rr_high_3)}"),
        ]
    if sbp is not None:
        limit = band.sbp_low if band.sbp_low >= 0 else 70 + 2 * min(age, 10.0)
        checks.append(("P-SBP-HYPOTENSION", 1, sbp < limit, f"< {_fmt(limit)}"))
    seen: set[str] = set()  # checks are ordered most urgent first: one reason per vital sign
    for rule_id, level, fired, bound in checks:
        vital = rule_id.split("-")[1].lower()
        if not fired or vital in seen:
            continue
        name_zh, name_en = _VITAL_NAMES[vital]
        value = vitals[vital]
        reasons.append(
            Reason(
                rule_id,
                level,
                src,
                f"{band.name_zh}儿童{name_zh} {_fmt(value)}（{bound}）",
                f"Child {band.name_en}: {name_en} {_fmt(value)} ({bound})",
            )
        )
        seen.add(vital)
    if kb.infant_fever is not None and age < kb.infant_fever_max_age:
        temp = vitals.get("temp")
        rule = kb.infant_fever
        if temp is not None and temp >= rule.value:
            reasons.append(
                Reason(
                    rule.id,
                    rule.level,
                    kb.cite(rule.source),
                    f"{rule.text_zh}（测得 {_fmt(temp)}）",
                    f"{rule.text_en} (measured {_fmt(temp)})",
                )
            )
    return reasons


def _complaint_applies(rule: ComplaintRule, text: str, age: float | None) -> bool:
    if rule.max_age is not None and (age is None or age > rule.max_age):
        return False
    if rule.min_age is not None and (age is None or age < rule.min_age):
        return False
    for phrase in rule.unless:
        text = text.replace(normalize(phrase), "，")
    if not find_terms(text, rule.terms):
        return False
    return not rule.with_terms or bool(find_terms(text, rule.with_terms))


def complaint_rules_fired(text: str, age: float | None, kb: TriageKnowledge) -> list[ComplaintRule]:
    norm = normalize(text)
    return [r for r in kb.complaints if _complaint_applies(r, norm, age)]


def _department(
    level: int,
    fired: list[ComplaintRule],
    text: str,
    age: float | None,
    self_care: bool,
    kb: TriageKnowledge,
) -> str:
    if level == 1:
        return "resus"
    if level == 2:
        specific = [
            r.department
            for r in fired
            if r.level == 2 and r.department not in ("emergency", "resus")
        ]
        return specific[0] if specific else "emergency"
    if age is not None and age < CHILD_AGE:
        return "paediatrics"
    urgent = [r.department for r in fired if r.level == level]
    if urgent:
        return urgent[0]
    if self_care:
        return "general"
    for route in kb.routing:
        if find_terms(text, route.terms):
            return route.department
    return "general"


def triage_rules(request: TriageRequest, kb: TriageKnowledge) -> TriageResult:
    """Rules-only triage of ``request``."""
    age = request.age_years()
    vitals = {k: float(v) for k, v in request.vitals.model_dump().items() if v is not None}
    text = request.complaint
    if request.pregnant:
        text = "怀孕，" + text
    reasons = _vital_reasons(kb.any_age_vitals, vitals, kb)
    if age is not None and age < CHILD_AGE:
        reasons += _child_reasons(age, vitals, kb)
    else:
        reasons += _vital_reasons(kb.adult_vitals, vitals, kb)
    if request.pregnant:
        reasons += _vital_reasons(kb.pregnancy_vitals, vitals, kb)
    fired = complaint_rules_fired(text, age, kb)
    reasons += [Reason(r.id, r.level, kb.cite(r.source), r.text_zh, r.text_en) for r in fired]
    level = min((r.level for r in reasons), default=4)
    self_care = False
    if not reasons:
        lo, hi = kb.self_care_ages
        # Self-care advice only for a known age in range: an unknown age may be an infant or
        # a frail elder, who are seen in clinic instead.
        in_range = age is not None and lo <= age <= hi
        if in_range and find_terms(text, kb.self_care_terms):
            self_care = True
            measured = (
                ("生命体征正常", "normal vital signs")
                if vitals
                else ("未测生命体征", "no vital signs taken")
            )
            reasons.append(
                Reason(
                    "C-SELF-CARE",
                    4,
                    kb.cite(kb.self_care_source),
                    f"轻症，{measured[0]}，可居家自我护理，症状加重随时就诊",
                    f"Minor illness, {measured[1]}: self-care, return if worse",
                )
            )
    if not reasons:
        reasons.append(
            Reason(
                "L4-NO-RED-FLAG",
                4,
                kb.cite("TRIAGE2018;WST390"),
                "未发现危险征象，生命体征未见异常，按非急症就诊"
                if vitals
                else "未发现危险征象（未测生命体征），按非急症就诊",
                "No red flag and no abnormal vital sign: non-urgent visit"
                if vitals
                else "No red flag (no vital signs taken): non-urgent visit",
            )
        )
    dept = _department(level, fired, text, age, self_care, kb)
    return _result(
        level, dept, fired, tuple(sorted(reasons, key=lambda r: r.level)), self_care, kb, level
    )


def _disposition(level: int, self_care: bool) -> Disposition:
    if level <= 2:
        return "emergency"
    if level == 3:
        return "urgent"
    return "self_care" if self_care else "routine"


def _result(
    level: int,
    dept: str,
    fired: list[ComplaintRule],
    reasons: tuple[Reason, ...],
    self_care: bool,
    kb: TriageKnowledge,
    rules_level: int,
) -> TriageResult:
    call_120 = level == 1 or any(r.call_120 and r.level <= 2 for r in fired)
    refer = level <= 2 or any(r.refer for r in fired)
    zh, en = kb.departments[dept]
    return TriageResult(
        level, _disposition(level, self_care), dept, zh, en, refer, call_120, reasons, rules_level
    )


def merge_model_level(
    result: TriageResult,
    model_level: int,
    text_zh: str,
    text_en: str,
    source: str,
    kb: TriageKnowledge,
) -> TriageResult:
    """Combine an LLM opinion: the more urgent level wins; the model never lowers a rule verdict."""
    reason = Reason("LLM-TRIAGE", model_level, source, text_zh, text_en, origin="model")
    reasons = (*result.reasons, reason)
    if model_level >= result.level:
        return dataclasses.replace(result, reasons=reasons)
    level = model_level
    dept = result.department_key
    if level == 1:
        dept = "resus"
    elif level == 2 and dept not in ("obgyn", "mental", "ent_eye", "surgery", "paediatrics"):
        dept = "emergency"
    zh, en = kb.departments[dept]
    return dataclasses.replace(
        result,
        level=level,
        disposition=_disposition(level, False),
        department_key=dept,
        department_zh=zh,
        department_en=en,
        refer=result.refer or level <= 2,
        call_120=result.call_120 or level == 1,
        reasons=tuple(sorted(reasons, key=lambda r: r.level)),
    )
