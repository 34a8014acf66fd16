"""Low-risk rules: a finding the criteria themselves clear when every low-risk condition is told.

A head injury is level 3 by default (imaging may be needed). NICE NG232, the Canadian CT Head
Rule and PECARN say when it is not: no loss of consciousness, no vomiting, and behaving normally
(no headache, no amnesia), past infancy (age 65 or more is a CT criterion only with a loss of
consciousness or amnesia, NICE). When a complaint states every one of
those conditions, the head injury is a minor one (ESI v4: no resources, level 4) and its finding
is replaced by the row's level-4 finding; anything high-risk that was told (a fall on an
anticoagulant, vomiting, a worse headache) fires its own finding and keeps its level.

The same mechanism clears other findings the criteria themselves grade as minor: a WHO category II
rabies exposure or a later vaccine dose, Westley mild croup, a reproducible chest-wall pain in a
young adult, a known panic disorder's usual attack, and a hypoglycaemia whose glucose measured now
is normal (a row may require a vital sign at or above a value: a number outranks a word).
Conditions are groups of phrases (``triage_findings.toml`` ``[[low_risk]]``); a group holds when
one of its phrases is told in the complaint — a positive phrase under a negation ("不发烧" for
"发烧") does not hold its group, a phrase that is itself a negative statement ("没有怪声") holds
as written; several rows may clear one finding. A row with ``lasted_days`` clears a finding told
as lasting at least that long ("左手没劲三四年了": a deficit of years is no stroke alert), and then
every other mention of it in the complaint. Nothing is cleared when the age is unknown (pure).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from appliance.clinical._text import NEG_CHARS, _clause_bounds, _is_negated_en, _is_negated_zh
from appliance.clinical.findings import Finding
from appliance.clinical.findings_match import spans
from appliance.clinical.findings_text import DURATION, duration_days, fold


@dataclass(frozen=True)
class LowRisk:
    """Replace finding ``id`` by ``to`` when every group of ``groups`` is told."""

    id: str
    to: str
    groups: tuple[tuple[str, ...], ...]
    source: str
    min_age: float | None = None
    max_age: float | None = None
    #: signs that, told as present, keep the finding ("头有点痛": a headache now)
    none: tuple[str, ...] = ()
    #: a vital sign that must be measured at ``vital_min`` or more (a treated hypoglycaemia:
    #: glucose ≥ 4.0 mmol/L now); a measured number outranks a word
    vital: str | None = None
    vital_min: float | None = None
    #: the finding told as lasting at least this many days ("左手没劲三四年了"): a deficit of months
    #: or years is not the sudden one the finding names (BE-FAST: sudden onset)
    lasted_days: float | None = None


def cleared(
    findings: Sequence[Finding],
    rules: Sequence[LowRisk],
    text: str,
    age: float | None,
    vitals: Mapping[str, float] | None = None,
) -> list[Finding]:
    """``findings`` with each one that a low-risk rule clears replaced by that rule's finding."""
    if not rules or age is None:
        return list(findings)
    folded = fold(text)
    # a deficit told once as lasting months is the same deficit wherever else it is named
    # ("左手没劲三四年了，拿不住筷子"): its other mentions are cleared by the same row
    long_told = {
        r.id: r
        for f in findings
        for r in rules
        if r.id == f.id
        and r.lasted_days is not None
        and lasted(folded, f.span[1], r.lasted_days)
        and _holds(r, folded, age, vitals or {})
    }
    out: list[Finding] = []
    for finding in findings:
        # several rows may clear one finding (a bite: no bleeding, or a later vaccine dose)
        rule = next(
            (
                r
                for r in rules
                if r.id == finding.id
                and r.lasted_days is None
                and _holds(r, folded, age, vitals or {})
            ),
            long_told.get(finding.id),
        )
        if rule is not None:
            finding = dataclasses.replace(finding, id=rule.to)
        out.append(finding)
    return out


def _holds(rule: LowRisk, folded: str, age: float, vitals: Mapping[str, float]) -> bool:
    if rule.vital is not None:
        value = vitals.get(rule.vital)
        if value is None or rule.vital_min is None or value < rule.vital_min:
            return False
    if rule.min_age is not None and age < rule.min_age:
        return False
    if rule.max_age is not None and age >= rule.max_age:
        return False
    if any(_told(folded, fold(p)) for p in rule.none):
        return False
    return all(any(_affirmed(folded, fold(p)) for p in group) for group in rule.groups)


def _affirmed(folded: str, phrase: str) -> bool:
    """``phrase`` is in ``folded`` and, unless it is itself a negative statement ("没有怪声",
    "不发烧", "no vomiting"), told at least once outside a negation: "能吃能玩" holds, "不能吃"
    does not; "不发烧" does not hold the group word "发烧", "no fever" not "fever"."""
    english = phrase.isascii()
    if english:
        if _NEG_WORD_EN.search(phrase):
            return phrase in folded
    elif any(ch in NEG_CHARS for ch in phrase):
        return phrase in folded
    start = folded.find(phrase)
    while start >= 0:
        c_start, _ = _clause_bounds(folded, start)
        before = folded[c_start:start]
        if not (_is_negated_en(before) if english else _is_negated_zh(before)):
            return True
        start = folded.find(phrase, start + 1)
    return False


# the next clause that is only the duration ("，两三个月了", "，都好几年了")
_DURATION_CLAUSE = re.compile(r"[，,]\s*(?:已经|都|有|快|差不多|大概|也)?(?=\S)")


def lasted(folded: str, end: int, days: float) -> bool:
    """A duration of at least ``days`` told in the clause of a finding ending at ``end`` (after
    it), or as the whole next clause ("左手没劲，三四年了")."""
    _, c_end = _clause_bounds(folded, max(end - 1, 0))
    rest = folded[end:c_end]
    found = DURATION.search(rest)
    if found is None:
        after = _DURATION_CLAUSE.match(folded, c_end)
        if after is not None:
            found = DURATION.match(folded, after.end())
    told = None if found is None else duration_days(found)
    return told is not None and told >= days


_NEG_WORD_EN = re.compile(r"\b(no|not|never|without|denies|nor)\b|n't")


def _told(folded: str, sign: str) -> bool:
    """``sign`` affirmed in ``folded``; a two-character Chinese sign may hold up to three
    characters between its halves ("头有点痛", "头还疼"), never a negation or a break."""
    if sign.isascii() or len(sign) != 2:
        return any(not negated for _s, _e, negated in spans(folded, sign))
    gap = rf"[^\s，,。；;、:：!?！？{NEG_CHARS}]{{0,3}}"
    for m in re.finditer(re.escape(sign[0]) + gap + re.escape(sign[1]), folded):
        c_start, _ = _clause_bounds(folded, m.start())
        if not _is_negated_zh(folded[c_start : m.start()]):
            return True
    return False


__all__ = ["LowRisk", "cleared", "lasted"]
