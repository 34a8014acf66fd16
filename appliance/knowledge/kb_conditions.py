"""The differential-diagnosis catalog (``docs/clinician/conditions.toml``) and its scoring.

Findings are matched on the record's text with negation awareness (无发热, 否认胸痛, 未闻及啰音
make a finding count *against*), and vitals expressions (``sbp>=140``) on the record's vitals,
values written in the text (血压 150/95, 体温 38.5, 血糖 12.3) and the patient's age.
"""

from __future__ import annotations

import operator
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_VITAL_EXPR = re.compile(r"^\s*([a-z_0-9]+)\s*(>=|<=|>|<)\s*([\d.]+)\s*$")
_NEGATION = re.compile(
    r"(无|否认|不伴|未见|未闻及|未触及|没有|未诉|未)(明显)?([^，,。；;]{0,12}、)*[^，,。；;、]{0,2}$"
)
_TEXT_VITALS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("sbp", re.compile(r"(?:血压|BP)[:：\s]*(\d{2,3})\s*/\s*\d{2,3}", re.I), 1),
    ("dbp", re.compile(r"(?:血压|BP)[:：\s]*\d{2,3}\s*/\s*(\d{2,3})", re.I), 1),
    ("temp", re.compile(r"(?:体温|T)[:：\s]*(3\d(?:\.\d)?|4[0-2](?:\.\d)?)\s*(?:℃|度|°C)?"), 1),
    ("glucose", re.compile(r"血糖[:：\s]*(\d{1,2}(?:\.\d)?)\s*(?:mmol)?"), 1),
    ("spo2", re.compile(r"(?:血氧(?:饱和度)?|SpO2)[:：\s]*(\d{2,3})\s*%?", re.I), 1),
    ("hr", re.compile(r"(?:心率|脉搏|HR|P)[:：\s]*(\d{2,3})\s*次", re.I), 1),
    ("rr", re.compile(r"(?:呼吸|R)[:：\s]*(\d{1,2})\s*次", re.I), 1),
)


@dataclass(frozen=True)
class Finding:
    text: str
    weight: float = 1.0
    pattern: re.Pattern[str] | None = None
    vital: tuple[str, str, float] | None = None


@dataclass(frozen=True)
class Condition:
    id: str
    name: str
    icd10: str
    doc: str
    section: str
    findings_for: tuple[Finding, ...]
    findings_against: tuple[Finding, ...]
    next_steps: tuple[str, ...]
    treatment: tuple[str, ...]
    refer_if: tuple[Finding, ...]
    refer: bool = False


@dataclass
class ConditionScore:
    condition: Condition
    score: float = 0.0
    found_for: list[str] = field(default_factory=list)
    found_against: list[str] = field(default_factory=list)
    refer_reasons: list[str] = field(default_factory=list)

    @property
    def net(self) -> float:
        return self.score - 1.5 * len(self.found_against)


def _finding(row: dict[str, Any]) -> Finding:
    vital = None
    if "vital" in row:
        match = _VITAL_EXPR.match(row["vital"])
        if not match:
            raise ValueError(f"bad vital expression: {row['vital']}")
        vital = (match.group(1), match.group(2), float(match.group(3)))
    pattern = re.compile(row["match"], re.I) if "match" in row else None
    return Finding(row["text"], float(row.get("weight", 1)), pattern, vital)


@lru_cache(maxsize=1)
def conditions() -> tuple[Condition, ...]:
    text = (
        resources.files("appliance.knowledge")
        .joinpath("docs", "clinician", "conditions.toml")
        .read_text("utf-8")
    )
    out = []
    for row in tomllib.loads(text)["condition"]:
        out.append(
            Condition(
                id=row["id"],
                name=row["name"],
                icd10=row["icd10"],
                doc=row["doc"],
                section=row["section"],
                findings_for=tuple(_finding(r) for r in row.get("for", [])),
                findings_against=tuple(_finding(r) for r in row.get("against", [])),
                next_steps=tuple(row.get("next_steps", [])),
                treatment=tuple(row.get("treatment", [])),
                refer_if=tuple(_finding(r) for r in row.get("refer_if", [])),
                refer=bool(row.get("refer", False)),
            )
        )
    return tuple(out)


def vitals_from(record: dict[str, Any], text: str) -> dict[str, float]:
    """Vitals from the record, then values written in the text, plus the patient's age."""
    values: dict[str, float] = {}
    for name, pattern, group in _TEXT_VITALS:
        match = pattern.search(text)
        if match:
            values[name] = float(match.group(group))
    for key, value in (record.get("vitals") or {}).items():
        if isinstance(value, int | float):
            values[key] = float(value)
    age = (record.get("patient") or {}).get("age")
    if isinstance(age, int | float):
        values["age"] = float(age)
    return values


def _matches(finding: Finding, text: str, vitals: dict[str, float]) -> str:
    """'yes', 'negated' or '' for one finding."""
    if finding.vital is not None:
        name, op, threshold = finding.vital
        return "yes" if name in vitals and _OPS[op](vitals[name], threshold) else ""
    assert finding.pattern is not None
    result = ""
    for match in finding.pattern.finditer(text):
        clause_start = max(text.rfind(ch, 0, match.start()) for ch in "，,。；;\n") + 1
        if _NEGATION.search(text[clause_start : match.start()]):
            result = "negated"
            continue
        return "yes"
    return result


def score_condition(condition: Condition, text: str, vitals: dict[str, float]) -> ConditionScore:
    scored = ConditionScore(condition)
    for finding in condition.findings_for:
        state = _matches(finding, text, vitals)
        if state == "yes":
            scored.score += finding.weight
            scored.found_for.append(finding.text)
        elif state == "negated" and finding.weight >= 2:
            scored.found_against.append(f"无{finding.text}")
    for finding in condition.findings_against:
        if _matches(finding, text, vitals) == "yes":
            scored.found_against.append(finding.text)
    for finding in condition.refer_if:
        if _matches(finding, text, vitals) == "yes":
            scored.refer_reasons.append(finding.text)
    return scored


def rank_conditions(
    text: str, vitals: dict[str, float], min_score: float = 3.0
) -> list[ConditionScore]:
    """Conditions with at least ``min_score`` supporting weight, best net score first."""
    scored = [score_condition(c, text, vitals) for c in conditions()]
    kept = [s for s in scored if s.score >= min_score]
    return sorted(kept, key=lambda s: (-s.net, -s.score, s.condition.id))
