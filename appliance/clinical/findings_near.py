"""Findings written as a body site and a quality apart in one clause (pure), on the shared extractor.

Teaching-case and dictated notes rarely write "胸痛"; they write "胸骨后及背部持续性剧烈疼痛",
"右下腹持续性隐痛", "上腹部阵发性绞痛". A :class:`NearRule` affirms a finding when one of its
``sites`` is followed, within ``window`` characters of the same clause, by one of its
``heads`` (痛, 疼, 闷, 不适 …), unless the clause negates the site ("无腹痛", "否认胸闷"), using the
same clause bounds and negation cues as :mod:`appliance.clinical.findings`; a negation between
them ("肾区无叩击痛") or a negative result after them ("尿常规白细胞(-)") also denies it.

:class:`DurationRule` affirms a finding when a site term is followed in its clause by a duration
of at least ``min_days`` ("咳嗽、咳痰10余年" → chronic cough; "晨僵约2小时" → morning stiffness
over an hour; "咳嗽3天" does not make a two-week cough).

Also :func:`arm_pressure_gap`: systolic pressures written for the left and the right arm
("左上肢BP 180/100mmHg，右上肢BP 150/90mmHg") and their difference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from appliance.clinical._text import _clause_bounds, _is_negated_zh
from appliance.clinical.findings_text import DURATION, duration_days, fold

# A result written after its test negates it: "尿蛋白阴性", "尿酮(-)", "肝功能正常", "B超未见异常".
POST_NEGATION = re.compile(
    r"^\s*[:：]?\s*(?:为|呈)?\s*(?:阴性|[(（]\s*[-－—]\s*[)）]|-(?![\d.])|正常|未见异常|无异常|未见明显异常)"
)
_BETWEEN_NEGATION = re.compile(r"[无未没否]|不(?!适)")


@dataclass(frozen=True)
class NearRule:
    id: str
    sites: tuple[str, ...]
    heads: tuple[str, ...]
    window: int = 12


def near_findings(text: str, rules: tuple[NearRule, ...]) -> dict[str, tuple[str, bool]]:
    """``finding id → (words, negated)``: the first affirmed mention, else the first negated one."""
    folded = fold(text)
    out: dict[str, tuple[str, bool]] = {}
    for rule in rules:
        heads = "|".join(re.escape(fold(h)) for h in sorted(rule.heads, key=len, reverse=True))
        for site in sorted(rule.sites, key=len, reverse=True):
            start = folded.find(fold(site))
            while start >= 0:
                c_start, c_end = _clause_bounds(folded, start)
                end = min(c_end, start + len(site) + rule.window)
                head = re.search(heads, folded[start + len(site) : end])
                if head is not None:
                    head_end = start + len(site) + head.end()
                    words = text[start:head_end]
                    between = folded[start + len(site) : start + len(site) + head.start()]
                    negated = (
                        _is_negated_zh(folded[c_start:start])
                        or bool(_BETWEEN_NEGATION.search(between))
                        or bool(POST_NEGATION.match(folded[head_end : head_end + 12]))
                    )
                    if rule.id not in out or (out[rule.id][1] and not negated):
                        out[rule.id] = (words, negated)
                start = folded.find(fold(site), start + 1)
            if rule.id in out and not out[rule.id][1]:
                break
    return out


@dataclass(frozen=True)
class DurationRule:
    id: str
    sites: tuple[str, ...]
    min_days: float
    window: int = 14


def duration_findings(text: str, rules: tuple[DurationRule, ...]) -> dict[str, str]:
    """``finding id → words`` for each rule whose site is followed by a long enough duration."""
    folded = fold(text)
    out: dict[str, str] = {}
    for rule in rules:
        for site in rule.sites:
            start = folded.find(fold(site))
            while start >= 0 and rule.id not in out:
                c_start, c_end = _clause_bounds(folded, start)
                end = min(c_end, start + len(site) + rule.window)
                if not _is_negated_zh(folded[c_start:start]):
                    for m in DURATION.finditer(folded, start + len(site), end):
                        days = duration_days(m)
                        if days is not None and days >= rule.min_days:
                            out[rule.id] = text[start : m.end()]
                            break
                start = folded.find(fold(site), start + 1)
    return out


_ARM = re.compile(
    r"(左|右)(?:侧)?(?:上肢|上臂|臂|手臂)?\s*(?:血压|bp)?\s*[:：]?\s*(\d{2,3})\s*/\s*\d{2,3}", re.I
)


def arm_pressure_gap(text: str) -> float | None:
    """|left − right| systolic pressure when both arms are written, else ``None``."""
    sides: dict[str, float] = {}
    for m in _ARM.finditer(fold(text)):
        sides.setdefault(m.group(1), float(m.group(2)))
    if len(sides) < 2:
        return None
    return abs(sides["左"] - sides["右"])


__all__ = [
    "POST_NEGATION",
    "DurationRule",
    "NearRule",
    "arm_pressure_gap",
    "duration_findings",
    "near_findings",
]
