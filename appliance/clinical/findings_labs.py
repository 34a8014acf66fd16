"""Lab values with units written in free text (pure): "白细胞 15.2×10^9/L", "Hb 78 g/L",
"肌酐 2.1 mg/dL" (→ 185.6 μmol/L), "K+ 6.1", "troponin I 0.8 ng/mL".

The analyte table (names in Chinese and English, canonical unit, conversion factors) is data:
``appliance/knowledge/data/lab_analytes.toml``, passed in as :class:`Analyte` rows. Values are
returned in the analyte's canonical unit, each with the span it came from. Nothing is judged
here: reference ranges and what a value means belong to the caller's own data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from appliance.clinical.findings_text import NUM, fold, fold_term, to_number
from appliance.clinical.findings_vitals import Span, TextReading

_UNIT = (
    r"(×\s*10\^?\s*9\s*/\s*l|x\s*10\^?\s*9\s*/\s*l|\*\s*10\^?\s*9\s*/\s*l|10\^9\s*/\s*l|"
    r"×\s*10\^?\s*12\s*/\s*l|10\^12\s*/\s*l|μmol\s*/\s*l|µmol\s*/\s*l|umol\s*/\s*l|mmol\s*/\s*l|"
    r"mg\s*/\s*dl|g\s*/\s*dl|g\s*/\s*l|mg\s*/\s*l|ng\s*/\s*ml|ng\s*/\s*l|pg\s*/\s*ml|μg\s*/\s*l|"
    r"u\s*/\s*l|iu\s*/\s*l|ml\s*/\s*min(?:\s*/\s*1\.73\s*m2)?|%|秒|s\b)?"
)
_LINK = r"\s*[:：=]?\s*(?:为|是|约|达|高达|仅|升高至|降至|of|is|was)?\s*"


@dataclass(frozen=True)
class Analyte:
    id: str
    names: tuple[str, ...]
    unit: str
    #: other unit (folded, without spaces) → factor to multiply by to get ``unit``
    factors: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class LabValue:
    id: str
    value: float
    unit: str
    span: Span
    text: str
    unit_written: str = ""


def _pattern(analyte: Analyte) -> re.Pattern[str]:
    names = sorted((re.escape(fold_term(n)) for n in analyte.names), key=len, reverse=True)
    ascii_guard = r"(?<![a-z])"
    return re.compile(rf"{ascii_guard}(?:{'|'.join(names)})(?![a-z]){_LINK}({NUM})\s*{_UNIT}")


def extract_labs(text: str, analytes: tuple[Analyte, ...]) -> list[LabValue]:
    """Lab values of the given analytes found in ``text``, in text order.

    Where two analytes' mentions overlap, the one that starts first (then the longer) wins:
    "糖化血红蛋白 7.8%" is HbA1c, not a haemoglobin of 7.8. A value told of another specimen in its
    clause or counted per microscope field is left out (see :func:`_of_blood`).
    """
    folded = fold(text)
    candidates: list[tuple[re.Match[str], Analyte]] = [
        (m, analyte) for analyte in analytes for m in _pattern(analyte).finditer(folded)
    ]
    candidates.sort(key=lambda c: (c[0].start(), -(c[0].end() - c[0].start())))
    used: list[Span] = []
    out: list[LabValue] = []
    for m, analyte in candidates:
        if any(not (m.end() <= s or m.start() >= e) for s, e in used):
            continue
        value = to_number(m.group(1))
        if value is None or not _of_blood(folded, m.start(), m.end()):
            continue
        written = re.sub(r"\s+", "", m.group(2) or "")
        factor = dict(analyte.factors).get(written, 1.0)
        used.append(m.span())
        out.append(
            LabValue(
                analyte.id,
                round(value * factor, 3),
                analyte.unit,
                m.span(),
                text[m.start() : m.end()],
                written,
            )
        )
    return sorted(out, key=lambda v: v.span)


# Electrolytes by their bare symbols ("K 6.8mmol/L", "Na 118 mmol/L") only with the unit written:
# a bare "K" or "Na" before a number is too often something else (vitamin K 10 mg).
_SYMBOL_UNIT = re.compile(rf"(?<![a-z])(k|na)\s*[:：=]?\s*({NUM})\s*mmol\s*/\s*l")
_SYMBOLS = {"k": "potassium", "na": "sodium"}


def lab_readings(
    text: str, analytes: tuple[Analyte, ...], skip: tuple[str, ...] = ()
) -> dict[str, TextReading]:
    """The first value of each analyte in ``text`` as a measured quantity ``lab_<id>`` (for rows
    judged like vitals: a critical potassium), plus electrolytes by their symbol with a unit;
    analytes in ``skip`` are read elsewhere (a glucose is a vital)."""
    out: dict[str, TextReading] = {}
    folded = fold(text)
    for lab in extract_labs(text, analytes):
        key = f"lab_{lab.id}"
        if lab.id not in skip and key not in out:
            out[key] = TextReading(key, lab.value, lab.unit, lab.span, lab.text)
    for m in _SYMBOL_UNIT.finditer(folded):
        key = f"lab_{_SYMBOLS[m.group(1)]}"
        value = to_number(m.group(2))
        if value is not None and key not in out and _of_blood(folded, *m.span()):
            out[key] = TextReading(key, value, "mmol/L", m.span(), text[m.start() : m.end()])
    return out


# The same names count cells and salts in other specimens: "尿常规白细胞0" and "脑脊液白细胞 5" are
# no blood count, "尿钠 20 mmol/L" no serum sodium, "白细胞 1 个/HP" a microscope field.
_OTHER_SPECIMEN = re.compile(
    r"尿|便|粪|脑脊液|胸水|胸腔积液|腹水|白带|痰|精液|\b(?:urine|urinalysis|stool|csf|sputum)\b"
)
_PER_FIELD = re.compile(r"\s*(?:个|cells?)?\s*/\s*(?:hp|hpf|ul|μl|µl)")
_CLAUSE_BREAK = re.compile(r"[，,。；;\n]")


def _of_blood(folded: str, start: int, end: int) -> bool:
    """The value at ``[start, end)`` is not told of another specimen in its clause."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(folded, 0, start)]
    before = folded[max(breaks[-1] if breaks else 0, start - 12) : start]
    return not _OTHER_SPECIMEN.search(before) and not _PER_FIELD.match(folded, end)


__all__ = ["Analyte", "LabValue", "extract_labs", "lab_readings"]
