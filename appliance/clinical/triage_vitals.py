"""Vital-sign and measured-quantity criteria of triage (pure): adult rows, paediatric age bands
(PALS/IMCI), infant fever, pregnancy rows and quantities read from the text (burn area, tablets
taken, fall height). Each returns :class:`Reason` rows with rule id and source."""

from __future__ import annotations

from appliance.clinical.findings import Concept, Vocabulary, extract_findings
from appliance.clinical.findings_vitals import TextReading
from appliance.clinical.triage_model import (
    ChildBand,
    MeasureRule,
    Reason,
    TriageKnowledge,
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


def vital_reasons(
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


def child_band(age: float, kb: TriageKnowledge) -> ChildBand | None:
    """The PALS age band of a child of ``age`` years (``triage_vitals.toml``), else None."""
    for band in kb.child_bands:
        if band.min_age <= age < band.max_age:
            return band
    return None


def child_reasons(age: float, vitals: dict[str, float], kb: TriageKnowledge) -> list[Reason]:
    band = child_band(age, kb)
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


def measure_reasons(
    measures: dict[str, TextReading], age: float | None, kb: TriageKnowledge, text: str = ""
) -> list[Reason]:
    """The most urgent matching row per measured quantity (burn %, tablets, fall height); a row
    with ``with_terms`` needs one of them affirmed in ``text`` too (recent surgery + vomiting); one
    with ``unless_terms`` does not apply when one of those is (a long seizure told as over)."""
    best: dict[str, Reason] = {}
    for rule in kb.measure_rules:
        reading = measures.get(rule.measure)
        if reading is None or not _OPS[rule.op](reading.value, rule.value):
            continue
        if not _age_applies(rule, age):
            continue
        if rule.with_terms and not _affirmed(text, rule.with_terms):
            continue
        if rule.unless_terms and _affirmed(text, rule.unless_terms):
            continue
        reason = Reason(
            rule.id,
            rule.level,
            kb.cite(rule.source),
            f"{rule.text_zh}（原文：{reading.text}）",
            f"{rule.text_en} (text: {reading.text})",
        )
        if rule.measure not in best or reason.level < best[rule.measure].level:
            best[rule.measure] = reason
    return list(best.values())


def _affirmed(text: str, terms: tuple[str, ...]) -> bool:
    concept = Concept("with", terms)
    return bool(extract_findings(text, vocabulary=Vocabulary((concept,))))


def _age_applies(rule: MeasureRule, age: float | None) -> bool:
    if rule.min_age is not None and (age is None or age < rule.min_age):
        return False
    return not (rule.max_age is not None and (age is None or age >= rule.max_age))
