"""Quantities in free text that change urgency but are not vital signs (pure):

- ``burn_tbsa``: burnt body-surface area in % ("烧伤面积约30%", "20% TBSA burns");
- ``tablets``: how many tablets were taken at once ("吃了三十片扑热息痛", "took 40 pills",
  "一整瓶" ≈ 20, "几十片" ≈ 20, "a handful of pills" ≈ 20);
- ``fall_height_m``: height of a fall in metres ("从3米高处摔下", "从三楼摔下" = 2 storeys ≈ 6 m,
  "fell 15 feet");
- ``seizure_min``: how long a seizure has lasted ("抽搐持续20分钟", "seizing for 10 minutes").

Each is a :class:`~appliance.clinical.findings_vitals.TextReading` with its span; the largest
value wins when written twice. Thresholds live in triage data (``[[measure]]``), not here.
"""

from __future__ import annotations

import re

from appliance.clinical.findings_text import NUM, fold, to_number
from appliance.clinical.findings_vitals import TextReading

_BURN = (
    re.compile(
        rf"(?:烧伤|烫伤|灼伤|烧烫伤|火焰伤|burns?|scald\w*|tbsa)[^。；;.!?]{{0,40}}?({NUM})\s*%"
    ),
    re.compile(
        rf"({NUM})\s*%\s*(?:的)?\s*(?:体表面积|tbsa|bsa|total body surface|body surface|烧伤|烫伤)"
    ),
)
_WORD_COUNTS = {"几十": 20.0, "十几": 12.0, "二三十": 25.0, "一大把": 20.0, "一把": 20.0,
                "一整瓶": 20.0, "一瓶": 20.0, "整瓶": 20.0, "半瓶": 10.0, "一整板": 10.0,
                "tens of": 20.0, "dozens of": 24.0, "a handful of": 20.0, "handful of": 20.0,
                "a bottle of": 20.0, "a whole bottle of": 20.0, "whole bottle of": 20.0}  # fmt: skip
_COUNT = rf"({NUM}|{'|'.join(sorted(map(re.escape, _WORD_COUNTS), key=len, reverse=True))})"
_TABLETS = (
    re.compile(
        rf"(?:吃|服|吞|服用|吞服|吃下|喝)了?\s*(?:约|大约|大概)?\s*{_COUNT}\s*(?:片|粒|颗|丸)"
    ),
    re.compile(rf"(?:吃|服|吞|服用|吞服|吃下)了?\s*{_COUNT}\s*(?:药|安眠药|降压药|降糖药)"),
    re.compile(
        rf"(?:took|swallowed|ingested|taken|take|swallow)\s+(?:about\s+|around\s+|~)?{_COUNT}\s*"
        r"(?:\w+\s+){0,2}?(?:tablets?|pills?|capsules?|tabs?)"
    ),
)
_FALL = (
    re.compile(rf"从\s*(?:约|大约)?\s*({NUM})\s*(米|m|层|楼)"),
    re.compile(rf"({NUM})\s*(米|m)\s*(?:多)?\s*(?:高)?\s*(?:处|的地方)?\s*(?:摔|坠|跌|掉|跳)"),
    re.compile(rf"({NUM})\s*(楼|层)\s*(?:摔|坠|跌|掉|跳)"),
    re.compile(
        r"(?:fell|fall(?:en)?|jumped)\s+(?:about\s+|approximately\s+|from\s+)?(?:about\s+)?"
        r"(\d+(?:\.\d+)?)\s*(m|metres?|meters?|feet|ft|stor(?:e)?ys?|stories|floors?)\b"
    ),
)

_SEIZURE = (
    re.compile(
        rf"(?:抽搐|抽风|惊厥|癫痫发作|抽了|抽个不停|seiz\w*|convuls\w*|fitting)[^。；;.!?]{{0,8}}?"
        rf"({NUM}|半)\s*(?:多)?\s*(分钟|分|min(?:ute)?s?|个?小时|hours?|h\b)"
    ),
)


def _count(word: str) -> float | None:
    return _WORD_COUNTS.get(word.strip(), to_number(word))


def _metres(value: float, unit: str) -> float:
    if unit in ("层", "楼") or unit.startswith(("stor", "floor")):
        return max(value - 1, 0.5) * 3.0  # floor n is n-1 storeys above the ground
    if unit in ("feet", "ft"):
        return value * 0.3048
    return value


def extract_measures(text: str) -> dict[str, TextReading]:
    folded = fold(text)
    out: dict[str, TextReading] = {}

    def keep(
        key: str, value: float | None, unit: str, m: re.Match[str], low: float, high: float
    ) -> None:
        if value is None or not low <= value <= high:
            return
        old = out.get(key)
        if old is None or value > old.value:
            out[key] = TextReading(key, round(value, 2), unit, m.span(), text[m.start() : m.end()])

    for pattern in _BURN:
        for m in pattern.finditer(folded):
            keep("burn_tbsa", to_number(m.group(1)), "%", m, 0.5, 100)
    for pattern in _TABLETS:
        for m in pattern.finditer(folded):
            keep("tablets", _count(m.group(1)), "tablets", m, 1, 1000)
    for pattern in _FALL:
        for m in pattern.finditer(folded):
            value = to_number(m.group(1))
            if value is not None:
                keep("fall_height_m", _metres(value, m.group(2)), "m", m, 0.3, 300)
    for pattern in _SEIZURE:
        for m in pattern.finditer(folded):
            value = 0.5 if m.group(1) == "半" else to_number(m.group(1))
            if value is not None and m.group(2).startswith(("小时", "个小时", "hour", "h")):
                value *= 60
            keep("seizure_min", value, "min", m, 0.5, 24 * 60)
    return out
