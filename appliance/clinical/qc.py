"""Record quality control (病历内涵质控) engine: the rule catalog is data, this interprets it.

``run_qc(record, catalog, context)`` runs every rule that applies to the record's visit type and
returns a :class:`QcReport` — ``score`` (100 minus each finding's points, at most once per rule
and field), ``passed`` (no rule finding of severity ``error`` and score ≥ the catalog's pass
score) and findings with the contract fields (rule, severity, field, message, evidence) plus
category, fix, source and origin. Model findings (origin ``model``) are shown but neither cost
points nor fail a record on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Literal

from appliance.clinical.icd10 import Icd10Table
from appliance.clinical.record import OutpatientRecord

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass(frozen=True)
class QcRule:
    id: str
    category: str
    severity: Severity
    points: float
    field: str
    message_zh: str
    message_en: str
    fix_zh: str
    fix_en: str
    source: str
    visit_types: tuple[str, ...] = ("initial", "followup")
    params: Mapping[str, Any] = dc_field(default_factory=dict)

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh

    def fix(self, lang: str) -> str:
        return self.fix_en if lang == "en" else self.fix_zh


@dataclass(frozen=True)
class QcCatalog:
    rules: tuple[QcRule, ...]
    pass_score: float = 80.0
    grade_a: float = 90.0
    grade_b: float = 75.0
    antibiotic_patterns: tuple[str, ...] = ()
    antibiotic_exclude: tuple[str, ...] = ()
    allergy_classes: tuple[Mapping[str, Any], ...] = ()
    drug_indications: tuple[Mapping[str, Any], ...] = ()
    version: str = ""

    def rule(self, rule_id: str) -> QcRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


_RULE_KEYS = {"id", "category", "severity", "points", "field", "source", "visit_types"}
_TEXT_KEYS = {"message_zh", "message_en", "fix_zh", "fix_en"}


def catalog_from_data(data: Mapping[str, Any]) -> QcCatalog:
    """Build the catalog from the parsed ``qc_rules.toml``."""
    rules = []
    for row in data["rule"]:
        params = {k: v for k, v in row.items() if k not in _RULE_KEYS | _TEXT_KEYS}
        rules.append(
            QcRule(
                id=row["id"],
                category=row["category"],
                severity=row["severity"],
                points=float(row.get("points", 0)),
                field=row["field"],
                message_zh=row["message_zh"],
                message_en=row["message_en"],
                fix_zh=row["fix_zh"],
                fix_en=row["fix_en"],
                source=row["source"],
                visit_types=tuple(row.get("visit_types", ("initial", "followup"))),
                params=params,
            )
        )
    scoring = data.get("scoring", {})
    antibiotic = (data.get("antibiotic") or [{}])[0]
    return QcCatalog(
        rules=tuple(rules),
        pass_score=float(scoring.get("pass_score", 80)),
        grade_a=float(scoring.get("grade_a", 90)),
        grade_b=float(scoring.get("grade_b", 75)),
        antibiotic_patterns=tuple(antibiotic.get("patterns", ())),
        antibiotic_exclude=tuple(antibiotic.get("exclude", ())),
        allergy_classes=tuple(data.get("allergy_class", ())),
        drug_indications=tuple(data.get("drug_indication", ())),
        version=str(data.get("version", "")),
    )


@dataclass(frozen=True)
class MedAlert:
    """A medication-safety alert (from ``check_prescriptions``) for the QC-T02/T03 rules."""

    type: str
    severity: str
    drugs: tuple[str, ...]
    message: str
    source: str = ""


@dataclass
class QcContext:
    icd: Icd10Table | None = None
    med_alerts: Sequence[MedAlert] = ()
    is_antibiotic: Callable[[str], bool] | None = None
    lang: str = "zh"


@dataclass(frozen=True)
class Hit:
    """What a check found: the field, the words (evidence) and an optional detail."""

    field: str
    evidence: str
    detail: str = ""
    spans: tuple[tuple[str, int, int], ...] = ()  # (field, start, end) of the quoted words


@dataclass(frozen=True)
class QcFinding:
    rule: str
    severity: Severity
    field: str
    message: str
    evidence: str
    category: str
    fix: str
    source: str
    origin: Literal["rule", "model"] = "rule"
    spans: tuple[tuple[str, int, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
            "evidence": self.evidence,
            "category": self.category,
            "fix": self.fix,
            "source": self.source,
            "origin": self.origin,
        }
        if self.spans:
            out["spans"] = [{"field": f, "start": a, "end": b} for f, a, b in self.spans]
        return out


@dataclass
class QcReport:
    score: float
    passed: bool
    grade: str
    findings: list[QcFinding]
    catalog_version: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 1),
            "passed": self.passed,
            "grade": self.grade,
            "findings": [f.as_dict() for f in self.findings],
            "catalog_version": self.catalog_version,
        }


Check = Callable[[OutpatientRecord, QcRule, QcCatalog, QcContext], list[Hit]]


def _finding(rule: QcRule, hit: Hit, lang: str, origin: Literal["rule", "model"]) -> QcFinding:
    message = rule.message(lang)
    if hit.detail:
        message = f"{message} {hit.detail}"
    return QcFinding(
        rule=rule.id,
        severity=rule.severity,
        field=hit.field,
        message=message,
        evidence=hit.evidence,
        category=rule.category,
        fix=rule.fix(lang),
        source=rule.source,
        origin=origin,
        spans=hit.spans,
    )


def score_findings(findings: Sequence[QcFinding], catalog: QcCatalog) -> QcReport:
    points = {r.id: r.points for r in catalog.rules}
    deducted: set[tuple[str, str]] = set()
    score = 100.0
    for f in findings:
        key = (f.rule, f.field)
        if f.origin == "rule" and key not in deducted:
            deducted.add(key)
            score -= points.get(f.rule, 0.0)
    score = max(0.0, score)
    blocking = any(f.severity == "error" and f.origin == "rule" for f in findings)
    grade = "甲" if score >= catalog.grade_a else "乙" if score >= catalog.grade_b else "丙"
    ordered = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.rule))
    return QcReport(
        score=score,
        passed=not blocking and score >= catalog.pass_score,
        grade=grade,
        findings=ordered,
        catalog_version=catalog.version,
    )


def run_qc(
    record: OutpatientRecord,
    catalog: QcCatalog,
    context: QcContext | None = None,
    model_hits: Sequence[Hit] = (),
) -> QcReport:
    """Run every applicable rule; ``model_hits`` are the LLM's findings (rule QC-M01)."""
    from appliance.clinical.qc_checks import COMPLETENESS_CHECKS
    from appliance.clinical.qc_checks_treatment import TREATMENT_CHECKS

    checks = {**COMPLETENESS_CHECKS, **TREATMENT_CHECKS}

    ctx = context or QcContext()
    visit = record.visit_type or "initial"
    findings: list[QcFinding] = []
    for rule in catalog.rules:
        check = checks.get(rule.id)
        if check is None or visit not in rule.visit_types:
            continue
        for hit in check(record, rule, catalog, ctx):
            findings.append(_finding(rule, hit, ctx.lang, "rule"))
    model_rule = next((r for r in catalog.rules if r.category == "model"), None)
    if model_rule is not None:
        for hit in model_hits:
            findings.append(_finding(model_rule, hit, ctx.lang, "model"))
    return score_findings(findings, catalog)
