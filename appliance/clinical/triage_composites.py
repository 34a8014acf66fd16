"""Composite findings and the ESI resource estimate of triage (pure).

A composite is a finding made of others and of facts of the request (pregnancy, fever, age ≥ 65,
weeks of pregnancy, something still going on after 5 minutes, a temperature ≥ 40 ℃, an adult's
systolic pressure < 90, a glucose < 2.8 mmol/L, a major burn (an adult's 20 % of the body
surface, a child's 10 %), nothing told of the patient still responding (swallowing, walking,
talking), a pressure in the severe range ≥ 160/110): every group must hold. The resource estimate is ESI v4
decision point C for minor complaints: the most resources one needs, plus one per kind its context adds
(``kb.resource_modifiers``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from appliance.clinical._text import _clause_bounds, find_terms
from appliance.clinical.findings import Finding, FindingSource
from appliance.clinical.findings_measures import longest_days
from appliance.clinical.triage_inputs import TriageInputs
from appliance.clinical.triage_model import (
    CHILD_AGE,
    ComplaintRule,
    Reason,
    ResourceModifier,
    TriageKnowledge,
)
from appliance.clinical.triage_vitals import child_band

_FEVER_WORDS = (
    "发烧",
    "发热",
    "发着烧",
    "高烧",
    "高热",
    "低烧",
    "低热",
    "fever",
    "febrile",
    "pyrexia",
)
# a fever told the lay way, by how long or how high it burns ("烧三天了", "烧了一宿", "烧到39度"):
# never a fire (火烧, 燃烧), a stove, a kang or a meal kept burning ("炕烧了三天", "烧了一晚上的炉子")
# or a burn (烧伤, 烧了个泡 names no time or degree)
_NOT_FEVER_BEFORE = "火燃焚灼炕炉柴煤炭饭菜水香纸砖窑"
_LAY_FEVER = re.compile(
    rf"(?<![{_NOT_FEVER_BEFORE}])烧(?:了)?(?:[一二两三四五六七八九十几半\d]+个?|好几个?)"
    r"(?:天|日|晚|宿|夜|钟头|小时)(?!上?的?[炕炉火柴煤炭水饭菜香纸])"
    rf"|(?<![{_NOT_FEVER_BEFORE}])烧到(?:快|将近|差不多)?(?:[三四]十|\d\d)"
)
# still swallowing, drinking, walking or talking (even confused), in the family's words: the patient
# responds, and sugar can go by mouth
_RESPONDING_WORDS = (
    "能自己喝水",
    "还能喝水",
    "能喝水",
    "还能自己喝",
    "能咽",
    "还能咽",
    "咽得下",
    "能吞",
    "吞得下",
    "喝得下",
    "能吃东西",
    "还能吃",
    "能自己走",
    "还能走",
    "自个儿走",
    "自己走来",
    "自己走进",
    "能走路",
    "扶着能走",
    "扶着还能走",
    "扶着能自己走",
    "搀着能走",
    "说胡话",
    "讲胡话",
    "颠三倒四",
    "认不得",
    "认不出",
    "叫错",
    "答非所问",
    "说话不着调",
    "说话含糊",
    "说话含含糊糊",
    "说话不利索",
    "能喊醒",
    "还能喊醒",
    "喊得醒",
    "叫得醒",
    "能叫醒",
    "能回答",
    "能答话",
    "还能说话",
    "can swallow",
    "still swallowing",
    "able to drink",
    "drinking water",
    "drinking fluids",
    "walked in",
    "walking by himself",
    "walking by herself",
    "talking",
    "answers questions",
)  # fmt: skip  (never bare "drinking": "been drinking" is alcohol, no ability)
#: loose stools, a cold, a cough or a fever named: a diabetic's nausea and weakness with one of them
#: is that illness first, not the silent heart attack the same complaint alone is (ESI v4 ch.3)
_OTHER_ILLNESS_WORDS = (
    "拉肚子",
    "拉稀",
    "腹泻",
    "拉水",
    "窜稀",
    "跑肚",
    "泻肚",
    "闹肚子",
    "diarrhoea",
    "diarrhea",
    "loose stool",
    "感冒",
    "着凉",
    "咳嗽",
    "烧到",
    "a cold",
    "cough",
    *_FEVER_WORDS,
)
#: a low sugar named: in a diabetic it explains a sweat, shakiness or dizziness (not an ACS)
_LOW_SUGAR_WORDS = (
    "低血糖",
    "血糖低",
    "血糖偏低",
    "血糖太低",
    "hypoglyc",
    "low sugar",
    "low blood sugar",
)
OLDER_ADULT = 65.0  # CRB-65: age ≥ 65 counts
#: the facts a composite group may name besides finding ids
COMPOSITE_FACTS = frozenset(
    {
        "pregnant",
        "fever",
        "fever_older",
        "older_adult",
        "pregnant_20_weeks",
        "preterm",
        "ongoing_5_min",
        "temp_40",
        "tachycardia",
        "child_tachycardia",
        "hypotension",
        "spo2_below_90",
        "infant",
        "severe_hypoglycaemia",
        "responding_not_told",
        "low_glucose_not_told",
        "other_illness_not_told",
        "fever_3_days",
        "severe_hypertension",
        "cough_2_weeks",
        "glucose_high",
        "major_burn",
        "newborn_first_day",
    }
)
TACHYCARDIA = 100.0  # ESI v4 adult danger-zone heart rate
HYPOTENSION_SBP = 90.0  # ESI v4 level 1 "hypotension with signs of hypoperfusion": adult SBP < 90
SEVERE_HYPOXIA = 90.0  # CTAS 2016 respiratory distress, severe: SpO2 < 90 % (CTAS I)
INFANT_AGE = 1.0  # under one year (AAP BRUE, PALS infant bands)
#: the first day of life, in years, with room for an age rounded up from hours (NICE CG98:
#: jaundice in the first 24 hours); 0.004 years is about 35 hours
FIRST_DAY_AGE = 0.004
SEVERE_HYPOGLYCAEMIA = 2.8  # mmol/L (TRIAGE2018 severe hypoglycaemia)
LOW_GLUCOSE = 3.9  # mmol/L: hypoglycaemia in a treated diabetic (ADA 2024 level 1: < 3.9)
HIGH_GLUCOSE = 16.7  # mmol/L (300 mg/dL): high enough for DKA or a hyperosmolar state (DKA-HYPO)
SEVERE_SBP, SEVERE_DBP = 160.0, 110.0  # mmHg, the severe range of pre-eclampsia (ACOG 2020)
PERSISTENT_FEVER_DAYS = 3.0  # a fever with a cough for 3 days or more: chest film and blood count
PERSISTENT_COUGH_DAYS = 14.0  # 肺结核可疑症状: a cough of two weeks or more (TB2019)
#: fever in an older adult (IDSA 2009, High KP et al.: a single oral temperature > 37.8 ℃, or
#: repeated readings > 37.2 ℃ — a fever told by the family and a measured reading above 37.2 are
#: two readings)
OLDER_FEVER = 37.8
OLDER_FEVER_REPEATED = 37.2
HYPERTHERMIA = 40.0  # heat stroke: core temperature ≥ 40 ℃ with a CNS disturbance
LATE_PREGNANCY_WEEKS = 20.0  # CTAS: bleeding in pregnancy ≥ 20 weeks is level 2
TERM_WEEKS = 37.0  # labour or waters broken from 20 to under 37 weeks is preterm (NICE NG25)
#: the facts a resource modifier may name
MODIFIER_FACTS = COMPOSITE_FACTS
#: the kinds of resource a minor finding may name (``resource_kind``), as ESI v4 ch.4 counts them
_KIND_ZH = {"procedure": "简单操作（清创缝合/切开引流）", "imaging": "影像（X 线）", "labs": "化验"}
RESOURCE_KINDS = frozenset(_KIND_ZH)


@dataclass(frozen=True)
class Told:
    """What the composites and the resource estimate read: the knowledge, the request's inputs,
    the vitals in use, the findings taken so far (``have``: the caller's dict, which grows as
    findings are taken) and the complaint."""

    kb: TriageKnowledge
    inputs: TriageInputs
    vitals: dict[str, float]
    have: dict[str, Finding]
    text: str


def _kinds_told_apart(minor: list[ComplaintRule], have: dict[str, Finding]) -> list[str]:
    """The resource kinds of ``minor`` findings, when two of different kinds were read from
    words apart (no overlap of their spans); else none."""
    told = [
        (r.resource_kind, have[r.id].span)
        for r in minor
        if r.resource_kind and (r.resources or 0) >= 1 and r.id in have
    ]
    for i, (kind, (a0, a1)) in enumerate(told):
        for other, (b0, b1) in told[i + 1 :]:
            if kind != other and (a1 <= b0 or b1 <= a0):
                return sorted({k for k, _ in told})
    return []


def resource_estimate(told: Told, fired: list[ComplaintRule]) -> tuple[int, Reason] | None:
    """ESI decision point C for minor complaints: the most resources one needs, plus one per
    kind the context adds (``kb.resource_modifiers``); a reason for level 3 when the estimate
    reaches two, else None."""
    minor = [r for r in fired if r.level == 4]
    if not minor:
        return None
    kb, have = told.kb, told.have
    applied = _modifiers(told)
    # ESI v4 counts kinds of resources across the patient's problems: a cut to repair and a
    # swollen wrist to x-ray are a procedure and imaging, two resources (level 3). Two findings
    # read from the same words are one problem ("大脚趾红肿发烫": a hot joint or a skin
    # infection), so kinds count only from findings told apart.
    kinds = _kinds_told_apart(minor, have)
    total = max((r.resources or 0 for r in minor), default=0) + sum(m.adds for m in applied)
    if max(total, len(kinds)) < 2:
        return None
    names_zh = "、".join(r.text_zh for r in minor)
    names_en = ", ".join(r.text_en for r in minor)
    if total < len(kinds):
        total = len(kinds)
        return total, Reason(
            "R-RESOURCE-KINDS",
            3,
            kb.cite("ESI4"),
            f"{names_zh}：需 {total} 类资源（{'、'.join(_KIND_ZH[k] for k in kinds)}；ESI 3），按急症",
            f"{names_en}: {total} kinds of resources ({', '.join(kinds)}; ESI 3), urgent",
        )
    return total, Reason(
        applied[0].id,
        3,
        kb.cite(";".join(dict.fromkeys(m.source for m in applied))),
        f"{names_zh}，{'；'.join(m.text_zh for m in applied)}：预计需 {total} 项资源（ESI 3），按急症",
        f"{names_en}; {'; '.join(m.text_en for m in applied)}: {total} resources expected "
        "(ESI 3), urgent",
    )


def _modifiers(told: Told) -> list[ResourceModifier]:
    """The resource modifiers whose finding is present and whose fact holds."""
    return [
        m
        for m in told.kb.resource_modifiers
        if any(f in told.have for f in m.findings) and _fact(m.fact, told)
    ]


def minor_resources(told: Told, fired: list[ComplaintRule]) -> int | None:
    """ESI resources for a visit of minor complaints only (level 4): the most one named complaint
    needs plus one per kind its context adds (a cough of two weeks: a chest film); None when no
    named complaint counts its resources."""
    counted = [r.resources for r in fired if r.level == 4 and r.resources is not None]
    if not counted:
        return None
    return max(counted) + sum(m.adds for m in _modifiers(told))


def _fact(name: str, told: Told) -> Finding | None:
    """Evidence for one member of a composite group: a finding found, or a fact."""
    inputs, vitals, have, text = told.inputs, told.vitals, told.have, told.text
    if name in have:
        return have[name]
    if name == "pregnant" and inputs.pregnant:
        return Finding("pregnant", "pregnant=true", (0, 0))
    if name == "major_burn":
        burn = _major_burn(inputs)
        if burn is not None:
            return burn
    if name == "ongoing_5_min":
        ongoing = inputs.measures.get("ongoing_min")
        if ongoing is not None and ongoing.value >= 5:
            return Finding(name, ongoing.text, ongoing.span)
    if name in ("pregnant_20_weeks", "preterm"):
        weeks = inputs.vitals_used.get("pregnancy_weeks", {})
        value = weeks.get("value")
        top = TERM_WEEKS if name == "preterm" else float("inf")
        if isinstance(value, int | float) and LATE_PREGNANCY_WEEKS <= value < top:
            return Finding(name, str(weeks.get("text") or f"{value:g} weeks"), (0, 0))
    if name == "older_adult" and inputs.age is not None and inputs.age >= OLDER_ADULT:
        return Finding("older_adult", f"age={inputs.age:g}", (0, 0))
    if name == "tachycardia":  # ESI v4 danger zone for adults: HR > 100
        hr = vitals.get("hr")
        if hr is not None and hr > TACHYCARDIA and (inputs.age is None or inputs.age >= CHILD_AGE):
            return Finding(name, f"hr={hr:g}", (0, 0))
    if name == "child_tachycardia":  # a child's heart rate above the normal range for age
        hr = vitals.get("hr")
        age = inputs.age
        if hr is not None and age is not None and age < CHILD_AGE:
            band = child_band(age, told.kb)
            if band is not None and hr > band.hr_high_3:
                return Finding(name, f"hr={hr:g}", (0, 0))
    if name == "hypotension":  # measured, adults only (children's bands are in the vitals)
        sbp = vitals.get("sbp")
        if (
            sbp is not None
            and sbp < HYPOTENSION_SBP
            and (inputs.age is None or inputs.age >= CHILD_AGE)
        ):
            return Finding(name, f"sbp={sbp:g}", (0, 0))
    if name == "spo2_below_90":  # measured, any age
        spo2 = vitals.get("spo2")
        if spo2 is not None and spo2 < SEVERE_HYPOXIA:
            return Finding(name, f"spo2={spo2:g}", (0, 0))
    if name == "glucose_high":  # measured, any age
        glucose = vitals.get("glucose")
        if glucose is not None and glucose >= HIGH_GLUCOSE:
            return Finding(name, f"glucose={glucose:g}", (0, 0))
    if name == "severe_hypoglycaemia":  # measured, any age
        glucose = vitals.get("glucose")
        if glucose is not None and glucose < SEVERE_HYPOGLYCAEMIA:
            return Finding(name, f"glucose={glucose:g}", (0, 0))
    if name == "severe_hypertension":  # measured
        sbp, dbp = vitals.get("sbp", 0.0), vitals.get("dbp", 0.0)
        if sbp >= SEVERE_SBP or dbp >= SEVERE_DBP:
            return Finding(name, f"bp={sbp:g}/{dbp:g}", (0, 0))
    if name == "cough_2_weeks" and "N-COUGH" in have:
        # how long the cough has gone on, told in its clause or the next ("还咳，三个礼拜了")
        days = _days_told_around(text, have["N-COUGH"].span[0])
        if days is not None and days >= PERSISTENT_COUGH_DAYS:
            return Finding(name, f"cough {days:g} days", (0, 0))
    if name == "low_glucose_not_told":  # a sweat and dizziness a low sugar already explains
        glucose = vitals.get("glucose")
        if (glucose is None or glucose >= LOW_GLUCOSE) and not find_terms(text, _LOW_SUGAR_WORDS):
            return Finding(name, "no low glucose told", (0, 0))
    if name == "fever_3_days":
        # a fever told with how long it has lasted, in its clause or the next ("低烧，三天了")
        for start in _fever_mentions(text):
            days = _days_told_around(text, start)
            if days is not None and days >= PERSISTENT_FEVER_DAYS:
                return Finding(name, f"fever {days:g} days", _clause_bounds(text, start))
    if name == "other_illness_not_told" and not find_terms(text, _OTHER_ILLNESS_WORDS):
        return Finding(name, "no other illness told", (0, 0))
    if name == "responding_not_told" and not find_terms(text, _RESPONDING_WORDS):
        return Finding(name, "responding not told", (0, 0))
    if name == "newborn_first_day":
        age = _newborn_age(inputs)
        if age is not None and age < FIRST_DAY_AGE:
            return Finding(name, f"age={age:g}", (0, 0))
    if name == "infant" and inputs.age is not None and inputs.age < INFANT_AGE:
        return Finding("infant", f"age={inputs.age:g}", (0, 0))
    if name == "temp_40":
        temp = vitals.get("temp")
        if temp is not None and temp >= HYPERTHERMIA:
            return Finding(name, f"temp={temp:g}", (0, 0))
    if name == "fever_older":  # IDSA 2009: an older adult's fever is a lower reading
        temp = vitals.get("temp")
        older = inputs.age is not None and inputs.age >= OLDER_ADULT
        if (
            older
            and temp is not None
            and (
                temp > OLDER_FEVER
                or (temp > OLDER_FEVER_REPEATED and bool(find_terms(text, _FEVER_WORDS)))
            )
        ):
            return Finding(name, f"temp={temp:g}", (0, 0))
    if name == "fever":
        temp = vitals.get("temp")
        if temp is not None and temp >= 38.0:
            used = inputs.vitals_used.get("temp", {})
            span = used.get("span")
            where = (int(span[0]), int(span[1])) if isinstance(span, list) else (0, 0)
            return Finding("fever", str(used.get("text") or f"temp={temp:g}"), where)
        if temp is None and _fever_mentions(text):
            return Finding("fever", "fever", (0, 0))
    return None


#: a major burn by the Chinese burn classification (BURN-CN: an adult's 20 % or more, a child's
#: 10 % or more needs fluid resuscitation): the same limits as the measures M-BURN-MAJOR and
#: M-BURN-MAJOR-CHILD, read here so that a composite can add what the burn's measure cannot
#: (burn shock: a major burn with a changed mind or cold, mottled skin is level 1)
MAJOR_BURN_ADULT = 20.0
MAJOR_BURN_CHILD = 10.0
BURN_CHILD_AGE = 14.0


def _newborn_age(inputs: TriageInputs) -> float | None:
    """A baby's age for the first-day rule: an age field of 0 is "under one year" in whole years
    (the outside writers give a 3-month-old and a 20-day-old age 0), so the age told in the text
    decides then; with none told, the first day is not assumed."""
    if inputs.age is None or inputs.age > 0:
        return inputs.age
    told = inputs.age_told
    return told if told is not None and told > 0 else None


def _major_burn(inputs: TriageInputs) -> Finding | None:
    burn = inputs.measures.get("burn_tbsa")
    if burn is None:
        return None
    child = inputs.age is not None and inputs.age < BURN_CHILD_AGE
    if burn.value >= (MAJOR_BURN_CHILD if child else MAJOR_BURN_ADULT):
        return Finding("major_burn", burn.text, burn.span)
    return None


def composite_findings(told: Told) -> list[Finding]:
    """The composites of ``kb`` whose every group holds; each carries its parts' words, the
    first part's span, and the weakest source among its parts (a semantic part makes it
    semantic, with that similarity)."""
    out: list[Finding] = []
    # a composite found is a part for the composites after it (a marker that stands for a
    # finding, then that finding with vomiting); the caller's dict is not touched here
    told = dataclasses.replace(told, have=dict(told.have))
    for comp in told.kb.composites:
        if comp.id in told.have:
            continue
        parts: list[Finding] = []
        for group in comp.groups:
            part = next((e for e in (_fact(n, told) for n in group) if e), None)
            if part is None:
                break
            parts.append(part)
        else:
            source: FindingSource = next((p.source for p in parts if p.source != "rule"), "rule")
            sims = [p.similarity for p in parts if p.similarity is not None]
            span = next((p.span for p in parts if p.span != (0, 0)), (0, 0))
            words = " + ".join(p.text for p in parts)
            found = Finding(comp.id, words, span, source, False, min(sims) if sims else None)
            out.append(found)
            told.have.setdefault(comp.id, found)
    return out


def _days_told_around(text: str, pos: int) -> float | None:
    """The longest duration told in the clause holding ``pos`` or in the clause after it."""
    c_start, c_end = _clause_bounds(text, pos)
    n_end = _clause_bounds(text, c_end + 1)[1] if c_end + 1 < len(text) else c_end
    return longest_days(text[c_start:n_end])


def _fever_mentions(text: str) -> list[int]:
    """Where a fever word is told (affirmed) in ``text``, in order."""
    folded = text.lower()
    out: list[int] = []
    for word in _FEVER_WORDS:
        start = folded.find(word)
        while start >= 0:
            if find_terms(folded[_clause_bounds(folded, start)[0] : start + len(word)], (word,)):
                out.append(start)
            start = folded.find(word, start + 1)
    for match in _LAY_FEVER.finditer(folded):
        start = match.start()
        if find_terms(folded[_clause_bounds(folded, start)[0] : match.end()], (match.group(),)):
            out.append(start)
    return sorted(out)


__all__ = [
    "COMPOSITE_FACTS",
    "MODIFIER_FACTS",
    "RESOURCE_KINDS",
    "Told",
    "composite_findings",
    "minor_resources",
    "resource_estimate",
]
