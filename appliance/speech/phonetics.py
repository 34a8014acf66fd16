"""How far a heard syllable is from the one a lexicon term needs: a cost in [0, 1.2].

Whisper base on Mandarin dictation mostly hears the right sounds with the wrong characters
("双费" for 双肺), or a near sound ("所认" for 否认, "迷" for 敏). A syllable is split into initial
and final; the cost of a substitution comes from

- **merges** many speakers make (z/zh, c/ch, s/sh, n/l, -n/-ng): cost 0 — the syllables are one;
- **confusions** (``appliance/knowledge/data/asr_confusions.csv``): initial or final pairs with a
  cost, from Mandarin dialect phonology (普通话水平测试实施纲要 方言辨正: f/h, r/l, ü/i, e/o…)
  and learned from the development clips' alignment (firmware_scripts/dev/learn_confusions.py);
- otherwise one edit apart (``_near``): 0.8; further: 1.2.

Tones are left to the caller (two-character terms need them, longer terms do not).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin, pinyin

CONFUSIONS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "asr_confusions.csv"
_MERGES = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ang", "an"), ("eng", "en"), ("ing", "in"))
_INITIALS: tuple[str, ...] = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k")
_INITIALS += ("h", "j", "q", "x", "r", "z", "c", "s", "y", "w")
NEAR_COST = 0.8
FAR_COST = 1.2


def fuzzy(syllable: str) -> str:
    """One spelling for the sounds speakers merge (zh→z, ang→an, n→l …); f/h is a confusion."""
    for a, b in _MERGES:
        syllable = syllable.replace(a, b)
    return "l" + syllable[1:] if syllable.startswith("n") else syllable


def near(a: str, b: str) -> bool:
    """One letter changed, added or dropped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def split(syllable: str) -> tuple[str, str]:
    """Initial and final of a toneless pinyin syllable ("zhuang" → ("zh", "uang"))."""
    for initial in _INITIALS:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial) :]
    return "", syllable


@lru_cache(maxsize=1)
def confusions(path: Path = CONFUSIONS_FILE) -> dict[tuple[str, str], float]:
    """(a, b) → cost for initial or final pairs, both directions."""
    table: dict[tuple[str, str], float] = {}
    if not path.is_file():
        return table
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            a, b, cost = row["heard"], row["meant"], float(row["cost"])
            for key in ((a, b), (b, a)):
                table[key] = min(cost, table.get(key, cost))
    return table


@lru_cache(maxsize=65536)
def syllable_cost(heard: str, meant: str) -> float:
    """Cost of hearing ``heard`` where the term has ``meant`` (both toneless pinyin)."""
    a, b = fuzzy(heard), fuzzy(meant)
    if a == b:
        return 0.0
    table = confusions()
    if (heard, meant) in table:
        return table[(heard, meant)]
    (ia, fa), (ib, fb) = split(a), split(b)
    if ia == ib and (fa, fb) in table:
        return table[(fa, fb)]
    if fa == fb and (ia, ib) in table:
        return table[(ia, ib)]
    if (ia, ib) in table and (fa, fb) in table:
        return min(FAR_COST, table[(ia, ib)] + table[(fa, fb)])
    return NEAR_COST if near(a, b) else FAR_COST


_DIGITS = {"0": ("ling",), "1": ("yi", "yao"), "2": ("er", "liang"), "3": ("san",), "4": ("si",)}
_DIGITS |= {"5": ("wu",), "6": ("liu",), "7": ("qi",), "8": ("ba",), "9": ("jiu",)}


@lru_cache(maxsize=8192)
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of a character (heteronyms too: 给 gei/ji, 著 zhu/zhe/zhuo)."""
    if char in _DIGITS:
        return _DIGITS[char]
    found = pinyin(char, style=Style.NORMAL, heteronym=True)
    return tuple(found[0]) if found and found[0] and found[0][0] != char else ()


@lru_cache(maxsize=8192)
def tones(char: str) -> frozenset[str]:
    found = pinyin(char, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)
    return frozenset(found[0]) if found else frozenset()


def char_cost(heard: str, meant: str) -> float:
    """Cheapest way the heard character can stand for the meant one (any readings)."""
    if heard == meant:
        return 0.0
    ra, rb = readings(heard), readings(meant)
    if not ra or not rb:
        return FAR_COST
    return min(syllable_cost(x, y) for x in ra for y in rb)


def same_tone(heard: str, meant: str) -> bool:
    return heard == meant or bool(tones(heard) & tones(meant))


def main_syllables(text: str) -> tuple[str, ...]:
    return tuple(fuzzy(s) for s in lazy_pinyin(text))
