"""Exam-ordering hints (检查合理性提示), pure.

- The same exam again within its window (the store supplies prior exams with dates).
- Lumbar imaging for low-back pain in the first 6 weeks without red flags (ACR/ACP).
- Head CT after minor head injury when the Canadian CT Head Rule clears the patient.
- Brain imaging for uncomplicated headache or simple syncope (Choosing Wisely).
Hints advise; they never block an order. Each names its rule and source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from appliance.clinical._text import compact, find_terms, normalize

_DURATION = re.compile(
    r"(\d+(?:\.\d+)?|[一二两三四五六七八九十半]+)\s*(?:个)?\s*"
    r"(天|日|周|星期|礼拜|月|年|days?|weeks?|months?|years?)"
)
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10, "半": 0.5}  # fmt: skip
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30, "年": 365,
              "day": 1, "week": 7, "month": 30, "year": 365}  # fmt: skip


@dataclass(frozen=True)
class ExamType:
    id: str
    name_zh: str
    name_en: str
    terms: tuple[str, ...]
    imaging: bool
    lumbar: bool
    repeat_window_days: int | None


@dataclass(frozen=True)
class PriorExam:
    exam: str
    on: date
    result: str = ""


@dataclass(frozen=True)
class ExamHint:
    rule: str
    exam: str
    severity: Literal["warning", "info"]
    message_zh: str
    message_en: str
    source: str
    prior: PriorExam | None = None

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "exam": self.exam,
            "severity": self.severity,
            "message": self.message_en if lang == "en" else self.message_zh,
            "source": self.source,
        }
        if self.prior is not None:
            out["prior"] = {"exam": self.prior.exam, "date": self.prior.on.isoformat(),
                            "result": self.prior.result}  # fmt: skip
        return out


@dataclass(frozen=True)
class ExamKnowledge:
    exams: tuple[ExamType, ...]
    rules: dict[str, dict[str, Any]]
    sources: dict[str, str] = field(default_factory=dict)

    def cite(self, keys: str) -> str:
        return "；".join(
            self.sources.get(k.strip(), k.strip()) for k in keys.split(";") if k.strip()
        )


def identify_exam(name: str, kb: ExamKnowledge) -> ExamType | None:
    key = compact(name)
    for exam in kb.exams:
        if any(compact(t) in key or key == compact(t) for t in exam.terms):
            return exam
    return None


def duration_days(text: str) -> float | None:
    """The longest "N 天/周/月/年" (or English) span mentioned in ``text``."""
    best: float | None = None
    for num, unit in _DURATION.findall(normalize(text)):
        n = _CN_NUM.get(num) if num in _CN_NUM else None
        if n is None:
            try:
                n = float(num)
            except ValueError:
                n = sum(_CN_NUM.get(ch, 0) for ch in num) or None
        if n is None:
            continue
        unit_key = unit.rstrip("s") if unit.isascii() else unit
        days = n * _UNIT_DAYS[unit_key]
        best = days if best is None else max(best, days)
    return best


def _repeat_hints(
    exams: list[ExamType],
    prior: list[PriorExam],
    today: date,
    default_window: int,
    kb: ExamKnowledge,
) -> list[ExamHint]:
    spec = kb.rules["repeat"]
    hints: list[ExamHint] = []
    for exam in exams:
        window = exam.repeat_window_days or default_window
        window = min(window, default_window) if exam.imaging else window
        for p in prior:
            same = identify_exam(p.exam, kb)
            if same is None or same.id != exam.id:
                continue
            age = (today - p.on).days
            if 0 <= age <= window:
                hints.append(
                    ExamHint(
                        spec["rule"],
                        exam.name_zh,
                        "warning",
                        f"{age} 天前已做{exam.name_zh}（{p.on.isoformat()}），在 {window} 天内重复，"
                        f"请先查看既往结果{('：' + p.result[:60]) if p.result else ''}，确有必要再开。",
                        f"{exam.name_en} was done {age} days ago ({p.on.isoformat()}), within "
                        f"{window} days: review that result first and repeat only if needed.",
                        kb.cite(spec["source"]),
                        p,
                    )
                )
                break
    return hints


def _lbp_hint(
    exams: list[ExamType], text: str, age: float | None, days: float | None, kb: ExamKnowledge
) -> list[ExamHint]:
    spec = kb.rules["low_back_pain"]
    lumbar = [e for e in exams if e.lumbar]
    if not lumbar or not find_terms(text, spec["complaint_terms"]):
        return []
    if find_terms(text, spec["red_flags"]) or (age is not None and age >= spec["red_flag_age"]):
        return []
    limit = spec["weeks"] * 7
    if days is not None and days >= limit:
        return []
    known = days is not None
    note_zh = "" if known else "（病程未记录，如已超过 6 周或有危险信号请注明）"
    note_en = "" if known else " (duration not recorded; note it if over 6 weeks or red flags)"
    return [
        ExamHint(
            spec["rule"],
            e.name_zh,
            "warning" if known else "info",
            f"腰痛 6 周内且无危险信号（外伤、发热、肿瘤史、体重下降、马尾/神经功能缺损等），"
            f"指南不建议{e.name_zh}，先保守治疗{note_zh}。",
            f"Low-back pain under 6 weeks without red flags: guidelines advise against "
            f"{e.name_en}; treat conservatively first{note_en}.",
            kb.cite(spec["source"]),
        )
        for e in lumbar
    ]


def _head_injury_hint(
    exams: list[ExamType], text: str, age: float | None, gcs: float | None, kb: ExamKnowledge
) -> list[ExamHint]:
    spec = kb.rules["head_injury"]
    ct = [e for e in exams if e.id == "ct_head"]
    if not ct or not find_terms(text, spec["complaint_terms"]):
        return []
    if age is None or age < spec["min_age"] or (gcs is not None and gcs < 13):
        return []  # outside the rule (children: PECARN; GCS <13: CT needed)
    if find_terms(text, spec["exclusions"]):
        return []
    if gcs is not None and gcs < 15:
        return []
    if (
        age >= spec["high_risk_age"]
        or find_terms(text, spec["high_risk"])
        or find_terms(text, spec["medium_risk"])
    ):
        return []
    return [
        ExamHint(
            spec["rule"],
            ct[0].name_zh,
            "warning",
            "轻型头部外伤：GCS 15、年龄 <65 岁、无呕吐≥2 次、无颅骨骨折征象、无危险受伤机制，"
            "按加拿大 CT 头颅规则无需头颅 CT，可观察并交代返诊指征。",
            "Minor head injury with GCS 15, age <65, no vomiting ≥2, no skull fracture signs "
            "and no dangerous mechanism: the Canadian CT Head Rule says CT is not needed.",
            kb.cite(spec["source"]),
        )
    ]


def _simple_hint(
    key: str,
    exams: list[ExamType],
    text: str,
    age: float | None,
    kb: ExamKnowledge,
    zh: str,
    en: str,
) -> list[ExamHint]:
    spec = kb.rules[key]
    brain = [e for e in exams if e.id in ("ct_head", "mri_head")]
    if (
        not brain
        or not find_terms(text, spec["complaint_terms"])
        or find_terms(text, spec["red_flags"])
    ):
        return []
    if key == "headache" and age is not None and age >= spec["new_after_age"]:
        return []
    return [
        ExamHint(
            spec["rule"],
            e.name_zh,
            "info",
            zh.format(e.name_zh),
            en.format(e.name_en),
            kb.cite(spec["source"]),
        )
        for e in brain
    ]


def exam_hints(
    exams: list[str],
    *,
    complaint: str,
    age: float | None,
    gcs: float | None,
    duration_text_days: float | None,
    prior: list[PriorExam],
    today: date,
    default_window_days: int,
    kb: ExamKnowledge,
) -> tuple[list[ExamHint], list[str]]:
    """Hints for the ordered ``exams``; also returns the names it could not identify."""
    known: list[ExamType] = []
    unknown: list[str] = []
    for name in exams:
        exam = identify_exam(name, kb)
        (known.append(exam) if exam else unknown.append(name))
    days = duration_text_days if duration_text_days is not None else duration_days(complaint)
    hints = _repeat_hints(known, prior, today, default_window_days, kb)
    hints += _lbp_hint(known, complaint, age, days, kb)
    hints += _head_injury_hint(known, complaint, age, gcs, kb)
    hints += _simple_hint(
        "headache",
        known,
        complaint,
        age,
        kb,
        "无危险信号的普通头痛不建议做{}（Choosing Wisely）。",
        "Uncomplicated headache without red flags: {} is not advised (Choosing Wisely).",
    )
    hints += _simple_hint(
        "syncope",
        known,
        complaint,
        age,
        kb,
        "单纯晕厥且神经系统检查正常，不建议做{}。",
        "Simple syncope with a normal neurological exam: {} is not advised.",
    )
    return hints, unknown
