"""Class- and mechanism-keyed drug interaction checks (pure).

A rule names targets, not pairs: ``class:<name>`` matches every formulary drug whose ``classes``
carry that ATC class or mechanism property (``strong_cyp3a4_inhibitor``, ``qt_known_risk``,
``serotonergic``, ``cns_active``…), so a drug added to the formulary with the right classes is
covered by every rule at once. Targets are parsed once per rule text (cached); a 10-drug check
stays in the low milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations, permutations

from appliance.clinical._text import normalize
from appliance.clinical.meds_model import (
    Alert,
    CountRule,
    Drug,
    InteractionRule,
    MedsKnowledge,
    PatientInfo,
)

__all__ = ["interaction_alerts", "matches", "parse_targets"]


@lru_cache(maxsize=4096)
def parse_targets(
    spec: str,
) -> tuple[frozenset[str], frozenset[str], tuple[str, ...], frozenset[str]]:
    """``"warfarin|class:nsaid|cond:asthma|=nifedipine"`` → (molecule ids, classes, condition
    groups, exact ids). A plain id also matches that molecule's modified-release rows
    (``parent``); ``=id`` matches that one product only (e.g. immediate-release nifedipine)."""
    ids: set[str] = set()
    exact: set[str] = set()
    classes: set[str] = set()
    conds: list[str] = []
    for raw in spec.split("|"):
        t = raw.strip()
        if not t:
            continue
        if t.startswith("class:"):
            classes.add(t[6:])
        elif t.startswith("cond:"):
            conds.append(t[5:])
        elif t.startswith("="):
            exact.add(t[1:])
        else:
            ids.add(t)
    return frozenset(ids), frozenset(classes), tuple(conds), frozenset(exact)


def matches(drug: Drug, spec: str) -> bool:
    ids, classes, _, exact = parse_targets(spec)
    return (
        drug.id in ids
        or drug.id in exact
        or (drug.parent != "" and drug.parent in ids)
        or bool(classes.intersection(drug.classes))
    )


def _has_condition(patient: PatientInfo, spec: str, kb: MedsKnowledge) -> bool:
    texts = [normalize(c) for c in patient.conditions]
    for group in parse_targets(spec)[2]:
        terms = kb.condition_groups.get(group, ())
        if any(normalize(term) in text for text in texts for term in terms):
            return True
    return False


_FEMALE = {"f", "female", "女", "woman", "w"}
_MALE = {"m", "male", "男", "man"}


def _population_ok(
    patient: PatientInfo, min_age: float | None, egfr_below: float | None, sex: str = ""
) -> bool:
    if min_age is not None and (patient.age is None or patient.age < min_age):
        return False
    if egfr_below is not None and (patient.egfr is None or patient.egfr >= egfr_below):
        return False
    if sex:
        given = (patient.sex or "").strip().lower()
        wanted = _FEMALE if sex == "F" else _MALE
        if given not in wanted:
            return False
    return True


def _alert(rule: InteractionRule | CountRule, names: Sequence[str], kb: MedsKnowledge) -> Alert:
    return Alert(
        "interaction",
        rule.severity,
        tuple(names),
        rule.message_zh,
        rule.message_en,
        kb.cite(rule.source),
        rule.id,
    )


def _triple(drugs: Sequence[Drug], rule: InteractionRule) -> tuple[Drug, Drug, Drug] | None:
    for x, y, z in permutations(drugs, 3):
        if len({x.id, y.id, z.id}) < 3:
            continue
        if matches(x, rule.a) and matches(y, rule.b) and matches(z, rule.c):
            return x, y, z
    return None


def _pair_alerts(
    drugs: Sequence[Drug], patient: PatientInfo, kb: MedsKnowledge, rule: InteractionRule
) -> list[Alert]:
    if rule.b.startswith("cond:"):
        if not _has_condition(patient, rule.b, kb):
            return []
        return [_alert(rule, (d.name_zh,), kb) for d in drugs if matches(d, rule.a)]
    if rule.c:
        found = _triple(drugs, rule) if len(drugs) >= 3 else None
        return [_alert(rule, [d.name_zh for d in found], kb)] if found else []
    in_a = [matches(d, rule.a) for d in drugs]
    if not any(in_a):
        return []
    in_b = [matches(d, rule.b) for d in drugs]
    if not any(in_b):
        return []
    out: list[Alert] = []
    for i, j in combinations(range(len(drugs)), 2):
        if not ((in_a[i] and in_b[j]) or (in_a[j] and in_b[i])):
            continue
        d1, d2 = drugs[i], drugs[j]
        if (d1.parent or d1.id) == (d2.parent or d2.id):
            continue
        out.append(_alert(rule, (d1.name_zh, d2.name_zh), kb))
    return out


def _count_alerts(drugs: Sequence[Drug], patient: PatientInfo, kb: MedsKnowledge) -> list[Alert]:
    out: list[Alert] = []
    for rule in kb.count_rules:
        if not _population_ok(patient, rule.min_age, None):
            continue
        hit: dict[str, str] = {}
        for d in drugs:
            if matches(d, rule.target):
                hit.setdefault(d.parent or d.id, d.name_zh)
        if len(hit) >= rule.min_count:
            out.append(_alert(rule, sorted(hit.values()), kb))
    return out


def interaction_alerts(
    drugs: Sequence[Drug], patient: PatientInfo, kb: MedsKnowledge
) -> list[Alert]:
    """Every interaction rule (pairs, triples, patient conditions) and count rule that fires."""
    alerts: list[Alert] = []
    for rule in kb.interactions:
        if not _population_ok(patient, rule.min_age, rule.egfr_below, rule.sex):
            continue
        alerts.extend(_pair_alerts(drugs, patient, kb, rule))
    alerts.extend(_count_alerts(drugs, patient, kb))
    return alerts
