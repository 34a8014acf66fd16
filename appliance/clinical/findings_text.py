"""Offset-keeping text normalisation and numbers for the findings extractor (pure).

Every span the extractor reports points into the text the user typed, so normalisation here
never changes the length of the text: each character is NFKC-folded and lower-cased only when
that gives exactly one character (full-width "４０％" → "40%", "Ｔ" → "t"), every whitespace
character becomes one space, and "℃"/"℉" stay as they are.
"""

from __future__ import annotations

import re
import unicodedata

from appliance.clinical.extract_numbers import cn_to_number

#: a number in digits or Chinese numerals (一百七十, 三十八点五, 一七零)
CN_NUM = r"[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?"
NUM = rf"(?:\d+(?:\.\d+)?|{CN_NUM})"


# Characters written interchangeably in complaints, read as one (same length): 疼 and 痛 name the
# same pain ("右下腹疼" ~ 右下腹痛, "头疼" ~ 头痛), so no vocabulary needs both spellings.
_SAME_CHAR = {"疼": "痛"}


def fold(text: str) -> str:
    """Same-length normalisation: ``len(fold(t)) == len(t)`` and spans carry over unchanged."""
    out: list[str] = []
    for char in text:
        if char.isspace():
            out.append(" ")
            continue
        if char in _SAME_CHAR:
            out.append(_SAME_CHAR[char])
            continue
        folded = unicodedata.normalize("NFKC", char).lower()
        out.append(folded if len(folded) == 1 else char.lower() if len(char.lower()) == 1 else char)
    return "".join(out)


def fold_term(term: str) -> str:
    """A vocabulary term folded like the text, with runs of spaces collapsed."""
    return re.sub(r" +", " ", fold(term)).strip()


_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Spoken shorthand: "一百九" is 190 and "一百二" 120 (the unit after the last digit is dropped).
_SHORT_HUNDRED = re.compile(r"^([一二两三四五六七八九])百([一二三四五六七八九])$")


def to_number(text: str) -> float | None:
    """Digits or Chinese numerals → float (``None`` when it is not a number)."""
    text = text.strip()
    short = _SHORT_HUNDRED.match(text)
    if short:
        return float(_DIGIT[short.group(1)] * 100 + _DIGIT[short.group(2)] * 10)
    return cn_to_number(text)
