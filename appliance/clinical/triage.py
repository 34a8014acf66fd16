"""Triage (智能导诊) by the Chinese four-level emergency standard, from rules only (pure).

Level 1 濒危 / 2 危重 / 3 急症 / 4 非急症 (WS/T 390-2012; 急诊预检分诊专家共识 2018). The level
is the most urgent of:

- vital signs from the fields or written in the complaint (adult criteria, paediatric age bands
  from PALS/IMCI, infant fever, pregnancy rows) — :mod:`triage_inputs`, :mod:`triage_vitals`;
- quantities read from the text (burn area, tablets taken, fall height);
- findings of the vocabulary (``triage_findings.toml``: ESI v4 decision points, CTAS complaints
  and modifiers, 急诊预检分诊专家共识) found in the complaint, negation-aware;
- findings added by the semantic matcher or the model (``extra``), which can only raise urgency.

For level 4 an ESI-style resource estimate separates routine (≥1 resource) from self-care (none:
known age in range, no risk finding, no abnormal vital). Every reason carries its rule id and
source; the result lists the findings with their source and span and the vitals used.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from appliance.clinical._text import (
    _clause_bounds,
    clause_at,
    find_terms,
    is_feared,
    is_long_ago,
    is_past_history,
)
from appliance.clinical.findings import (
    Finding,
    Span,
    cancelled_after,
    extract_findings,
)
from appliance.clinical.findings_labs import lab_readings
from appliance.clinical.findings_vitals import TextReading
from appliance.clinical.triage_composites import (
    Told,
    composite_findings,
    minor_resources,
    resource_estimate,
)
from appliance.clinical.triage_inputs import TriageInputs, merge_inputs
from appliance.clinical.triage_lowrisk import cleared
from appliance.clinical.triage_model import (
    CHILD_AGE,
    ComplaintRule,
    Disposition,
    Reason,
    TriageKnowledge,
    TriageRequest,
    TriageResult,
    VitalRule,
)
from appliance.clinical.triage_pain import pain_is_peripheral, pain_is_recurrent
from appliance.clinical.triage_vitals import child_reasons, measure_reasons, vital_reasons

_PREGNANT_PREFIX = "怀孕，"


def _applies(rule: ComplaintRule, age: float | None) -> bool:
    if rule.adult_only and age is not None and age < CHILD_AGE:
        return False
    if rule.max_age is not None and (age is None or age > rule.max_age):
        return False
    return not (rule.min_age is not None and (age is None or age < rule.min_age))


def rule_findings(
    text: str, inputs: TriageInputs, kb: TriageKnowledge, denied: list[Span] | None = None
) -> list[Finding]:
    """Vocabulary findings in the complaint (a pregnancy given as a field counts as said); a
    finding told as past history in its clause ("前年得过脑梗，没落下毛病") is not today's
    complaint and is left out (findings with a co-finding are kept: they read context, such as
    a recent operation; so are standing conditions marked ``context``; a risk marked ``recent``
    told as years back is left out: an operation last year is no recent one). The spans of denied mentions ("不重影") go to ``denied``."""
    prefix = _PREGNANT_PREFIX if inputs.pregnant else ""
    found = extract_findings(prefix + text, vocabulary=kb.vocabulary, include_negated=True)
    out: list[Finding] = []
    shift = len(prefix)
    single = {r.id for r in kb.complaints if not r.with_terms and not r.context}
    recent = {r.id for r in kb.complaints if r.recent}
    for f in found:
        start, end = f.span[0] - shift, f.span[1] - shift
        if f.negated:
            if denied is not None and start >= 0:
                denied.append((start, end))
            continue
        if start >= 0 and f.id in single and is_past_history(clause_at(text, start, end)):
            continue  # "前年得过脑梗": history, not today's complaint
        if start >= 0 and f.id in recent and is_long_ago(clause_at(text, start, end)):
            continue  # "去年做过膝盖手术": no recent operation
        bounds = _clause_bounds(text, start) if start >= 0 else (0, 0)
        if start >= 0 and is_feared(text[bounds[0] : start], text[start : bounds[1]]):
            if denied is not None:  # "我怕跟隔壁那个一样休克": a fear, not a finding
                denied.append((start, end))
            continue
        if start < 0:  # the finding rests on the pregnancy field
            out.append(dataclasses.replace(f, text="pregnant=true", span=(0, 0)))
        else:
            out.append(dataclasses.replace(f, span=(start, end)))
    return out


def complaint_rules_fired(text: str, age: float | None, kb: TriageKnowledge) -> list[ComplaintRule]:
    """The vocabulary rules whose finding is affirmed in ``text`` (kept for callers and tests)."""
    by_id = {r.id: r for r in kb.complaints}
    found = extract_findings(text, vocabulary=kb.vocabulary)
    return [by_id[f.id] for f in found if _applies(by_id[f.id], age)]


def _finding_reason(rule: ComplaintRule, finding: Finding, kb: TriageKnowledge) -> Reason:
    if finding.source == "rule":
        return Reason(rule.id, rule.level, kb.cite(rule.source), rule.text_zh, rule.text_en)
    sim = f"{finding.similarity:.2f}" if finding.similarity is not None else ""
    label_zh = {"semantic": f"语义匹配 {sim}", "model": "模型提取"}.get(finding.source, "")
    label_en = {"semantic": f"semantic match {sim}", "model": "model-extracted"}.get(
        finding.source, ""
    )
    return Reason(
        rule.id,
        rule.level,
        kb.cite(rule.source),
        f"{rule.text_zh}（{label_zh}：“{finding.text}”）",
        f"{rule.text_en} ({label_en}: “{finding.text}”)",
        origin=finding.source,
    )


def _self_care_ok(inputs: TriageInputs, kb: TriageKnowledge) -> bool:
    """ESI level 5: no resources expected — known age in range, no abnormal vital."""
    lo, hi = kb.self_care_ages
    if inputs.age is None or not lo <= inputs.age <= hi or inputs.pregnant:
        return False
    for key, value in inputs.vitals.items():
        bounds = kb.self_care_normal.get(key)
        if bounds is None or (inputs.age < CHILD_AGE and key in ("hr", "rr")):
            continue
        if not bounds[0] <= value <= bounds[1]:
            return False
    return True


def triage_rules(
    request: TriageRequest,
    kb: TriageKnowledge,
    extra: Sequence[Finding] = (),
    model_vitals: dict[str, float] | None = None,
) -> TriageResult:
    """Rules-only triage of ``request``; ``extra`` findings (semantic, model) and vitals the
    model read (used only where neither a field nor the text gives one) can only raise."""
    inputs = merge_inputs(request, model_vitals or {})
    age, vitals, text = inputs.age, dict(inputs.vitals), request.complaint
    if vitals.get("hr") and 0 < vitals.get("sbp", 999) <= 100:
        # Allgöwer shock index (HR / SBP), only with a low BP (≤ 100, the qSOFA line): a fast
        # rhythm with a normal BP is judged by its heart rate alone.
        vitals["shock_index"] = round(vitals["hr"] / vitals["sbp"], 2)
        if vitals["sbp"] < 90:
            vitals["shock_index_hypotensive"] = vitals["shock_index"]
    temp = vitals.get("temp")
    if temp is not None and (temp > 38.0 or temp < 36.0) and (age is None or age >= CHILD_AGE):
        # CTAS 2016 adult fever modifier: how many SIRS criteria the measured vitals meet, the
        # temperature being one (2: unwell); and with the fever, how many qSOFA criteria (≥ 2:
        # sepsis likely, Sepsis-3)
        sirs = 1 + (vitals.get("hr", 0) > 90) + (vitals.get("rr", 0) > 20)
        vitals["febrile_sirs"] = float(sirs)
        qsofa = (vitals.get("rr", 0) >= 22) + (0 < vitals.get("sbp", 999) <= 100)
        vitals["febrile_qsofa"] = float(qsofa + (vitals.get("gcs", 15) < 15))
        # ESI v4 decision point D: the fever with both adult danger-zone rates (HR > 100 and
        # RR > 20), as against the SIRS lines (HR > 90, RR > 20) that only grade "unwell"
        danger = (vitals.get("hr", 0) > 100) + (vitals.get("rr", 0) > 20)
        vitals["febrile_danger_zone"] = float(1 + danger)
    any_age = kb.any_age_vitals
    peripheral = "pain" in vitals and pain_is_peripheral(text, kb.pain_sites)
    if peripheral:  # CTAS 2016: moderate peripheral pain is level 4, severe level 3
        any_age = tuple(_peripheral(r) for r in any_age if not r.central_only)
    if "pain" in vitals and pain_is_recurrent(text, kb.pain_sites):  # CTAS 2016 "chronic"
        any_age = tuple(_recurrent(r) for r in any_age if (r.recurrent_level or 0) < 4)
    reasons = vital_reasons(any_age, vitals, kb)
    if age is not None and age < CHILD_AGE:
        reasons += child_reasons(age, vitals, kb)
    else:
        reasons += vital_reasons(kb.adult_vitals, vitals, kb)
    if inputs.pregnant:
        reasons += vital_reasons(kb.pregnancy_vitals, vitals, kb)
    # lab values written in the note (a village doctor's slip, a result phoned in) are judged by
    # their own rows like the other measured quantities; a glucose is a vital already
    measures = {**inputs.measures, **lab_readings(text, kb.lab_analytes, skip=("glucose",))}
    measured = measure_reasons(measures, age, kb, text)
    reasons += measured
    by_id = {r.id: r for r in kb.complaints}
    findings = [_measure_finding(r, measures) for r in measured]
    fired: list[ComplaintRule] = []
    have: dict[str, Finding] = {}
    told_here = Told(kb, inputs, vitals, have, text)  # ``have`` grows as findings are taken

    def take(finding: Finding) -> None:
        rule = by_id.get(finding.id)
        if rule is None or rule in fired or not _applies(rule, age):
            return
        pain = vitals.get("pain")
        if finding.source != "rule" and rule.pain_min and pain is not None and pain < rule.pain_min:
            return  # similarity cannot judge severity: the pain score said is lower
        fired.append(rule)
        findings.append(finding)
        have[finding.id] = finding
        if rule.level < 4:  # a level-4 complaint names the problem; it is not a reason
            reasons.append(_finding_reason(rule, finding, kb))

    denied: list[Span] = []
    told = [*rule_findings(text, inputs, kb, denied), *_not_over(text, extra, by_id)]
    for finding in cleared(told, kb.low_risk, text, age, vitals):  # CCHR/PECARN, WHO, Westley
        take(finding)
    for finding in composite_findings(told_here):  # made of the above
        take(finding)
    estimate = resource_estimate(told_here, fired)
    if estimate is not None:
        reasons.append(estimate[1])
    level = min((r.level for r in reasons), default=4)
    urgent = [r for r in fired if r.level < 4]
    resources = max((r.resources for r in urgent if r.resources is not None), default=None)
    if estimate is not None:
        resources = max(resources or 0, estimate[0])
    self_care = False
    if not reasons:
        # ESI resource estimate for a non-urgent visit: the most any named complaint needs, plus
        # what its context adds (a cough of two weeks: a chest film)
        counted = minor_resources(told_here, fired)
        by_terms = 0 if find_terms(text, kb.self_care_terms) else 1
        resources = counted if counted is not None else by_terms
        self_care = resources == 0 and _self_care_ok(inputs, kb)
        resources = 0 if self_care else max(resources, 1)
        reasons.append(_level4_reason(self_care, bool(vitals), kb, peripheral))
    dept = _department(level, fired, text, age, self_care, kb)
    result = _result(level, dept, fired, tuple(sorted(reasons, key=lambda r: r.level)),
                     self_care, kb, level)  # fmt: skip
    return dataclasses.replace(
        result,
        findings=tuple(findings),
        vitals_used=inputs.vitals_used,
        resources=resources,
        denied=tuple(denied),
    )


def _peripheral(rule: VitalRule) -> VitalRule:
    """A pain row read for a peripheral pain (CTAS 2016): its peripheral level, said so."""
    return _pain_row_as(
        rule,
        rule.peripheral_level,
        "外周（四肢/皮肤软组织）疼痛",
        "peripheral (limb/skin/soft tissue)",
    )


def _recurrent(rule: VitalRule) -> VitalRule:
    """A pain row read for the patient's known, recurring pain (CTAS 2016 "chronic")."""
    return _pain_row_as(
        rule, rule.recurrent_level, "为既往反复出现的同样疼痛", "the patient's usual recurring pain"
    )


def _pain_row_as(rule: VitalRule, level: int | None, zh: str, en: str) -> VitalRule:
    """``rule`` at ``level`` when that is lower urgency (a higher number), its reason said."""
    if level is None or level <= rule.level:
        return rule
    return dataclasses.replace(
        rule, level=level, text_zh=f"{rule.text_zh}，{zh}", text_en=f"{rule.text_en}, {en}"
    )


def _not_over(
    text: str, extra: Sequence[Finding], by_id: dict[str, ComplaintRule]
) -> list[Finding]:
    """Semantic and model findings, less those said to be over later in their sentence
    (the rules' own mentions are checked by the extractor)."""
    out = []
    for f in extra:
        rule = by_id.get(f.id)
        if (
            rule is not None
            and rule.cancelled_by
            and cancelled_after(text, f.span[1], rule.cancelled_by)
        ):
            continue
        out.append(f)
    return out


def _measure_finding(reason: Reason, measures: dict[str, TextReading]) -> Finding:
    for reading in measures.values():
        if reading.text in reason.text_zh:
            return Finding(reason.rule, reading.text, reading.span, "rule")
    return Finding(reason.rule, "", (0, 0), "rule")


def _level4_reason(
    self_care: bool, measured: bool, kb: TriageKnowledge, peripheral: bool = False
) -> Reason:
    if peripheral:
        return Reason(
            "L4-PERIPHERAL-PAIN",
            4,
            kb.cite(f"{kb.pain_sites.source};TRIAGE2018"),
            "外周（四肢/皮肤软组织）疼痛，未达剧痛，无危险征象：按非急症就诊（CTAS 4 级）",
            "Peripheral (limb, skin or soft-tissue) pain short of severe, no red flag: "
            "non-urgent visit (CTAS 4)",
        )
    if self_care:
        what = (
            ("生命体征正常", "normal vital signs")
            if measured
            else ("未测生命体征", "no vital signs taken")
        )
        return Reason(
            "C-SELF-CARE",
            4,
            kb.cite(kb.self_care_source),
            f"轻症，{what[0]}，预计无需检查或处置资源（ESI 5），可居家自我护理，症状加重随时就诊",
            f"Minor illness, {what[1]}, no resources expected (ESI 5): self-care, return if worse",
        )
    return Reason(
        "L4-NO-RED-FLAG",
        4,
        kb.cite("TRIAGE2018;WST390;ESI4"),
        "未发现危险征象，生命体征未见异常，预计需 1 项资源，按非急症就诊"
        if measured
        else "未发现危险征象（未测生命体征），按非急症就诊",
        "No red flag and no abnormal vital sign, one resource expected: non-urgent visit"
        if measured
        else "No red flag (no vital signs taken): non-urgent visit",
    )


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
    named = [r.department for r in fired if r.level == 4 and r.department != "general"]
    if named and not self_care:
        return named[0]
    if self_care:
        return "general"
    for route in kb.routing:
        if find_terms(text, route.terms):
            return route.department
    return "general"


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
