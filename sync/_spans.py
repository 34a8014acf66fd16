"""Spans found in free text and how they are merged and applied."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

# Replacement markers, one per identifier category (shown to the mentor in place of the value).
MARKERS: dict[str, str] = {
    "patient_name": "[患者]",
    "name": "[姓名]",
    "resident_id": "[身份证号]",
    "phone": "[电话]",
    "email": "[邮箱]",
    "url": "[网址]",
    "record_number": "[编号]",
    "license_plate": "[车牌]",
    "address": "[地址]",
    "place": "[地名]",
    "employer": "[单位]",
    "account": "[账号]",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    replacement: str
    priority: int = 0  # higher wins on overlap, then the longer span


def merge(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans, preferring higher priority and then longer spans.

    The spans already taken are kept sorted by start, and they never overlap, so one new span
    can only collide with its two neighbours: a binary search each, O(n log n) in all (the
    earlier all-pairs check made a long note quadratic: 64 KB took over a second).
    """
    ordered = sorted(spans, key=lambda s: (-s.priority, -(s.end - s.start), s.start))
    starts: list[int] = []
    taken: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        i = bisect.bisect_left(starts, span.start)
        if i < len(taken) and taken[i].start < span.end:
            continue  # the next span taken starts inside this one
        if i > 0 and taken[i - 1].end > span.start:
            continue  # the previous span taken runs into this one
        starts.insert(i, span.start)
        taken.insert(i, span)
    return taken


def apply(text: str, spans: list[Span]) -> str:
    out: list[str] = []
    pos = 0
    for span in spans:
        out.append(text[pos : span.start])
        out.append(span.replacement)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
