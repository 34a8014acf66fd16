"""Exact dates shifted by a per-patient offset (intervals kept) and ages over 89 generalised."""

from __future__ import annotations

import datetime as dt
import re

from sync._spans import Span

_YMD_ZH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_YMD_NUM = re.compile(r"(?<![\d.])((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])")
_DMY_NUM = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/.])")
_YM_ZH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
_MD_ZH = re.compile(r"(?<![\d年])(?<!年\s)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_MDY_EN = re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\b")
_DMY_EN = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+((?:19|20)\d{{2}})\b")
_MONTH_NUM = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_EN_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_AGE_ZH = re.compile(r"(?<![\d.])(\d{2,3})\s*(周岁|岁)")
_AGE_ZH_WORDS = re.compile(
    r"(?:九十[一二三四五六七八九]?|百|一百[零一二三四五六七八九十]*)多?(?:周岁|岁)"
)
_AGE_EN = re.compile(
    r"(?i)\b(?:(aged?\s*[:：]?\s*)(\d{2,3})|(\d{2,3})(\s*-?\s*(?:years?|yrs?|y/?o)(?:[- ]old)?))\b"
)


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def date_spans(text: str, shift_days: int, reference_year: int) -> list[Span]:
    """Spans replacing each exact date with the same date moved by ``shift_days``."""
    delta = dt.timedelta(days=shift_days)
    spans: list[Span] = []

    def add(m: re.Match[str], date: dt.date | None, fmt: str) -> None:
        if date is None:
            return
        s = date + delta
        out = fmt.format(
            y=s.year,
            m=s.month,
            d=s.day,
            mm=f"{s.month:02d}",
            dd=f"{s.day:02d}",
            mon=_EN_MONTH_NAMES[s.month - 1],
        )
        spans.append(Span(m.start(), m.end(), "date", out, 8))

    for m in _YMD_ZH.finditer(text):
        add(m, _valid(int(m[1]), int(m[2]), int(m[3])), "{y}年{m}月{d}日")
    for m in _YMD_NUM.finditer(text):
        sep = m[2]
        add(m, _valid(int(m[1]), int(m[3]), int(m[4])), "{y}" + sep + "{mm}" + sep + "{dd}")
    for m in _DMY_NUM.finditer(text):
        add(m, _valid(int(m[3]), int(m[2]), int(m[1])), "{dd}/{mm}/{y}")
    for m in _MDY_EN.finditer(text):
        add(m, _valid(int(m[3]), _MONTH_NUM[m[1].lower()], int(m[2])), "{mon} {d}, {y}")
    for m in _DMY_EN.finditer(text):
        add(m, _valid(int(m[3]), _MONTH_NUM[m[2].lower()], int(m[1])), "{d} {mon} {y}")
    for m in _MD_ZH.finditer(text):
        add(m, _valid(reference_year, int(m[1]), int(m[2])), "{m}月{d}日")
    for m in _YM_ZH.finditer(text):
        add(m, _valid(int(m[1]), int(m[2]), 15), "{y}年{m}月")
    return spans


def age_spans(text: str) -> list[Span]:
    """Ages over 89 become the category 90 or older (HIPAA Safe Harbor)."""
    spans: list[Span] = []
    for m in _AGE_ZH.finditer(text):
        if int(m[1]) > 89:
            spans.append(Span(m.start(), m.end(), "age", "90岁以上", 6))
    for m in _AGE_ZH_WORDS.finditer(text):
        spans.append(Span(m.start(), m.end(), "age", "90岁以上", 6))
    for m in _AGE_EN.finditer(text):
        value = m[2] or m[3]
        if int(value) > 89:
            spans.append(Span(m.start(), m.end(), "age", "age 90 or older", 6))
    return spans


def shift_iso_date(value: str, shift_days: int) -> str | None:
    """Shift an ISO date (YYYY-MM-DD, optionally with a time) keeping its format; None if bad."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(.*)$", value.strip())
    if not m:
        return None
    d = _valid(int(m[1]), int(m[2]), int(m[3]))
    if d is None:
        return None
    return (d + dt.timedelta(days=shift_days)).isoformat() + m[4]
