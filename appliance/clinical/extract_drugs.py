"""Drugs, doses, frequencies, routes and durations from treatment-plan clauses (pure).

The caller gives the drug names it knows (formulary generic names, brands, lexicon); the longest
name found in a clause wins, and the dose/frequency/route/days are read from the words after it
up to the next drug. Nothing is guessed: a field not said is left empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from appliance.clinical.extract_numbers import normalize_numbers
from appliance.clinical.record import Prescription


class _ClauseLike(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


_DOSE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(mg|g|μg|ug|ml|U|IU|万U|片|粒|袋|支|喷|滴|贴|丸)(?![a-zA-Z])"
)
_FREQ = (
    (re.compile(r"(?:每日|每天|一日|1日|日)\s*(\d)\s*次|(\d)\s*次\s*/\s*(?:日|天)"), None),
    (re.compile(r"\bqd\b|每日1次|每晚|睡前|\bqn\b", re.I), 1.0),
    (re.compile(r"\bbid\b|q12h", re.I), 2.0),
    (re.compile(r"\btid\b|q8h", re.I), 3.0),
    (re.compile(r"\bqid\b|q6h", re.I), 4.0),
)
_ROUTES = (
    (re.compile(r"静滴|静脉滴注|静推|静脉注射|ivgtt|\biv\b", re.I), "iv"),
    (re.compile(r"肌注|肌内注射|肌肉注射|\bim\b", re.I), "im"),
    (re.compile(r"皮下注射|皮下|\bih\b|\bsc\b", re.I), "sc"),
    (re.compile(r"雾化|吸入"), "inh"),
    (re.compile(r"外用|外涂|涂抹|外敷"), "topical"),
    (re.compile(r"滴眼|点眼"), "eye"),
    (re.compile(r"口服|\bpo\b|吞服|嚼服|冲服|含服", re.I), "po"),
)
_DAYS = re.compile(r"(?:共|连用|连服|服用|用|疗程)?\s*(\d+)\s*(天|日|周)(?!\s*(?:后|内|前))")
_TO_MG = {"mg": 1.0, "g": 1000.0, "μg": 0.001, "ug": 0.001}
_FORMS = re.compile(
    r"^(?:缓释片|控释片|肠溶片|分散片|片|胶囊|缓释胶囊|颗粒|混悬液|口服液|糖浆|注射液|软膏|乳膏|"
    r"滴眼液|气雾剂|散|丸)"
)


def _frequency(text: str) -> float | None:
    for pattern, fixed in _FREQ:
        m = pattern.search(text)
        if m:
            if fixed is not None:
                return fixed
            digits = [g for g in m.groups() if g]
            return float(digits[0]) if digits else None
    return None


def _route(text: str) -> str | None:
    for pattern, route in _ROUTES:
        if pattern.search(text):
            return route
    return None


def parse_order(drug: str, tail: str) -> Prescription:
    """One prescription from a drug name and the words that follow it."""
    dose = _DOSE.search(tail)
    dose_mg = None
    dose_text = None
    if dose:
        dose_text = f"{dose.group(1)}{dose.group(2)}"
        factor = _TO_MG.get(dose.group(2))
        dose_mg = round(float(dose.group(1)) * factor, 4) if factor else None
    days_match = _DAYS.search(tail)
    days = None
    if days_match:
        days = float(days_match.group(1)) * (7 if days_match.group(2) == "周" else 1)
    return Prescription(
        drug=drug,
        dose_mg=dose_mg,
        dose_text=dose_text,
        frequency_per_day=_frequency(tail),
        route=_route(tail),
        days=days,
    )


def find_prescriptions(
    parts: Sequence[_ClauseLike], drug_names: Sequence[str]
) -> tuple[list[Prescription], list[tuple[int, int]]]:
    """Prescriptions in the treatment clauses, and the (start, end) spans they came from."""
    names = sorted({n for n in drug_names if len(n) >= 2}, key=len, reverse=True)
    if not parts or not names:
        return [], []
    pattern = re.compile("|".join(re.escape(n) for n in names), re.I)
    joined = ""
    offsets: list[tuple[int, int, int]] = []  # (position in joined, in source, clause length)
    for part in parts:
        offsets.append((len(joined), part.start, len(part.text)))
        joined += part.text + "，"
    hits = [m for m in pattern.finditer(joined)]
    out: list[Prescription] = []
    spans: list[tuple[int, int]] = []
    for i, hit in enumerate(hits):
        stop = hits[i + 1].start() if i + 1 < len(hits) else len(joined)
        tail = joined[hit.end() : stop]
        form = _FORMS.match(tail)
        drug = hit.group(0) + (form.group(0) if form else "")
        out.append(parse_order(drug, normalize_numbers(tail)))
        base = max((o for o in offsets if o[0] <= hit.start()), key=lambda o: o[0])
        start = base[1] + hit.start() - base[0]
        # the span ends with its clause: the "，" joining clauses is not in the source text
        end_in_joined = min(stop, base[0] + base[2])
        spans.append((start, start + end_in_joined - hit.start()))
    return out, spans
