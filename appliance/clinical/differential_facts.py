"""What a record says, as facts for the differential (pure): findings affirmed or denied, numbers.

Built on the shared findings extractor (:mod:`appliance.clinical.findings` — the same
negation-aware matcher, vocabulary format and spans as triage) plus
:func:`~appliance.clinical.findings_vitals.extract_vitals` and
:func:`~appliance.clinical.findings_labs.extract_labs` for numbers written in the text
("BP 85/50", "T 39.2℃", "WBC 15.2×10^9/L", "血淀粉酶 1200U/L"). A finding with a ``measure``
("temp>=37.5", "sbp<90|dbp<60") is also true when a number satisfies it; a number never makes a
finding *negated* — "无发热" with T 38.6 ℃ counts as fever. A result written after its test
("尿蛋白阴性", "尿酮(-)", "B超未见异常") makes the finding a pertinent negative.

    facts = read_facts(text, vocabulary=vocab, measures=measures, analytes=analytes,
                       vitals={"sbp": 85}, age=70, sex="M")
    facts.affirmed["fever"]   # the words (or the number) that showed it
    "chest_pain" in facts.negated
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from appliance.clinical.findings import Vocabulary, extract_findings
from appliance.clinical.findings_labs import Analyte, extract_labs
from appliance.clinical.findings_near import (
    POST_NEGATION,
    DurationRule,
    NearRule,
    arm_pressure_gap,
    duration_findings,
    near_findings,
)
from appliance.clinical.findings_vitals import extract_vitals

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_EXPR = re.compile(r"^\s*([a-z_0-9]+)\s*(>=|<=|>|<)\s*(-?[\d.]+)\s*$")
_NUMBER_NAMES = {
    "temp": "体温",
    "sbp": "收缩压",
    "dbp": "舒张压",
    "hr": "心率",
    "rr": "呼吸",
    "spo2": "SpO2",
    "glucose": "血糖",
    "gcs": "GCS",
    "age": "年龄",
    "arm_gap": "双上肢收缩压差",
    "pregnancy_weeks": "孕周",
    "wbc": "白细胞",
    "neut_pct": "中性粒细胞%",
    "hb": "血红蛋白",
    "plt": "血小板",
    "crp": "CRP",
    "pct": "PCT",
    "creatinine": "肌酐",
    "egfr": "eGFR",
    "potassium": "血钾",
    "troponin": "肌钙蛋白",
    "bnp": "BNP",
    "d_dimer": "D-二聚体",
    "alt": "ALT",
    "tbil": "总胆红素",
    "amylase": "淀粉酶",
    "hba1c": "HbA1c",
    "uric_acid": "血尿酸",
    "lactate": "乳酸",
    "ldl_c": "LDL-C",
    "total_cholesterol": "总胆固醇",
    "triglyceride": "甘油三酯",
}


@dataclass(frozen=True)
class Measure:
    """``key op threshold``; ``key`` is a vital, a lab analyte id or ``age``."""

    key: str
    op: str
    threshold: float

    def holds(self, numbers: Mapping[str, float]) -> bool:
        value = numbers.get(self.key)
        return value is not None and _OPS[self.op](value, self.threshold)

    def describe(self, numbers: Mapping[str, float]) -> str:
        name = _NUMBER_NAMES.get(self.key, self.key)
        return f"{name} {numbers[self.key]:g}"


def parse_measures(expr: str) -> tuple[Measure, ...]:
    """``"sbp<90|dbp<60"`` → the measures, any of which makes the finding true."""
    out = []
    for part in expr.split("|"):
        match = _EXPR.match(part)
        if not match:
            raise ValueError(f"bad measure expression: {expr!r}")
        out.append(Measure(match.group(1), match.group(2), float(match.group(3))))
    return tuple(out)


@dataclass
class Facts:
    """Affirmed findings (id → evidence words), denied ones, and the numbers read."""

    affirmed: dict[str, str] = field(default_factory=dict)
    negated: set[str] = field(default_factory=set)
    numbers: dict[str, float] = field(default_factory=dict)
    sex: str | None = None

    @property
    def age(self) -> float | None:
        return self.numbers.get("age")

    def mentioned(self, finding_id: str) -> bool:
        return finding_id in self.affirmed or finding_id in self.negated


def read_numbers(
    text: str,
    *,
    analytes: tuple[Analyte, ...],
    vitals: Mapping[str, object] | None = None,
    age: float | None = None,
) -> tuple[dict[str, float], str | None]:
    """Vitals and labs written in the text, then the record's typed vitals and age (they win)."""
    numbers: dict[str, float] = {}
    read = extract_vitals(text)
    for key, reading in read.values.items():
        numbers[key] = reading.value
    for lab in extract_labs(text, analytes):
        numbers.setdefault(lab.id, lab.value)
    if read.age_years is not None:
        numbers["age"] = read.age_years.value
    if read.pregnancy_weeks is not None:
        numbers["pregnancy_weeks"] = read.pregnancy_weeks.value
    gap = arm_pressure_gap(text)
    if gap is not None:
        numbers["arm_gap"] = gap
    for key, value in (vitals or {}).items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            numbers[key] = float(value)
    if age is not None:
        numbers["age"] = float(age)
    return numbers, (read.sex.value if read.sex is not None else None)


def read_facts(
    text: str,
    *,
    vocabulary: Vocabulary,
    measures: Mapping[str, tuple[Measure, ...]],
    analytes: tuple[Analyte, ...],
    vitals: Mapping[str, object] | None = None,
    age: float | None = None,
    sex: str | None = None,
    near: tuple[NearRule, ...] = (),
    durations: tuple[DurationRule, ...] = (),
) -> Facts:
    """The facts of one record's text (see module doc); ``near`` adds site + quality findings
    (:mod:`appliance.clinical.findings_near`)."""
    numbers, sex_in_text = read_numbers(text, analytes=analytes, vitals=vitals, age=age)
    facts = Facts(numbers=numbers, sex=(sex or sex_in_text or None))
    for found in extract_findings(text, vocabulary=vocabulary, include_negated=True):
        if not found.negated and POST_NEGATION.match(text[found.span[1] : found.span[1] + 12]):
            found = replace(found, negated=True)
        if found.negated:
            facts.negated.add(found.id)
        else:
            facts.affirmed[found.id] = found.text
    for finding_id, (words, negated) in near_findings(text, near).items():
        if not negated:
            facts.affirmed.setdefault(finding_id, words)
            facts.negated.discard(finding_id)
        elif finding_id not in facts.affirmed:
            facts.negated.add(finding_id)
    for finding_id, words in duration_findings(text, durations).items():
        facts.affirmed.setdefault(finding_id, words)
        facts.negated.discard(finding_id)
    for finding_id, options in measures.items():
        for measure in options:
            if measure.holds(numbers):
                facts.affirmed.setdefault(finding_id, measure.describe(numbers))
                facts.negated.discard(finding_id)
                break
    return facts


__all__ = ["Facts", "Measure", "parse_measures", "read_facts", "read_numbers"]
