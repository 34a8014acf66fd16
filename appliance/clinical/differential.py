"""Differential diagnosis from findings, with must-not-miss conditions and referral (pure).

Each :class:`ConditionDef` (data: ``appliance/knowledge/data/conditions/*.toml``, cited) weighs
findings *for* and *against* it. A condition is a candidate only when one of its ``key``
(cardinal) findings is affirmed (and one of ``require_any``, when given) and its sex/age range
fits. Its score is

    prior + Σ weight(affirmed for) − Σ weight(affirmed against) − ½ Σ weight(denied for, ≥ 2)

so a pertinent negative ("无发热", "未闻及湿啰音") counts against a condition that expects it.

Knowing its limits (:func:`assess`):

- a **must-not-miss** condition (ACS, dissection, PE, ectopic pregnancy, perforation, …) whose
  score reaches its ``alarm`` level is listed and makes ``refer`` true, whatever its rank;
- a condition **beyond township care** (``scope = "refer"``) that leads, or is in the top three
  with at least :data:`RELATIVE` of the leading score, refers;
- such a close township condition refers when one of its ``refer_if`` findings is present;
- general danger signs (shock, altered consciousness, severe hypoxia) always refer;
- two or more significant objective abnormalities (``unexplained``: anaemia, jaundice, a mass,
  proteinuria, an effusion …) that the leading township condition does not account for refer:
  the picture needs a diagnosis the clinic cannot make;
- when the findings are thin, :attr:`Assessment.ask` names what to ask or examine next — the
  strongest findings of the leading candidates that the record neither states nor denies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from appliance.clinical.differential_facts import Facts

Scope = Literal["township", "refer"]

MIN_SCORE = 2.0  # a candidate below this is not shown
DEFAULT_ALARM = 4.0  # a must-not-miss condition at or above this score is "plausible"
REFER_MIN_SCORE = 3.0  # a beyond-township condition in the top three refers from this score
RELATIVE = 0.6  # ... and only when it scores at least this fraction of the leading condition
THIN_SCORE = 4.0  # a leading score below this means "not enough information"
TOP = 5


@dataclass(frozen=True)
class FindingDef:
    id: str
    zh: str


@dataclass(frozen=True)
class ConditionDef:
    id: str
    name: str
    icd10: str
    scope: Scope
    key: tuple[str, ...]
    findings_for: Mapping[str, float]
    findings_against: Mapping[str, float]
    tests: tuple[str, ...]
    manage: str
    referral: str
    source: str
    system: str = ""
    must_not_miss: bool = False
    alarm: float = DEFAULT_ALARM
    prior: float = 0.0
    refer_if: tuple[str, ...] = ()
    sex: str | None = None
    age: tuple[float, float] | None = None
    drugs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    #: when set, one of these must also be affirmed (exposure *and* reaction, fever *and* joint)
    require_any: tuple[str, ...] = ()


@dataclass
class Scored:
    condition: ConditionDef
    score: float = 0.0
    found_for: list[str] = field(default_factory=list)
    found_against: list[str] = field(default_factory=list)
    evidence: list[dict[str, object]] = field(default_factory=list)
    refer_findings: list[str] = field(default_factory=list)

    @property
    def plausible_alarm(self) -> bool:
        return self.condition.must_not_miss and self.score >= self.condition.alarm


@dataclass
class Assessment:
    ranked: list[Scored]
    must_not_miss: list[Scored]
    refer_reasons: list[str]
    thin: bool
    ask: list[str]

    @property
    def refer(self) -> bool:
        return bool(self.refer_reasons)


def _fits(condition: ConditionDef, facts: Facts) -> bool:
    if condition.sex and facts.sex and facts.sex != condition.sex:
        return False
    age = facts.age
    return not (
        condition.age and age is not None and not (condition.age[0] <= age <= condition.age[1])
    )


def score_condition(
    condition: ConditionDef, facts: Facts, names: Mapping[str, FindingDef]
) -> Scored | None:
    """The condition's score on these facts, or ``None`` when it is not a candidate."""
    if not _fits(condition, facts) or not any(k in facts.affirmed for k in condition.key):
        return None
    if condition.require_any and not any(k in facts.affirmed for k in condition.require_any):
        return None
    scored = Scored(condition, condition.prior)
    for fid, weight in condition.findings_for.items():
        zh = names[fid].zh
        if fid in facts.affirmed:
            scored.score += weight
            scored.found_for.append(zh)
            scored.evidence.append({"finding": fid, "side": "for", "weight": weight,
                                    "text": facts.affirmed[fid]})  # fmt: skip
        elif fid in facts.negated and weight >= 2:
            scored.score -= weight / 2
            scored.found_against.append(f"无{zh}")
            scored.evidence.append({"finding": fid, "side": "denied", "weight": -weight / 2})
    for fid, weight in condition.findings_against.items():
        if fid in facts.affirmed:
            scored.score -= weight
            scored.found_against.append(names[fid].zh)
            scored.evidence.append({"finding": fid, "side": "against", "weight": -weight,
                                    "text": facts.affirmed[fid]})  # fmt: skip
    scored.refer_findings = [names[f].zh for f in condition.refer_if if f in facts.affirmed]
    scored.score = round(scored.score, 2)
    return scored


def rank(
    conditions: tuple[ConditionDef, ...],
    facts: Facts,
    names: Mapping[str, FindingDef],
    min_score: float = MIN_SCORE,
) -> list[Scored]:
    """Candidates with at least ``min_score``, best first."""
    scored = [s for c in conditions if (s := score_condition(c, facts, names)) is not None]
    kept = [s for s in scored if s.score >= min_score]
    return sorted(kept, key=lambda s: (-s.score, not s.condition.must_not_miss, s.condition.id))


def _ask(ranked: list[Scored], facts: Facts, names: Mapping[str, FindingDef], n: int) -> list[str]:
    """The strongest findings of the leading candidates that the record leaves open."""
    weights: dict[str, float] = {}
    for scored in ranked[:3]:
        for fid, weight in scored.condition.findings_for.items():
            if not facts.mentioned(fid) and weight >= 1.5 and not fid.startswith(("hx_", "age")):
                weights[fid] = max(weights.get(fid, 0.0), weight)
    best = sorted(weights, key=lambda f: -weights[f])[:n]
    return [names[f].zh for f in best]


def assess(
    conditions: tuple[ConditionDef, ...],
    facts: Facts,
    names: Mapping[str, FindingDef],
    *,
    danger_signs: tuple[str, ...] = (),
    unexplained: tuple[str, ...] = (),
) -> Assessment:
    """Ranked differentials, plausible must-not-miss conditions, referral reasons, what to ask."""
    every = rank(conditions, facts, names, min_score=float("-inf"))
    ranked = [s for s in every if s.score >= MIN_SCORE]
    alarms = [s for s in ranked if s.plausible_alarm]
    reasons: list[str] = []
    for s in alarms:
        reasons.append(f"考虑{s.condition.name}（必须排除的危重情况）：{s.condition.referral}")
    lead = ranked[0].score if ranked else 0.0
    for position, s in enumerate(ranked[:3]):
        c = s.condition
        close = position == 0 or s.score >= max(REFER_MIN_SCORE, RELATIVE * lead)
        if not close:
            continue
        if c.scope == "refer" and not s.plausible_alarm:
            reasons.append(f"{c.name}超出乡镇卫生院诊治范围：{c.referral}")
        if c.scope == "township" and s.refer_findings:
            reasons.append(f"{c.name}伴{'、'.join(s.refer_findings)}：{c.referral}")
    lead_c = ranked[0].condition if ranked else None
    if lead_c is None or lead_c.scope == "township":
        odd = [names[f].zh for f in unexplained
               if f in facts.affirmed and (lead_c is None or f not in lead_c.findings_for)]  # fmt: skip
        if len(odd) >= 2:
            what = lead_c.name if lead_c else "现有病种"
            reasons.append(
                f"多项客观异常（{'、'.join(odd[:4])}）不能用{what}解释，需上级医院明确诊断"
            )
    danger = [names[d].zh for d in danger_signs if d in facts.affirmed]
    if danger:
        reasons.append(f"危险征象：{'、'.join(danger)}，需立即处理并转诊")
    thin = not ranked or ranked[0].score < THIN_SCORE or len(facts.affirmed) < 2
    ask = _ask(every, facts, names, 6) if thin or len(ranked) > 1 else []
    return Assessment(ranked, alarms, list(dict.fromkeys(reasons)), thin, ask)


__all__ = [
    "Assessment",
    "ConditionDef",
    "FindingDef",
    "Scored",
    "assess",
    "rank",
    "score_condition",
]
