"""Words a number vouches for: the measure said before it, the route said after a dose.

A number in a dictation is nearly always heard (Whisper writes digits well) and it tells what
stands beside it: before "76次" a vital sign, after "30毫克" a route. So the two characters
before a number may become a measure word ("心力76次" → 心率76次, "脉薄96" → 脉搏96) and the
word after a dose a route ("100毫克口福" → 100毫克口服) on sound alone, tones ignored, when every
syllable is at most a learned confusion away. The words are the ``[measures]`` lists of
``dictation_phrases.toml``; every change is a :class:`~appliance.speech.correct.Correction`
with its span, and never touches a negation, a side or a number.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from appliance.speech.correct_context import flips_polarity
from appliance.speech.lexicon import DATA, make_term

#: the most a heard syllable may be from the measure word's (a learned confusion: 0.4–0.5)
SYLLABLE_LIMIT = 0.5
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_CN_NUMBER = "[零一二两三四五六七八九十百]{2,}(?:点[零一二三四五六七八九]+)?"
_NUMBER = re.compile(rf"(?<![\d.])(?:\d+(?:\.\d+)?|{_CN_NUMBER})")


@dataclass(frozen=True)
class Measures:
    before_number: tuple[str, ...]
    after_dose: tuple[str, ...]
    dose_units: tuple[str, ...]


@lru_cache(maxsize=2)
def measures(path: Path = DATA / "dictation_phrases.toml") -> Measures:
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("measures", {})
    return Measures(
        tuple(table.get("before_number", ())),
        tuple(table.get("after_dose", ())),
        tuple(sorted(table.get("dose_units", ()), key=len, reverse=True)),
    )


def _near(window: str, word: str) -> float | None:
    """Sound cost of ``window`` as ``word`` (tones ignored), None when a syllable is too far."""
    from appliance.speech.correct import heard_cost

    if window == word or len(window) != len(word) or not _HAN.fullmatch(window):
        return None
    syllables = make_term(word).syllables
    costs = [heard_cost(a, b, s) for a, b, s in zip(window, word, syllables, strict=True)]
    if max(costs) > SYLLABLE_LIMIT:
        return None
    if any(flips_polarity(a, b, c) for a, b, c in zip(window, word, costs, strict=True)):
        return None
    return sum(costs)


def _spots(text: str, found: Measures) -> list[tuple[int, tuple[str, ...], bool]]:
    """(position, candidate words, before) for each place a number vouches for."""
    spots: list[tuple[int, tuple[str, ...], bool]] = []
    units = "|".join(re.escape(u) for u in found.dose_units)
    for m in _NUMBER.finditer(text):
        spots.append((m.start(), found.before_number, True))
        dose = re.match(rf"\s*(?:{units})", text[m.end() :]) if units else None
        if dose:
            spots.append((m.end() + dose.end(), found.after_dose, False))
    return spots


def measure_pass(chars: list[str], locked: list[int]) -> list[tuple[int, str, str]]:
    """(start, heard, word) for each measure word a number vouches for; ``chars`` is changed."""
    text = "".join(chars)
    changes: list[tuple[int, str, str]] = []
    for at, words, before in _spots(text, measures()):
        best: tuple[float, int, str] | None = None
        for word in words:
            start = at - len(word) if before else at
            if start < 0 or start + len(word) > len(chars):
                continue
            if max(locked[start : start + len(word)]) > len(word):
                continue  # part of a longer word heard right
            cost = _near("".join(chars[start : start + len(word)]), word)
            if cost is not None and (best is None or (cost, -len(word)) < (best[0], -len(best[2]))):
                best = (cost, start, word)
        if best is not None:
            _cost, start, word = best
            changes.append((start, "".join(chars[start : start + len(word)]), word))
            chars[start : start + len(word)] = list(word)
            for k in range(start, start + len(word)):
                locked[k] = 99
    return changes
