"""Deterministic extraction of a 门诊病历 from dictated text (pure; no model).

Two modes:

- **headed** dictation ("主诉：…。现病史：…。查体：…") — each section runs to the next heading;
- **free** dictation ("患者男，65岁，咳嗽3天，…，诊断急性支气管炎，给予…") — every clause is
  classified by its words (history, allergy, exam, tests, diagnosis, treatment…).

Vitals, durations, drugs and doses are pulled out with patterns after numbers are normalised.
Every field keeps the spans of the input it came from (``record.sources``): nothing appears in
the record that is not in the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from appliance.clinical.extract_drugs import find_prescriptions
from appliance.clinical.extract_numbers import normalize_numbers
from appliance.clinical.icd10 import Icd10Table
from appliance.clinical.record import (
    Diagnosis,
    OutpatientRecord,
    PatientInfo,
    Span,
    VisitType,
    Vitals,
)

HEADINGS: tuple[tuple[str, str], ...] = (
    ("主诉", "chief_complaint"),
    ("现病史", "present_illness"),
    ("病情变化", "present_illness"),
    ("既往史", "past_history"),
    ("药物过敏史", "allergy_history"),
    ("过敏史", "allergy_history"),
    ("个人史", "personal_history"),
    ("月经婚育史", "marital_history"),
    ("婚育史", "marital_history"),
    ("月经史", "marital_history"),
    ("家族史", "family_history"),
    ("体格检查", "physical_exam"),
    ("专科检查", "physical_exam"),
    ("查体", "physical_exam"),
    ("辅助检查", "auxiliary_exams"),
    ("检查结果", "auxiliary_exams"),
    ("初步诊断", "diagnoses"),
    ("诊断", "diagnoses"),
    ("处理意见", "treatment_plan"),
    ("治疗意见", "treatment_plan"),
    ("处理", "treatment_plan"),
    ("医嘱", "treatment_plan"),
    ("处置", "treatment_plan"),
)
_HEADING_RE = re.compile(
    r"(?:^|(?<=[。；;\n]))\s*(?:\d[\.、．]\s*)?("
    + "|".join(h for h, _ in HEADINGS)
    + r")(?:为|是|考虑)?\s*[：:，,]?\s*"
)

# Clause classification for free dictation: first matching class wins.
_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("allergy_history", re.compile(r"过敏")),
    ("family_history", re.compile(r"家族|父亲|母亲|父母|兄弟|姐妹")),
    ("marital_history", re.compile(r"婚|月经|末次月经|孕\d|生育|停经")),
    ("personal_history", re.compile(r"吸烟|饮酒|烟酒|嗜烟|嗜酒|抽烟|喝酒|疫区|职业")),
    ("past_history", re.compile(r"既往|病史|曾患|曾行|手术史|外伤史|输血史|传染病史|体健")),
    ("diagnoses", re.compile(r"^(?:初步)?诊断|^考虑|^印象")),
    ("present_illness", re.compile(r"最高|控制(?:可|良好|不佳|欠佳|尚可)|较前|好转|无明显变化")),
    (
        "treatment_plan",
        re.compile(
            r"给予|予以|^予|处方|口服|静滴|静脉滴注|肌注|雾化|^嘱|建议|复诊|随诊|复查|观察|转(?:诊|院|上级|入)|"
            r"治疗|(?:低盐|低脂|清淡|糖尿病|低嘌呤|流质|半流质|控制)饮食|饮食指导|注意休息|卧床休息|多饮水|\d+(?:\.\d+)?\s*(?:mg|g|ml|片|粒|袋)"
        ),
    ),
    (
        "auxiliary_exams",
        re.compile(
            r"血常规|尿常规|便常规|心电图|胸片|X线|CT|MRI|磁共振|B超|彩超|超声|化验|检验|"
            r"糖化|肝功|肾功|甲功|血脂|肌酐|尿酸|白细胞|血红蛋白|C反应蛋白|CRP|TSH|提示|示|血糖|"
            r"μmol|mmol|抗原|核酸|妊娠试验|耐量试验|检测"
        ),
    ),
    (
        "physical_exam",
        re.compile(
            r"查体|体温|血压|心率|脉搏|呼吸\d|呼吸音|啰音|哮鸣音|心律|杂音|腹软|腹部|压痛|反跳痛|"
            r"咽部|咽红|扁桃体|充血|神志|瞳孔|淋巴结|水肿|颈软|病理征|叩击痛|血氧|双肺|心肺|"
            r"皮疹|肌力|\d+\s*mmHg|\d+(?:\.\d)?℃|\d+次/分"
        ),
    ),
)
_DURATION = re.compile(
    r"(\d+(?:\.\d+)?(?:~\d+)?|半|数|几|十余|\d+余)\s*(?:个)?(分钟|小时|天|日|周|星期|月|年)(余|多|半)?"
)
_DEMOGRAPHIC = re.compile(
    r"^(?:患者|病人|患儿)?\s*(?:男|女)(?:性|孩)?(?:，|,)?\s*(?:\d+\s*岁)?$|^\D{0,4}\d{1,3}\s*岁$"
)  # "患者女", "65岁", and an age clause whose first words were misheard ("患著你58岁")
_SEX = re.compile(r"(?:患者|病人|患儿)?\s*(男|女)(?:性|，|,|\s|\d)")
_AGE = re.compile(r"(\d{1,3})\s*岁")
_MAX_AGE = 130.0  # PatientInfo.age's upper bound
_DX_PREFIX = re.compile(r"^(?:初步诊断|诊断为|诊断|考虑为|考虑|印象)[：:为是\s]*")
_DX_SPLIT = re.compile(r"[、，,；;\n]|(?:^|\s)\d[\.、．)]\s*|和|及|并|伴")

_LEAD_HEADING = re.compile(
    r"^(" + "|".join(h for h, _ in HEADINGS) + r")(?:为|是)?\s*[：:]?\s*(?=\S|$)"
)
# classes that end a spoken heading's section even without a full stop
_LEAVES_A_HEADING = (
    "allergy_history",
    "family_history",
    "personal_history",
    "marital_history",
    "diagnoses",
)
_HEADING_HANDOVERS = (("physical_exam", "auxiliary_exams"), ("diagnoses", "treatment_plan"))
# a first clause with a duration in these classes is the chief complaint ("停经40天", "加重3天")
_CHIEF_CLASSES = (None, "physical_exam", "marital_history", "present_illness")
# headed sections a new sentence may leave when it clearly belongs elsewhere
_SWITCHABLE = ("past_history", "physical_exam", "auxiliary_exams", "diagnoses")
_UNIT_DAYS = {
    "分钟": 1 / 1440,
    "小时": 1 / 24,
    "天": 1,
    "日": 1,
    "周": 7,
    "星期": 7,
    "月": 30,
    "年": 365,
}


@dataclass(frozen=True)
class Duration:
    text: str
    days: float
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    text: str
    start: int
    end: int


def durations(text: str) -> list[Duration]:
    """Durations in (normalised) text: "3天" → 3 days, "半年" → 182.5, "2~3周" → 21 (upper)."""
    found = []
    for m in _DURATION.finditer(text):
        amount = m.group(1)
        if amount == "半":
            value = 0.5
        elif amount in ("数", "几"):
            value = 3.0
        elif amount == "十余":
            value = 10.0
        else:
            value = float(amount.replace("余", "").split("~")[-1])
        if m.group(3) == "半":
            value += 0.5
        found.append(Duration(m.group(0), value * _UNIT_DAYS[m.group(2)], m.start(), m.end()))
    return found


def clauses(text: str, start: int = 0, end: int | None = None) -> list[Clause]:
    """Clauses of ``text[start:end]`` split at Chinese/English punctuation, with offsets."""
    end = len(text) if end is None else end
    out = []
    for m in re.finditer(r"[^，,。；;\n？?！!]+[？?]?", text[start:end]):
        piece = m.group(0)
        stripped = piece.strip()
        if stripped:
            offset = start + m.start() + (len(piece) - len(piece.lstrip()))
            out.append(Clause(stripped, offset, offset + len(stripped)))
    return out


def _headed_sections(text: str) -> dict[str, list[Clause]] | None:
    marks = list(_HEADING_RE.finditer(text))
    if len({m.group(1) for m in marks}) < 2:
        return None
    fields = dict(HEADINGS)
    sections: dict[str, list[Clause]] = {}
    preamble_end = marks[0].start()
    if preamble_end:  # free dictation before the first heading
        for field, parts in _free_sections(text[:preamble_end]).items():
            sections.setdefault(field, []).extend(parts)
    for i, mark in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        field = fields[mark.group(1)]
        for part in clauses(text, mark.end(), stop):
            kind = _classify(part.text)
            new_sentence = text[part.start - 1 : part.start] in "。；;\n？?！!"
            if field == "physical_exam" and kind == "auxiliary_exams":
                field = "auxiliary_exams"  # "查体：…。心电图提示…" — a test result, not a sign
            elif field == "diagnoses" and kind == "treatment_plan":
                field = "treatment_plan"  # "诊断…。给予…" said without a heading
            elif new_sentence and field in _SWITCHABLE and kind and kind != field:
                field = kind
            sections.setdefault(field, []).append(part)
    return sections


def _classify(clause: str) -> str | None:
    for field, pattern in _CLASSES:
        if pattern.search(clause):
            return field
    return None


def _spoken_heading(clause: Clause) -> tuple[str | None, Clause | None]:
    """A heading said at the start of a clause ("查体体温38.2℃", "过敏史对青霉素过敏"): its
    field and the rest of the clause (None when the clause is only the heading)."""
    m = _LEAD_HEADING.match(clause.text)
    if not m:
        return None, clause
    field = dict(HEADINGS)[m.group(1)]
    rest = clause.text[m.end() :]
    if not rest:
        return field, None
    return field, Clause(rest, clause.start + m.end(), clause.end)


def _free_sections(text: str) -> dict[str, list[Clause]]:
    """Clauses classified by their words; a heading said in the flow (speech has no colons and
    few full stops) opens its section until the next heading or a clause that clearly belongs
    elsewhere (an allergy, a diagnosis, family/personal history)."""
    sections: dict[str, list[Clause]] = {}
    previous: str | None = None
    spoken: str | None = None
    chief_open = True
    for whole in clauses(text):
        new_sentence = whole.start == 0 or text[whole.start - 1 : whole.start] in "。；;\n？?！!"
        if new_sentence:
            previous = None
        heard, clause = _spoken_heading(whole)
        if heard:
            spoken = previous = heard
            chief_open = chief_open and heard == "chief_complaint"
            if clause is None:
                continue
        elif spoken:
            kind = _classify(whole.text)
            if (spoken, kind) in _HEADING_HANDOVERS:
                spoken = kind  # "查体…，心电图提示…": a test result; "诊断…，给予…": treatment
            elif kind in _LEAVES_A_HEADING and kind != spoken:
                spoken = None
        if clause is None:
            continue
        if spoken:
            sections.setdefault(spoken, []).append(clause)
            previous = spoken
            continue
        field = _classify(clause.text)
        norm = normalize_numbers(clause.text)
        spans = durations(norm)
        onset = any(norm[d.end : d.end + 1] in ("前", "后") for d in spans)
        if _DEMOGRAPHIC.match(norm) or norm in ("初诊", "复诊"):
            field = "_preamble"
        elif chief_open and spans and not onset and field in _CHIEF_CLASSES:
            field = "chief_complaint"
        elif field is None:
            field = previous if previous not in (None, "_preamble", "chief_complaint") else None
            field = field or "present_illness"
        if field not in ("_preamble", "chief_complaint"):
            chief_open = False
        sections.setdefault(field, []).append(clause)
        previous = field
    return sections


def _join(parts: Sequence[Clause]) -> str:
    return normalize_numbers("，".join(p.text for p in parts))


def extract_vitals(text: str) -> Vitals:
    """Vitals from normalised text (first value of each kind wins)."""
    t = normalize_numbers(text)
    patterns = {
        "temp": r"(?<!最高)(?:体温|T)(?!最高)[^0-9，。；]{0,6}(\d{2}(?:\.\d)?)\s*℃",
        "hr": r"(?:心率|脉搏|脉率|HR|P)[^0-9，。；]{0,6}(\d{2,3})\s*(?:次/分|bpm)",
        "rr": r"(?:呼吸|R)[^0-9，。；音]{0,4}(\d{1,2})\s*次/分",
        "spo2": r"(?:血氧饱和度|血氧|SpO2|指脉氧)[^0-9，。；]{0,6}(\d{2,3})\s*%",
        "glucose": r"(?:血糖)[^0-9，。；]{0,6}(\d{1,2}(?:\.\d+)?)\s*mmol/L",
        "weight_kg": r"体重[^0-9，。；]{0,4}(\d{2,3}(?:\.\d)?)\s*kg",
        "height_cm": r"身高[^0-9，。；]{0,4}(\d{2,3}(?:\.\d)?)\s*cm",
    }
    values: dict[str, float] = {}
    bp = re.search(r"(?:血压|BP)[^0-9，。；]{0,6}(\d{2,3})\s*/\s*(\d{2,3})", t)
    if bp:
        values["sbp"], values["dbp"] = float(bp.group(1)), float(bp.group(2))
    for name, pattern in patterns.items():
        m = re.search(pattern, t)
        if m:
            values[name] = float(m.group(1))
    if "temp" not in values:
        m = re.search(r"(\d{2}\.\d)\s*℃", t)
        if m and "最高" not in t[max(0, m.start() - 6) : m.start()]:
            values["temp"] = float(m.group(1))
    return Vitals(**values)


def _patient(text: str) -> PatientInfo | None:
    head = normalize_numbers(text[:40])
    sex = _SEX.search(head)
    found = _AGE.search(head)
    # an age beyond a human life ("二百岁", a slip of the tongue or a number misheard) is no age:
    # the record leaves it empty for the doctor rather than failing on it
    age = float(found.group(1)) if found else None
    if age is not None and age > _MAX_AGE:
        age = None
    if not sex and age is None:
        return None
    return PatientInfo(sex=("M" if sex.group(1) == "男" else "F") if sex else None, age=age)


def split_diagnoses(text: str) -> list[str]:
    names = []
    for piece in _DX_SPLIT.split(normalize_numbers(text)):
        name = _DX_PREFIX.sub("", piece.strip()).strip("。.：: ")
        if name and not re.fullmatch(r"[\d\W]+", name) and name not in names:
            names.append(name)
    return names


def _span(text: str, start: int, end: int) -> Span:
    """``text[start:end]`` without the whitespace at its ends (the span stays true to it)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end, text=text[start:end])


def extract_record(
    text: str,
    *,
    visit_type: VisitType | None = "initial",
    icd: Icd10Table | None = None,
    drug_names: Sequence[str] = (),
) -> OutpatientRecord:
    """Structure dictated ``text`` into an :class:`OutpatientRecord` with provenance."""
    sections = _headed_sections(text) or _free_sections(text)
    sources: dict[str, list[Span]] = {}
    values: dict[str, object] = {}
    for field, parts in sections.items():
        if field.startswith("_") or not parts:
            continue
        sources[field] = [Span(start=p.start, end=p.end, text=p.text) for p in parts]
        if field == "diagnoses":
            diagnoses = []
            for name in split_diagnoses("，".join(p.text for p in parts)):
                entry = icd.lookup(name) if icd else None
                diagnoses.append(Diagnosis(name=name, icd10=entry.code if entry else None))
            values["diagnoses"] = diagnoses
        else:
            values[field] = _join(parts)
    exam_parts = sections.get("physical_exam", []) + sections.get("auxiliary_exams", [])
    vitals_source = "，".join(p.text for p in exam_parts) or text
    vitals = extract_vitals(vitals_source)
    if vitals.present():
        sources["vitals"] = [Span(start=p.start, end=p.end, text=p.text) for p in exam_parts]
    plan_parts = sections.get("treatment_plan", [])
    prescriptions, rx_spans = find_prescriptions(plan_parts, drug_names)
    if rx_spans:
        sources["prescriptions"] = [_span(text, s, e) for s, e in rx_spans]
    return OutpatientRecord(
        visit_type=visit_type,
        patient=_patient(text),
        vitals=vitals,
        prescriptions=prescriptions,
        sources=sources,
        **values,  # type: ignore[arg-type]
    )
