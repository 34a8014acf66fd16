"""Drug name resolution: Chinese generic names, English INNs, brands and aliases.

Insensitive to case, spaces, full-width characters, salts (盐酸/hydrochloride…), dosage forms
(片/胶囊/注射液/tablets…) and strengths ("0.25g", "500 mg").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from appliance.clinical._text import compact
from appliance.clinical.meds_model import Drug

_STRENGTH = re.compile(
    r"\d+(?:\.\d+)?(?:mg|g|ml|μg|µg|ug|mcg|iu|万单位|万u|单位|u|%|毫克|克|毫升)?"
)
_FORMS_ZH = (
    "缓释片",
    "控释片",
    "肠溶片",
    "分散片",
    "咀嚼片",
    "泡腾片",
    "含片",
    "口崩片",
    "薄膜衣片",
    "缓释胶囊",
    "肠溶胶囊",
    "软胶囊",
    "胶囊",
    "干混悬剂",
    "混悬液",
    "混悬剂",
    "口服溶液",
    "口服液",
    "颗粒",
    "糖浆",
    "注射液",
    "滴眼液",
    "眼膏",
    "滴耳液",
    "滴鼻液",
    "软膏",
    "乳膏",
    "凝胶",
    "气雾剂",
    "吸入气雾剂",
    "吸入剂",
    "喷雾剂",
    "栓",
    "滴丸",
    "丸",
    "散",
    "片",
    "针剂",
    "针",
    "粉针",
    "贴",
)
_PREFIX_ZH = ("注射用",)
# Modified-release forms are different products (own doses): try "<molecule><form>" first.
RELEASE_FORMS_ZH = {
    "缓释片": "sr",
    "控释片": "cr",
    "缓释胶囊": "sr",
    "控释胶囊": "cr",
    "肠溶片": "ec",
    "肠溶胶囊": "ec",
}
_RELEASE_EN = {
    "extendedrelease": "sr",
    "sustainedrelease": "sr",
    "controlledrelease": "cr",
    "modifiedrelease": "sr",
    "xr": "sr",
    "er": "sr",
    "sr": "sr",
    "cr": "cr",
    "xl": "sr",
    "mr": "sr",
    "gits": "cr",
    "entericcoated": "ec",
}
_SALTS_ZH = (
    "盐酸",
    "硫酸",
    "马来酸",
    "苯磺酸",
    "甲磺酸",
    "酒石酸",
    "琥珀酸",
    "富马酸",
    "枸橼酸",
    "磷酸",
    "醋酸",
    "乳酸",
    "氢溴酸",
    "门冬氨酸",
    "甲硫酸",
    "葡萄糖酸",
    "二甲磺酸",
)
_SALT_SUFFIX_ZH = ("钠", "钾", "钙", "镁")
_WORDS_EN = (
    "tablets",
    "tablet",
    "tabs",
    "tab",
    "capsules",
    "capsule",
    "caps",
    "injection",
    "inj",
    "oral",
    "solution",
    "suspension",
    "syrup",
    "granules",
    "extendedrelease",
    "sustainedrelease",
    "entericcoated",
    "hydrochloride",
    "hcl",
    "sodium",
    "potassium",
    "besylate",
    "besilate",
    "maleate",
    "mesylate",
    "tartrate",
    "succinate",
    "sulfate",
    "sulphate",
    "calcium",
    "citrate",
    "phosphate",
    "acetate",
    "fumarate",
    "dihydrate",
    "trihydrate",
    "for",
    "cream",
    "ointment",
    "eyedrops",
    "drops",
    "inhaler",
    "spray",
)

_WORDS_EN_LONGEST_FIRST = tuple(sorted(_WORDS_EN, key=len, reverse=True))
_WORDS_EN_PLAIN = tuple(
    w
    for w in _WORDS_EN_LONGEST_FIRST
    if w not in ("extendedrelease", "sustainedrelease", "entericcoated")
)


def _strip_en(base: str, words: tuple[str, ...]) -> str:
    stripped = base
    changed = True
    while changed:
        changed = False
        for word in words:
            if stripped.endswith(word) and len(stripped) > len(word) + 2:
                stripped = stripped[: -len(word)]
                changed = True
    return stripped


def requested_release(name: str) -> str:
    """``sr``/``cr``/``ec`` when the written name asks for a modified-release product, else ``""``."""
    key = compact(name)
    for form, kind in RELEASE_FORMS_ZH.items():
        if form in key:
            return kind
    if key.isascii():
        for word, kind in sorted(_RELEASE_EN.items(), key=lambda kv: -len(kv[0])):
            if len(word) > 3 and word in key:
                return kind
            if len(word) <= 3 and (key.endswith(word) or f"{word}tab" in key):
                return kind
    return ""


def name_keys(name: str) -> list[str]:
    """Candidate lookup keys for ``name``, most specific first."""
    key = compact(name)
    keys = [key]
    no_strength = _STRENGTH.sub("", key)
    if no_strength and no_strength != key:
        keys.append(no_strength)
    base = no_strength or key
    if base.isascii():
        # First without packaging words only (keeps "extended release"), then everything.
        keys.append(_strip_en(base, _WORDS_EN_PLAIN))
        keys.append(_strip_en(base, _WORDS_EN_LONGEST_FIRST))
        return _unique(keys)
    stripped = base
    for prefix in _PREFIX_ZH:
        if stripped.startswith(prefix):
            stripped = stripped[len(prefix) :]
    form_found = ""
    for form in _FORMS_ZH:
        if stripped.endswith(form) and len(stripped) > len(form) + 1:
            stripped = stripped[: -len(form)]
            form_found = form
            break
    if form_found in RELEASE_FORMS_ZH:
        for salt in _SALTS_ZH:
            if stripped.startswith(salt) and len(stripped) > len(salt) + 1:
                keys.append(stripped[len(salt) :] + form_found)
                break
        for suffix in _SALT_SUFFIX_ZH:
            if stripped.endswith(suffix) and len(stripped) > 3:
                keys.append(stripped[: -len(suffix)] + form_found)
    keys.append(stripped)
    for salt in _SALTS_ZH:
        if stripped.startswith(salt) and len(stripped) > len(salt) + 1:
            keys.append(stripped[len(salt) :])
            break
    for suffix in _SALT_SUFFIX_ZH:
        for k in list(keys):
            if k.endswith(suffix) and len(k) > 3:
                keys.append(k[: -len(suffix)])
    # Salts inside combination names: 头孢哌酮钠舒巴坦钠 → 头孢哌酮舒巴坦.
    for k in list(keys):
        inner = k.replace("钠", "").replace("钾", "")
        if inner != k and len(inner) > 2:
            keys.append(inner)
    return _unique(keys)


def _unique(keys: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for k in keys:
        if k and k not in seen:
            seen.append(k)
    return seen


def build_index(drugs: Iterable[Drug]) -> dict[str, Drug]:
    """Map every normalised name, INN, brand and alias to its drug (names before aliases)."""
    index: dict[str, Drug] = {}
    rows = list(drugs)
    # Own names first, then brands and aliases: a product's own name (氯化钾缓释片) always wins
    # over another row's alias.
    for drug in rows:
        for name in (drug.name_zh, drug.inn, drug.id):
            key = compact(name)
            if key and key not in index:
                index[key] = drug
    for drug in rows:
        for name in (*drug.brands, *drug.aliases):
            key = compact(name)
            if key and key not in index:
                index[key] = drug
    return index


def resolve_in(index: dict[str, Drug], name: str) -> Drug | None:
    """Look ``name`` up in ``index``; ``None`` when unknown (callers must say so, never skip)."""
    if not name or not name.strip():
        return None
    for key in name_keys(name):
        drug = index.get(key)
        if drug is not None:
            return drug
    return None
