"""Model text cannot invent medication facts (pure).

A model may only *phrase* what the rules decided. :func:`verify_text` splits a model explanation
into sentences and keeps a sentence only when every clinical claim in it is backed by the rule
output for this patient or by the formulary:

- a contraindication / "must not use" claim about a drug needs a contraindicated or major alert
  (or an exclusion) for that drug;
- an allergy or cross-reaction claim needs an ``allergy`` alert for that drug;
- an interaction claim ("合用", "interaction") needs an ``interaction`` alert naming the drug;
- a dose ("500 mg") needs to be the rules' dose for that drug or inside its formulary range;
- a drug the rules did not offer or exclude may not be introduced at all.

Anything else is removed (the caller shows the rules' own text, which is always present in the
result). Deterministic, no I/O, a few milliseconds per sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from appliance.clinical._text import compact
from appliance.clinical.meds_model import Drug

__all__ = ["RuleFacts", "Verified", "verify_text"]

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_CONTRA = re.compile(
    r"禁用|禁忌|不能用|不可用|不得用|不宜|避免使用|慎用|contraindicat|must not|do not use|avoid",
    re.I,
)
_ALLERGY = re.compile(r"过敏|交叉|allerg|cross[- ]?react", re.I)
_INTERACT = re.compile(r"相互作用|合用|联用|同用|同服|interact|together with|combined with", re.I)
_DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*(mg|毫克|g|克|μg|ug|mcg|微克)(?![a-z])", re.I)
_UNIT_MG = {"mg": 1.0, "毫克": 1.0, "g": 1000.0, "克": 1000.0, "μg": 0.001, "ug": 0.001,
            "mcg": 0.001, "微克": 0.001}  # fmt: skip


@dataclass(frozen=True)
class RuleFacts:
    """What the rules said, per canonical drug name (``Drug.name_zh``)."""

    offered: dict[str, tuple[float | None, str]] = field(default_factory=dict)
    """Drug → (rule dose in mg, regimen text) for the options the rules allow."""
    excluded: frozenset[str] = frozenset()
    alerts: tuple[tuple[str, str, tuple[str, ...], str], ...] = ()
    """(type, severity, drugs, message) of every rule alert shown with the result."""


@dataclass(frozen=True)
class Verified:
    text: str
    removed: tuple[str, ...]
    """The reason for each removed sentence (never the sentence: it may be wrong)."""


@lru_cache(maxsize=2048)
def _names(drug: Drug) -> tuple[str, ...]:
    raw: Iterable[str] = (drug.name_zh, drug.inn, *drug.brands, *drug.aliases)
    return tuple(n for n in (compact(x) for x in raw) if len(n) >= 2)


def _mentions(sentence: str, drugs: Sequence[Drug]) -> list[Drug]:
    key = compact(sentence)
    found: dict[str, tuple[int, Drug]] = {}
    for drug in drugs:
        for n in _names(drug):
            if n in key:
                old = found.get(drug.name_zh)
                if old is None or len(n) > old[0]:
                    found[drug.name_zh] = (len(n), drug)
    # "阿莫西林克拉维酸钾" also contains "阿莫西林": keep the longest matches only.
    hits = sorted(found.values(), key=lambda t: -t[0])
    kept: list[tuple[int, Drug]] = []
    for length, drug in hits:
        if not any(
            compact(drug.name_zh) in compact(other.name_zh) and drug.name_zh != other.name_zh
            for _, other in kept
        ):
            kept.append((length, drug))
    return [d for _, d in kept]


def _alerts_for(facts: RuleFacts, name: str, types: set[str] | None = None) -> list[str]:
    return [
        msg
        for kind, _sev, drugs, msg in facts.alerts
        if name in drugs and (types is None or kind in types)
    ]


def _serious_for(facts: RuleFacts, name: str) -> bool:
    return name in facts.excluded or any(
        name in drugs and sev in ("contraindicated", "major") for _k, sev, drugs, _m in facts.alerts
    )


def _dose_ok(mg: float, drug: Drug, facts: RuleFacts) -> bool:
    rule_dose, regimen = facts.offered.get(drug.name_zh, (None, ""))
    if rule_dose is not None and abs(rule_dose - mg) < 1e-6:
        return True
    if re.search(rf"(?<![\d.]){mg:g}\s*(mg|g|毫克|克)", regimen):
        return True
    lo, hi = drug.adult_dose_min_mg, drug.adult_dose_max_mg
    return lo is not None and hi is not None and lo - 1e-6 <= mg <= hi + 1e-6


def _check(sentence: str, drugs: Sequence[Drug], facts: RuleFacts) -> str | None:
    """``None`` when the sentence may stay; else why it goes."""
    named = _mentions(sentence, drugs)
    known = set(facts.offered) | set(facts.excluded)
    context = compact(" ".join(msg for *_x, msg in facts.alerts))
    for d in named:
        if d.name_zh in known or _alerts_for(facts, d.name_zh):
            continue
        if any(n in context for n in _names(d)):
            continue  # named by the rules' own text (e.g. the allergen 青霉素)
        return f"introduces {d.inn}, which the rules did not offer"
    claims_allergy = bool(_ALLERGY.search(sentence))
    claims_contra = bool(_CONTRA.search(sentence))
    claims_interaction = bool(_INTERACT.search(sentence))
    # The subject of a claim is any drug in the sentence that the rules offered or excluded;
    # an allergen named in passing (青霉素类过敏者) is a drug the rules did not act on.
    subjects = [d for d in named if d.name_zh in known] or named
    for d in subjects:
        if claims_allergy and not _alerts_for(facts, d.name_zh, {"allergy"}):
            return f"allergy/cross-reaction claim about {d.inn} not in the rules"
        if claims_contra and not claims_allergy and not _serious_for(facts, d.name_zh):
            return f"contraindication claim about {d.inn} not in the rules"
        if claims_interaction and not _alerts_for(facts, d.name_zh, {"interaction"}):
            return f"interaction claim about {d.inn} not in the rules"
    for m in _DOSE.finditer(sentence):
        mg = float(m.group(1)) * _UNIT_MG[m.group(2).lower()]
        if not subjects:
            return "dose without a drug"
        if not any(_dose_ok(mg, d, facts) for d in subjects):
            return f"dose {m.group(0)} not supported for {subjects[0].inn}"
    if (claims_allergy or claims_contra or claims_interaction) and not subjects:
        return "clinical claim without a drug the rules assessed"
    return None


def verify_text(text: str, drugs: Sequence[Drug], facts: RuleFacts) -> Verified:
    """Keep only the sentences of ``text`` whose claims the rule output supports."""
    kept: list[str] = []
    removed: list[str] = []
    for m in _SENTENCE.finditer(text or ""):
        sentence = m.group(0)
        if not sentence.strip():
            continue
        verdict = _check(sentence, drugs, facts)
        if verdict is None:
            kept.append(sentence)
        else:
            removed.append(verdict)
    return Verified("".join(kept).strip(), tuple(removed))
