"""One clinical vocabulary for every part of the box: what counts as an antibiotic, how an
allergy history is read (否认/无/NKDA means none), and the record's field list.

QC, the quality dashboard, the visit use cases, the TUI and the mentor-hub indicators all ask
these functions, so the clinic's dashboard and the hub can never disagree about a prescription.
Pure: data in, answers out (the formulary look-up is passed in by the caller).

Sources: 抗菌药物临床应用管理办法 (卫生部令第84号, 2012) and the WHO ATC index (J01 =
antibacterials for systemic use) for antibiotics; 病历书写基本规范 (卫医政发〔2010〕11号) 第十八条
for 过敏史 wording ("否认药物过敏史"); NKDA = no known drug allergies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from appliance.clinical.record import FIELD_NAMES_ZH, TEXT_FIELDS

__all__ = [
    "ANTIBIOTIC_WORDS",
    "RECORD_FIELDS",
    "RECORD_FIELD_NAMES_ZH",
    "DrugFacts",
    "denies_allergy",
    "is_antibiotic",
    "parse_allergies",
]

#: Every field of a structured record, in 门诊病历 order (text fields, then the lists).
RECORD_FIELDS: tuple[str, ...] = (
    *TEXT_FIELDS[:8],
    "auxiliary_exams",
    "diagnoses",
    "treatment_plan",
    "prescriptions",
    "vitals",
)
RECORD_FIELD_NAMES_ZH: dict[str, str] = dict(FIELD_NAMES_ZH)

#: Stems of systemic antibacterial names (Chinese generic names and INNs), used only when a drug
#: is not in the formulary: 青霉素类 西林, 头孢菌素 头孢/cef, 大环内酯/氨基糖苷 霉素/mycin,
#: 喹诺酮 沙星/floxacin, 四环素 环素/cycline, 硝基咪唑 硝唑/nidazole, 碳青霉烯 培南/penem,
#: 磺胺, 呋喃 (nitrofurans), 克拉维 (β-lactamase inhibitor combinations).
ANTIBIOTIC_WORDS = re.compile(
    r"西林|头孢|霉素|沙星|环素|硝唑|培南|磺胺|呋喃妥因|呋喃唑酮|克拉维|"
    r"cillin|\bcef|ceph|mycin|micin|floxacin|cycline|nidazole|penem|sulfamethoxazole",
    re.IGNORECASE,
)
#: Names matching a stem that are not systemic antibacterials (antifungals, antineoplastics,
#: topical-only or non-antibacterial -mycins).
_NOT_ANTIBIOTIC = re.compile(
    r"制霉菌素|两性霉素|放线菌素|丝裂霉素|博来霉素|多柔比星|柔红霉素|他克莫司|雷帕霉素|西罗莫司|"
    r"nystatin|amphotericin|actinomycin|mitomycin|bleomycin|doxorubicin|daunorubicin|"
    r"tacrolimus|rapamycin|sirolimus",
    re.IGNORECASE,
)


class DrugFacts(Protocol):
    """What the vocabulary needs of a formulary drug (``appliance.clinical.meds_model.Drug``)."""

    @property
    def classes(self) -> tuple[str, ...]: ...

    @property
    def antibiotic_tier(self) -> str | None: ...


def _atc_is_j01(drug: object) -> bool:
    atc = getattr(drug, "atc", None) or ()
    codes = [atc] if isinstance(atc, str) else list(atc)
    return any(str(c).upper().startswith("J01") for c in codes)


def is_antibiotic(name: str, resolve: Callable[[str], DrugFacts | None] | None = None) -> bool:
    """Is ``name`` a systemic antibacterial (stewardship rules apply)?

    The formulary decides when it knows the drug: ATC J01, an antibiotic tier (分级管理) or the
    ``antibacterial`` class; otherwise the stem list above."""
    text = str(name or "").strip()
    if not text:
        return False
    if resolve is not None:
        drug = resolve(text)
        if drug is not None:
            return (
                _atc_is_j01(drug)
                or "antibacterial" in drug.classes
                or drug.antibiotic_tier is not None
            )
    if _NOT_ANTIBIOTIC.search(text):
        return False
    return bool(ANTIBIOTIC_WORDS.search(text))


_DENIAL = re.compile(
    r"^\s*(?:否认|无|没有|不详|未发现|未知|暂无|none|no\b|nil|nkda|nka|denies|denied|n/?a\b)",
    re.IGNORECASE,
)
_NO_ALLERGY_PHRASES = re.compile(
    r"(?:否认|无)(?:明确|已知)?(?:食物)?(?:[、及和/]?食物)?(?:药物|药)?(?:及食物)?过敏史?|"
    r"no known (?:drug )?allerg\w*|nkda|nka",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[，,、;；/\s]+|和|及|与")
_FILLER = re.compile(
    r"(?:有|对|既往|药物|食物)?过敏史?|过敏反应|过敏|allerg(?:y|ic)(?: to)?|类药物|类药|类|史",
    re.IGNORECASE,
)


_LEADING = re.compile(r"^(?:对于|对|有|既往|曾)")


def denies_allergy(text: str | None) -> bool:
    """``否认药物过敏史`` / ``无`` / ``NKDA`` and the like: the patient has no known allergy."""
    value = str(text or "").strip()
    if not value:
        return False
    return bool(_DENIAL.match(value)) and not parse_allergies(value)


def parse_allergies(text: str | None) -> list[str]:
    """The allergens named in an allergy history: ``"青霉素过敏，磺胺类"`` → ``["青霉素",
    "磺胺"]``; a denial (``否认药物过敏史``, ``无``, ``NKDA``) → ``[]``. A denial followed by a
    named allergen (``否认食物过敏，对青霉素过敏``) keeps the allergen."""
    value = _NO_ALLERGY_PHRASES.sub(" ", str(text or ""))
    out: list[str] = []
    for part in _SPLIT.split(value):
        word = _LEADING.sub("", _FILLER.sub("", part).strip(" 。.:：()（）"))
        if not word or _DENIAL.match(word) or word in ("对", "有", "不详"):
            continue
        if word not in out:
            out.append(word)
    return out
