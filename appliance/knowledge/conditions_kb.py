"""The condition knowledge base of decision support (``data/conditions/*.toml``), loaded and checked.

    from appliance.knowledge.conditions_kb import condition_kb
    kb = condition_kb()
    kb.conditions, kb.findings, kb.vocabulary, kb.measures, kb.danger_signs

Loading refuses a catalog that names a finding the vocabulary lacks, a source key missing from
``sources.toml``, an unknown field or scope — so a typo fails the unit tests, not a consultation.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from appliance.clinical.differential import ConditionDef, FindingDef
from appliance.clinical.differential_facts import Measure, parse_measures
from appliance.clinical.findings import Concept, Vocabulary
from appliance.clinical.findings_near import DurationRule, NearRule
from appliance.knowledge.catalogs import sources

FILES = (
    "respiratory",
    "cardiovascular",
    "digestive",
    "neuro_mental",
    "urogenital",
    "endocrine_blood",
    "msk_skin",
    "children_general",
)
_FIELDS = {
    "id", "name", "icd10", "scope", "key", "for", "against", "tests", "manage", "referral",
    "source", "aliases", "require_any", "must_not_miss", "alarm", "prior", "refer_if", "sex", "age", "drugs",
}  # fmt: skip
#: danger signs that refer whatever the diagnosis (IMCI general danger signs; qSOFA; WHO PEN)
DANGER_SIGNS = ("shock", "hypotension", "confusion", "hypoxia_severe", "seizure")


@dataclass(frozen=True)
class ConditionKB:
    conditions: tuple[ConditionDef, ...]
    findings: dict[str, FindingDef]
    vocabulary: Vocabulary
    measures: dict[str, tuple[Measure, ...]]
    danger_signs: tuple[str, ...]
    near: tuple[NearRule, ...] = ()
    unexplained: tuple[str, ...] = ()
    durations: tuple[DurationRule, ...] = ()

    def get(self, condition_id: str) -> ConditionDef:
        for c in self.conditions:
            if c.id == condition_id:
                return c
        raise KeyError(condition_id)


def _read(name: str) -> dict[str, Any]:
    path = resources.files("appliance.knowledge").joinpath("data", "conditions", f"{name}.toml")
    return tomllib.loads(path.read_text("utf-8"))


def _condition(row: dict[str, Any], system: str, known: dict[str, FindingDef]) -> ConditionDef:
    where = f"{system}.toml:{row.get('id')}"
    unknown = set(row) - _FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
    if row["scope"] not in ("township", "refer"):
        raise ValueError(f"{where}: scope must be township or refer")
    named = [
        *row["key"],
        *row.get("require_any", []),
        *row["for"],
        *row.get("against", {}),
        *row.get("refer_if", []),
    ]
    missing = [f for f in named if f not in known]
    if missing:
        raise ValueError(f"{where}: finding(s) not in findings.toml: {missing}")
    if not set(row["key"]) <= set(row["for"]):
        raise ValueError(f"{where}: every key finding must also be a 'for' finding")
    table = sources()
    bad = [k for k in row["source"].split(";") if k.strip() not in table]
    if bad:
        raise ValueError(f"{where}: source key(s) not in sources.toml: {bad}")
    age = row.get("age")
    return ConditionDef(
        id=row["id"],
        name=row["name"],
        icd10=row["icd10"],
        scope=row["scope"],
        key=tuple(row["key"]),
        findings_for={k: float(v) for k, v in row["for"].items()},
        findings_against={k: float(v) for k, v in row.get("against", {}).items()},
        tests=tuple(row["tests"]),
        manage=row["manage"],
        referral=row["referral"],
        source=row["source"],
        system=system,
        must_not_miss=bool(row.get("must_not_miss", False)),
        alarm=float(row.get("alarm", 4.0)),
        prior=float(row.get("prior", 0.0)),
        refer_if=tuple(row.get("refer_if", ())),
        sex=row.get("sex"),
        age=(float(age[0]), float(age[1])) if age else None,
        drugs=tuple(row.get("drugs", ())),
        aliases=tuple(row.get("aliases", ())),
        require_any=tuple(row.get("require_any", ())),
    )


@lru_cache(maxsize=1)
def condition_kb() -> ConditionKB:
    """The whole knowledge base (cached; raises ``ValueError`` on an inconsistent catalog)."""
    vocab = _read("findings")
    rows = vocab["finding"]
    findings: dict[str, FindingDef] = {}
    concepts: list[Concept] = []
    measures: dict[str, tuple[Measure, ...]] = {}
    near: list[NearRule] = []
    durations: list[DurationRule] = []
    for fid, row in rows.items():
        if "duration" in row:
            d = row["duration"]
            durations.append(DurationRule(fid, tuple(d["sites"]), float(d["min_days"])))
        rules = row.get("near", [])
        for rule in [rules] if isinstance(rules, dict) else rules:
            near.append(NearRule(fid, tuple(rule["sites"]), tuple(rule["heads"]),
                                 int(rule.get("window", 12))))  # fmt: skip
        findings[fid] = FindingDef(fid, row["zh"])
        concepts.append(
            Concept(
                fid,
                tuple(row.get("terms", ())),
                tuple(row.get("unless", ())),
                tuple(row.get("requires", ())),
            )
        )
        if "measure" in row:
            measures[fid] = parse_measures(row["measure"])
    conditions: list[ConditionDef] = []
    for name in FILES:
        conditions.extend(_condition(r, name, findings) for r in _read(name)["condition"])
    ids = [c.id for c in conditions]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate condition ids in data/conditions")
    unexplained = tuple(vocab.get("unexplained", ()))
    missing = [d for d in (*DANGER_SIGNS, *unexplained) if d not in findings]
    if missing:
        raise ValueError(f"danger signs / unexplained findings not in findings.toml: {missing}")
    return ConditionKB(tuple(conditions), findings, Vocabulary(tuple(concepts)), measures,
                       DANGER_SIGNS, tuple(near), unexplained, tuple(durations))  # fmt: skip


__all__ = ["DANGER_SIGNS", "FILES", "ConditionKB", "condition_kb"]
