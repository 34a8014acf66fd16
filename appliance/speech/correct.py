"""Pinyin-aware correction of a transcript against the medical lexicon; every change is marked.

Whisper hears "毫米汞柱" as "毫米公主", "二甲双胍" as "二甲双瓜", "窦性" as "都行": same sounds,
wrong characters. For every window of the transcript as long as a lexicon term, the toneless
pinyin is compared with the term's (with the initials/finals many speakers merge: z/zh, c/ch,
s/sh, n/l, f/h, -n/-ng). A window is replaced only when:

- the pinyin matches syllable for syllable (fuzzy) — or, for terms of 4+ characters, all but one
  syllable matches and that one is a near miss;
- for 2-character terms, the tones match too or one character is already right (so a common
  word that merely sounds alike, e.g. 都行 → 窦性, is not rewritten without evidence).

Longer terms win; a corrected span is not corrected again. Each change is returned as a
:class:`Correction` (position, from, to, term category) so the UI can show and undo it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pypinyin import Style, lazy_pinyin, pinyin

LEXICON_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "medical_lexicon.csv"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


@dataclass(frozen=True)
class Term:
    text: str
    category: str
    syllables: tuple[str, ...]
    tones: tuple[str, ...]


@dataclass(frozen=True)
class Correction:
    step: str
    start: int
    original: str
    corrected: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["from"] = data.pop("original")
        data["to"] = data.pop("corrected")
        return data


def _fuzzy(syllable: str) -> str:
    for a, b in _FUZZY:
        syllable = syllable.replace(a, b)
    if syllable.startswith("n"):
        syllable = "l" + syllable[1:]
    if syllable.startswith("h") and not syllable.startswith("hu"):
        return syllable
    return syllable.replace("hu", "f", 1) if syllable.startswith("hu") else syllable


def _near(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def make_term(text: str, category: str = "term") -> Term:
    return Term(
        text,
        category,
        tuple(_fuzzy(s) for s in lazy_pinyin(text)),
        tuple(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)),
    )


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> tuple[Term, ...]:
    """Terms of 2–12 Chinese characters from a ``term,category,source`` CSV, longest first."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    terms = {
        row["term"]: row["category"]
        for row in rows
        if 2 <= len(row["term"]) <= 12 and all(_HAN.match(c) for c in row["term"])
    }
    return tuple(sorted((make_term(t, c) for t, c in terms.items()), key=lambda t: -len(t.text)))


_DIGIT_READINGS = {"0": ("ling",), "1": ("yi", "yao"), "2": ("er", "liang"), "3": ("san",)}
_DIGIT_READINGS |= {"4": ("si",), "5": ("wu",), "6": ("liu",), "7": ("qi",), "8": ("ba",)}
_DIGIT_READINGS |= {"9": ("jiu",)}
_NUMERALS = {c: str(i) for i, c in enumerate("零一二三四五六七八九")}
_NUMERALS |= {str(i): str(i) for i in range(10)} | {"〇": "0", "两": "2", "十": "10"}
_CORRECTABLE = re.compile(r"[\u4e00-\u9fff0-9]")


def _readings(char: str) -> frozenset[str]:
    if char in _DIGIT_READINGS:
        return frozenset(_fuzzy(r) for r in _DIGIT_READINGS[char])
    if not _HAN.match(char):
        return frozenset()
    found = pinyin(char, style=Style.NORMAL, heteronym=True)
    return frozenset(_fuzzy(r) for r in (found[0] if found else []))


def _window_matches(
    term: Term,
    window: str,
    readings: list[frozenset[str]],
    tones: list[str],
    after_digit: bool = False,
) -> bool:
    if window == term.text:
        return False
    pairs = list(zip(window, term.text, strict=True))
    if len(pairs) < 5 and any(a in _NUMERALS and b not in _NUMERALS for a, b in pairs):
        return False  # "吸烟四" is not "吸烟史", "心率7" is not "心律齐"
    if all(a == b or _NUMERALS.get(a, "a") == _NUMERALS.get(b, "b") for a, b in pairs):
        return False  # "2型糖尿病" is already "二型糖尿病"
    same_chars = sum(a == b for a, b in pairs)
    exact = [s in r for s, r in zip(term.syllables, readings, strict=True)]
    if len(term.text) == 2:
        if term.category == "unit" and after_digit and all(exact):
            return True  # "30号客" → "30毫克": a unit right after a number
        plain = [
            lazy_pinyin(b)[0] in (pinyin(a, heteronym=True, style=Style.NORMAL) or [[]])[0]
            for a, b in pairs
            if _HAN.match(a)
        ]
        if not all(exact) or len(plain) < 2 or not all(plain):
            return False  # two characters: the exact syllables ("升高" is not "身高")
        return same_chars >= 1 or tuple(tones) == term.tones
    misses = [i for i, ok in enumerate(exact) if not ok]
    near = all(any(_near(r, term.syllables[i]) for r in readings[i]) for i in misses)
    if not misses:
        return True
    if len(term.text) >= 4 and len(misses) == 1 and near:
        return True
    if len(term.text) >= 6 and len(misses) == 2:  # long phrases are specific enough
        return near and same_chars >= 2
    return False


def correct_with_lexicon(
    text: str, lexicon: tuple[Term, ...] | None = None
) -> tuple[str, list[Correction]]:
    """Return the corrected text and the list of changes (positions refer to the input)."""
    terms = load_lexicon() if lexicon is None else lexicon
    if not text or not _HAN.search(text):
        return text, []
    chars = list(text)
    readings = [_readings(c) for c in chars]
    tones = [
        (lazy_pinyin(c, style=Style.TONE3, neutral_tone_with_five=True) or [c])[0]
        if _HAN.match(c)
        else c
        for c in chars
    ]
    # exact lexicon hits are right already: lock them against terms of the same length or less
    locked = [0] * len(chars)
    for term in terms:
        begin = text.find(term.text)
        while begin >= 0:
            for k in range(begin, begin + len(term.text)):
                locked[k] = max(locked[k], len(term.text))
            begin = text.find(term.text, begin + 1)
    changes: list[Correction] = []
    by_length: dict[int, list[Term]] = {}
    # index by the first and second syllable: a match misses at most one, so it hits one of them
    first: dict[tuple[int, str], list[Term]] = {}
    second: dict[tuple[int, str], list[Term]] = {}
    for term in terms:
        by_length.setdefault(len(term.text), []).append(term)
        first.setdefault((len(term.text), term.syllables[0]), []).append(term)
        second.setdefault((len(term.text), term.syllables[1]), []).append(term)
    for length in sorted(by_length, reverse=True):
        for start in range(0, len(chars) - length + 1):
            if max(locked[start : start + length]) >= length:
                continue
            window = "".join(chars[start : start + length])
            if not all(_CORRECTABLE.match(c) for c in window) or not _HAN.search(window):
                continue
            candidates = {
                t.text: t for r in readings[start] for t in first.get((length, r), ())
            } | {t.text: t for r in readings[start + 1] for t in second.get((length, r), ())}
            for term in (t for t in by_length[length] if t.text in candidates):  # lexicon order
                if _window_matches(
                    term,
                    window,
                    readings[start : start + length],
                    tones[start : start + length],
                    after_digit=start > 0 and chars[start - 1].isdigit(),
                ):
                    changes.append(Correction("lexicon", start, window, term.text, term.category))
                    chars[start : start + length] = list(term.text)
                    for k in range(start, start + length):
                        locked[k] = max(locked[k], 99)
                    break
    changes.sort(key=lambda c: c.start)
    return "".join(chars), changes
