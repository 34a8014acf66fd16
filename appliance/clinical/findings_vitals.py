"""Vital signs, age, sex and pregnancy written in free text, with the span they came from (pure).

    >>> v = extract_vitals("男，5个月，体温三十九度五，心率180次/分，血氧88%，血压78/触诊")
    >>> v.values["temp"].value, v.values["spo2"].value, v.values["sbp"].value
    (39.5, 88.0, 78.0)
    >>> v.age_years.value, v.sex.value, v.sbp_palpable is not None
    (0.4166666666666667, 'M', True)

Chinese and English; numbers in digits or Chinese numerals; °F converted to °C and glucose in
mg/dL to mmol/L. Keys are those of the triage contract: ``sbp dbp hr rr temp spo2 gcs glucose
pain``. When one vital is written twice, the reading furthest from normal is kept in
``values`` and every reading is in ``readings``. A value outside what a living patient can
show (temperature 50 °C, SpO2 150%) is not taken. Spans are ``(start, end)`` offsets into the
text as given (normalisation keeps the length, see :mod:`findings_text`).

Used by triage and by decision support (#19); this module only reads numbers, it judges nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from appliance.clinical.findings_text import CN_NUM, NUM, fold, to_number

Span = tuple[int, int]


@dataclass(frozen=True)
class TextReading:
    """One value read from the text: ``key`` (e.g. ``"temp"``), value in the canonical unit."""

    key: str
    value: float
    unit: str
    span: Span
    text: str


@dataclass(frozen=True)
class TextFact:
    """A non-numeric fact (sex ``"M"``/``"F"``, a palpable-only BP) with its span."""

    key: str
    value: str
    span: Span
    text: str


@dataclass(frozen=True)
class VitalsFromText:
    values: dict[str, TextReading] = field(default_factory=dict)
    readings: tuple[TextReading, ...] = ()
    age_years: TextReading | None = None
    sex: TextFact | None = None
    pregnancy_weeks: TextReading | None = None
    sbp_palpable: TextFact | None = None

    @property
    def pregnant(self) -> bool:
        return self.pregnancy_weeks is not None


VITAL_KEYS = ("sbp", "dbp", "hr", "rr", "temp", "spo2", "gcs", "glucose", "pain")
# Plausible ranges for a living patient (a value outside is a different number, not a vital).
_PLAUSIBLE = {"sbp": (30, 300), "dbp": (10, 200), "hr": (10, 300), "rr": (3, 90),
              "temp": (25, 45), "spo2": (30, 100), "gcs": (3, 15), "glucose": (0.5, 60),
              "pain": (0, 10)}  # fmt: skip
# Centre of the normal range: the reading furthest from it (relative) is the one kept.
_CENTRE = {"sbp": 120, "dbp": 80, "hr": 80, "rr": 16, "temp": 37, "spo2": 100, "gcs": 15,
           "glucose": 6, "pain": 0}  # fmt: skip

# A short Latin label stands alone, but the number may follow it with no space, as nurse
# shorthand writes it ("T39.8 P126 R24 BP98/58"), and a Chinese character may come just before
# it ("测BP160/100"): a word boundary would refuse both.
_A = r"(?<![a-z0-9])"
_Z = r"(?![a-z])"

# Between a label and its number, up to three short link words: a copula or a measuring verb
# and a hedge, as triage notes and relatives write them ("血压量着六十八/四十", "心跳大概一百四",
# "血氧只有85%", "体温测了39度").
_LINK_WORD = (
    r"(?:为|是|约|大约|大概|差不多|估计|达到?|高达|仅有?|只有|只|才|就|也|都|有|一直|总是|测得?|测着|测了|"
    r"测出来?|量得?|量着|量了|量出来?|降至|降到|升至|快到|显示|一量|一测|好几[回次遍]|几[回次遍]|每[回次])"
)
_LINK = (
    rf"\s*[:：=]?\s*(?:{_LINK_WORD}\s*){{0,3}}(?:of|at|is|was|~|"
    r"reads?|reading|measured|showed|shows)?\s*"
)
_NOT_AFTER = r"(?!\s*(?:天|日|小时|周|个?月|年|岁|分钟|min\b|days?|hours?|weeks?|months?|years?))"
_TIMES = r"(?:次\s*/\s*分钟?|次每分钟?|次/min|次|bpm|/\s*min|/分|per min(?:ute)?|beats)"

_TEMP_LABEL = (
    rf"(?:体温|腋温|肛温|口温|耳温|{_A}t{_Z}|\btemp(?:erature)?\b|发热|发烧|烧到|烧至|高热|高烧|"
    r"febrile(?: to)?|fever(?: of| to)?)"
)
_TEMP_UNIT = r"(℃|°\s*c\b|摄氏度|度|°|c\b|℉|°\s*f\b|华氏度|f\b)"
_TEMP_LABELLED = re.compile(
    rf"{_TEMP_LABEL}{_LINK}(?:最高)?\s*({NUM})\s*{_TEMP_UNIT}?(?:([零一二三四五六七八九])(?![十百]))?"
)
_TEMP_BARE = re.compile(
    rf"(?<![\d.])({NUM})\s*(℃|°\s*c\b|摄氏度|度|℉|°\s*f\b|华氏度)(?:([零一二三四五六七八九])(?![十百]))?"
)
_BP = re.compile(
    rf"(?:血压|{_A}b/?p{_Z}|blood pressure){_LINK}({NUM})\s*(?:/|比|over)\s*"
    rf"({NUM}|触诊|触不到|测不出|palp(?:ated|able|ation)?\b|p\b)"
)
# "血压触诊大约六十", "BP palpable at 70": only a palpated systolic pressure.
_BP_PALPATED = re.compile(
    rf"(?:血压|{_A}b/?p{_Z}|blood pressure)\s*(?:触诊|摸着|palp(?:ated|able)?)(?:\s*(?:at|of))?{_LINK}({NUM})"
)
_BP_BARE = re.compile(r"(?<![\d./])(\d{2,3})\s*/\s*(\d{2,3})\s*(?:mmhg|毫米汞柱)")
_SBP_ONLY = re.compile(rf"(?:收缩压|(?<![血])高压|systolic(?: bp| pressure)?){_LINK}({NUM})")
# one number told for the blood pressure ("血压七十", "BP 80") is the systolic: people say the
# upper number (a pair, a palpated or a labelled one is read by the patterns above first)
_BP_SPOKEN_SYSTOLIC = re.compile(
    rf"(?:血压|{_A}b/?p{_Z}|blood pressure){_LINK}({NUM})(?!\s*(?:/|比|over\b|\d))(?![多来几]?\s*(?:/|比))"
    rf"{_NOT_AFTER}"
)
_DBP_ONLY = re.compile(rf"(?:舒张压|低压|diastolic(?: bp| pressure)?){_LINK}({NUM})")
_HR = re.compile(
    rf"(?:心率|脉搏|脉率|心跳|{_A}(?:hr|p|pr){_Z}|pulse(?: rate)?|heart rate|tachycardic|"
    rf"bradycardic){_LINK}({NUM})\s*{_TIMES}?{_NOT_AFTER}"
)
_RR = re.compile(
    rf"(?:呼吸频率|呼吸|{_A}r?r{_Z}|resp(?:iratory)?(?: rate)?|respirations?|tachypn(?:o)?eic)"
    rf"{_LINK}({NUM})\s*{_TIMES}?{_NOT_AFTER}"
)
# "呼吸急促，30次/分", "心跳很快，150次/分": a short description between the label and the
# number is allowed only when the per-minute unit is written.
_HR_GAP = re.compile(
    rf"(?:心率|脉搏|心跳)[^\d，,。；;]{{1,4}}[，,]?\s*({NUM})\s*(?:次\s*/\s*分钟?|次每分钟?|bpm)"
)
_RR_GAP = re.compile(
    rf"(?:呼吸)[^\d，,。；;]{{1,4}}[，,]?\s*({NUM})\s*(?:次\s*/\s*分钟?|次每分钟?)"
)
_RR_BREATHING = re.compile(
    rf"\bbreathing\s+(?:at\s+)?({NUM})\s*(?:times\s+(?:a|per)\s+minute|/\s*min|breaths)"
)
_TEMP_PEAK = re.compile(
    rf"(?:最高|高达|烧到)\s*(?:体温)?\s*(?:达|到)?\s*({NUM})(?!\s*(?:次|mmhg|/|%|分|岁|天))"
)
_SPO2 = re.compile(
    rf"(?:血氧饱和度|指脉氧|氧饱和度|经皮血氧|血氧|饱和度|{_A}sp[o0]2|{_A}sa[o0]2|\bo2 ?sats?\b|"
    rf"\bsats?\b|oxygen saturation|saturating){_LINK}(?:百分之)?({NUM})\s*%?"
)
_GCS = re.compile(
    rf"(?:{_A}gcs{_Z}|格拉斯哥(?:昏迷)?评分|昏迷评分){_LINK}(?:评分)?\s*({NUM})\s*分?"
)
_GCS_EVM = re.compile(r"\be\s*([1-4])\s*v\s*([1-5t])\s*m\s*([1-6])\b")
_PAIN = re.compile(
    rf"(?:疼痛评分|疼痛|痛|\bpain(?: score)?|\bnrs\b|\bvas\b){_LINK}(?:评分)?\s*({NUM})\s*"
    r"(/\s*10\b|分)"
)
_PAIN_BARE = re.compile(r"(?<![\d/.])(\d{1,2})\s*/\s*10\b(?=[^。；;.]{0,12}(?:pain|痛))")
_PAIN_AFTER = re.compile(r"(?:pain|ache|痛|疼)[^。；;.\d]{0,12}?(?<![\d/.])(\d{1,2})\s*/\s*10\b")
_GLUCOSE = re.compile(
    rf"(?:指尖血糖|随机血糖|末梢血糖|空腹血糖|快速血糖|微量血糖|血糖仪|血糖|{_A}glu(?:cose)?{_Z}|{_A}bgl?{_Z}|{_A}cbg{_Z}|"
    rf"blood sugar|fingerstick(?: glucose)?){_LINK}({NUM})(?!\s*[测量])\s*(mmol\s*/\s*l|mmol|mg\s*/\s*dl)?"
)
_AGE_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(rf"({NUM})\s*(?:个)?\s*月(?:龄|大)"), 1 / 12),
    (re.compile(rf"月龄\s*({NUM})"), 1 / 12),
    (
        re.compile(
            rf"(?:^|男|女|患儿|婴儿|宝宝|孩子|男婴|女婴|小孩)[，,、\s]*({NUM})\s*个?月(?![经份])"
        ),
        1 / 12,
    ),
    (
        re.compile(
            rf"({NUM})\s*个月(?:的|大的)?(?:婴儿|宝宝|孩子|男婴|女婴|小孩|男孩|女孩|患儿|婴)"
        ),
        1 / 12,
    ),
    (re.compile(rf"(?<!孕)(?<!妊娠)({NUM})\s*(?:周龄|周大)"), 7 / 365.25),
    (re.compile(rf"({NUM})\s*(?:天|日)(?:龄|大)"), 1 / 365.25),
    (re.compile(rf"(?:出生|生后|日龄)\s*({NUM})\s*(?:天|日)"), 1 / 365.25),
    (re.compile(rf"({NUM})\s*(?:周岁|岁)"), 1.0),
    (re.compile(r"(\d+(?:\.\d+)?)[- ]?(?:years?|yrs?|y)[- ]old"), 1.0),
    (re.compile(r"(\d+(?:\.\d+)?)[- ]?months?[- ]old"), 1 / 12),
    (re.compile(r"(\d+(?:\.\d+)?)[- ]?weeks?[- ]old"), 7 / 365.25),
    (re.compile(r"(\d+(?:\.\d+)?)[- ]?days?[- ]old"), 1 / 365.25),
    (re.compile(r"\b(\d{1,3})\s*(?:y/?o|yo)\b"), 1.0),
    (re.compile(r"(?:^|[,，;；:：(])\s*(\d{1,3})\s*(?:yrs?|years?)\b(?! ago)"), 1.0),
    (re.compile(r"\baged?\s*(\d{1,3})\b"), 1.0),
    (re.compile(r"^\s*(\d{1,3})\s*[,，]\s*(?:m|f|male|female|男|女)\b"), 1.0),
    (re.compile(r"(?:^|[,，;；:：(])\s*(\d{1,3})\s*(?:m|f)\b(?!/)"), 1.0),
)
_HALF_YEAR = re.compile(r"^\s*半")
_SEX_ZH = re.compile(
    r"(?:^|[，,。；;\s:：])(?:患者|病人)?\s*(男|女)(?=性|孩|婴|童|生|士|患|病|[，,。；;\s、0-9]|$)"
)
_SEX_ZH_AGE = re.compile(rf"(男|女)\s*[，,、]?\s*{NUM}\s*(?:岁|个月|月龄)")
_SEX_WORDS = re.compile(
    r"(孕妇|产妇|男孩|女孩|男婴|女婴|男童|女童|男性|女性|\bman\b|\bmale\b|\bboy\b|\bgentleman\b|"
    r"\bwoman\b|\bfemale\b|\bgirl\b|\blady\b|(?:^|(?<=[,，;；:：(]))\s*\d{1,3}\s*(?:yo|y/o)?\s*[mf]\b|"
    r"\b\d{1,3}\s*(?:yo|y/o)\s*[mf]\b|(?:^|(?<=[,，;；:：(]))\s*[mf]\s*(?=[,，;；)]|$))"
)
_FEMALE = ("孕妇", "产妇", "女孩", "女婴", "女童", "女性", "woman", "female", "girl", "lady")
_PREG_WEEKS = (
    re.compile(rf"(?<![避备])(?:孕|妊娠|怀孕)\s*({NUM})\s*(?:\+\s*({NUM})\s*)?(?:周|w\b)"),
    re.compile(rf"({NUM})\s*周(?:妊娠|孕)"),
    re.compile(r"(\d{1,2})\s*(?:weeks?|wks?)'?\s*(?:pregnant|gestation|of gestation|of pregnancy)"),
    re.compile(r"\bg\d+\s*p\d+\S*\s*(?:at\s*)?(\d{1,2})\s*(?:weeks?|wks?)"),
    re.compile(r"pregnant\s*(?:at|,)?\s*(\d{1,2})\s*(?:weeks?|wks?)"),
    # a note that opens with a bare count of 20 to 44 weeks and a pause is the gestation
    # ("37周了，从昨天…", "第二胎，40周，在车上…", "才32周，从早上…"): no illness is told in
    # such weeks, a baby's age is told in days or months, and a duration stands after its sign
    re.compile(
        r"(?:^|(?<=[。；;\n]))\s*(?:(?:第[一二两三四五六\d]胎|头胎|二胎|三胎)[，,、\s]*)?"
        r"(?:才|都|已经|快|刚)?\s*([2-4]\d|[二三四]十[一二三四五六七八九]?)\s*(?:\+\s*(\d)\s*)?周"
        r"(?:了|多)?(?=[，,。、\s]|$)"
    ),
    # the months, then the exact weeks ("七个多月，33周"): the weeks count
    re.compile(
        r"个(?:多|半)?月[，,、\s]*([1-4]\d|[二三四]十[一二三四五六七八九]?)\s*(?:\+\s*(\d)\s*)?周"
        r"(?![前后]|以[前后])"
    ),
)
_AMENORRHOEA = re.compile(rf"停经\s*({NUM})\s*(天|日|周|个?月)")
# spoken forms: weeks as 星期/礼拜, months, 怀了/怀上/怀起 (south-west), Cantonese 有咗 (pregnant; read on the raw
# text, since folding makes it 有了, which also says "it has been …"); 避孕/备孕 (contraception,
# trying to conceive) are no pregnancy
_PREG_SPOKEN = (
    re.compile(
        rf"(?<![避备])(?:怀孕|怀了|怀上|怀起|怀着|孕)\s*(?:了)?\s*({NUM})\s*(?:个)?\s*(?:半|多)?\s*(周|星期|礼拜|月)"
    ),
    re.compile(rf"(?:有咗|怀咗)\s*({NUM})\s*(?:个)?\s*(?:半|多)?\s*(周|星期|礼拜|月)"),
)


def _in_range(key: str, value: float) -> bool:
    low, high = _PLAUSIBLE[key]
    return low <= value <= high


class _Reader:
    """Collects readings; a span once used for one vital is not read again for another."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = fold(raw)
        self.used: list[Span] = []
        self.readings: list[TextReading] = []
        self.palpable: TextFact | None = None

    def free(self, span: Span) -> bool:
        return all(span[1] <= s or span[0] >= e for s, e in self.used)

    def add(self, key: str, value: float | None, unit: str, span: Span) -> bool:
        if value is None or not _in_range(key, value) or not self.free(span):
            return False
        self.readings.append(
            TextReading(key, round(value, 2), unit, span, self.raw[span[0] : span[1]])
        )
        return True

    def claim(self, span: Span) -> None:
        self.used.append(span)

    def scan(self, pattern: re.Pattern[str], handle: Callable[[re.Match[str]], bool]) -> None:
        for m in pattern.finditer(self.text):
            if self.free(m.span()) and handle(m):
                self.claim(m.span())


def _temperature(reader: _Reader, m: re.Match[str], labelled: bool) -> bool:
    value = to_number(m.group(1))
    unit = (m.group(2) or "").replace(" ", "")
    tenth = m.group(3)
    if value is None:
        return False
    if tenth and unit in ("度", "摄氏度") and value == int(value):
        value += (to_number(tenth) or 0) / 10
    fahrenheit = unit in ("℉", "°f", "华氏度", "f") or (
        labelled and not unit and 93 <= value <= 110
    )
    if unit in ("", "°", "c", "度") and value > 50:
        fahrenheit = True
    if not labelled and unit == "度" and not 34 <= value <= 43:
        return False
    if not labelled and unit in ("", "°"):
        return False
    if fahrenheit:
        value = (value - 32) * 5 / 9
    return reader.add("temp", value, "℃", m.span())


def _peak_temperature(reader: _Reader, m: re.Match[str]) -> bool:
    value = to_number(m.group(1))
    if value is None or not 35 <= value <= 43:  # "最高39.5": a fever peak, not another number
        return False
    return reader.add("temp", value, "℃", m.span())


def _blood_pressure(reader: _Reader, m: re.Match[str]) -> bool:
    sbp = to_number(m.group(1))
    second = m.group(2)
    dbp = to_number(second)
    if not reader.add("sbp", sbp, "mmHg", m.span()):
        return False
    if dbp is None:
        reader.palpable = TextFact(
            "sbp_palpable", "palpable", m.span(), reader.raw[slice(*m.span())]
        )
    elif dbp < (sbp or 0):
        reader.add("dbp", dbp, "mmHg", m.span())
    return True


def _palpated(reader: _Reader, m: re.Match[str]) -> bool:
    if not reader.add("sbp", to_number(m.group(1)), "mmHg", m.span()):
        return False
    reader.palpable = TextFact("sbp_palpable", "palpable", m.span(), reader.raw[slice(*m.span())])
    return True


def _simple(reader: _Reader, key: str, unit: str, m: re.Match[str]) -> bool:
    return reader.add(key, to_number(m.group(1)), unit, m.span())


def _glucose(reader: _Reader, m: re.Match[str]) -> bool:
    value = to_number(m.group(1))
    unit = (m.group(2) or "").replace(" ", "")
    if value is None:
        return False
    if unit.startswith("mg") or (not unit and value > 40):
        value = value / 18.0
    return reader.add("glucose", value, "mmol/L", m.span())


def _gcs_evm(reader: _Reader, m: re.Match[str]) -> bool:
    verbal = 1 if m.group(2) == "t" else int(m.group(2))
    return reader.add("gcs", float(int(m.group(1)) + verbal + int(m.group(3))), "", m.span())


def _age(text: str, raw: str) -> TextReading | None:
    best: tuple[int, TextReading] | None = None
    for pattern, factor in _AGE_PATTERNS:
        for m in pattern.finditer(text):
            value = to_number(m.group(1))
            if value is None or not 0 <= value * factor <= 125:
                continue
            if factor == 1.0 and _HALF_YEAR.match(text[m.end() :]):
                value += 0.5
            reading = TextReading("age", value * factor, "years", m.span(), raw[slice(*m.span())])
            if best is None or m.start() < best[0]:
                best = (m.start(), reading)
            break
    return best[1] if best else None


def _sex(text: str, raw: str) -> TextFact | None:
    hits: list[tuple[int, int, str]] = []
    for pattern in (_SEX_ZH, _SEX_ZH_AGE):
        for m in pattern.finditer(text):
            hits.append((m.start(1), m.end(1), "F" if m.group(1) == "女" else "M"))
    for m in _SEX_WORDS.finditer(text):
        word = m.group(1)
        female = any(w in word for w in _FEMALE) or word.endswith("f")
        hits.append((m.start(1), m.end(1), "F" if female else "M"))
    if not hits:
        return None
    start, end, value = min(hits)
    return TextFact("sex", value, (start, end), raw[start:end])


def _pregnancy(text: str, raw: str) -> TextReading | None:
    for pattern in _PREG_WEEKS:
        m = pattern.search(text)
        if m is None:
            continue
        weeks = to_number(m.group(1))
        if weeks is None or not 1 <= weeks <= 44:
            continue
        if m.lastindex and m.lastindex >= 2 and m.group(2):
            weeks += (to_number(m.group(2)) or 0) / 7
        return TextReading(
            "pregnancy_weeks", round(weeks, 1), "weeks", m.span(), raw[slice(*m.span())]
        )
    for pattern in _PREG_SPOKEN:
        m = pattern.search(text) or pattern.search(raw)
        value = to_number(m.group(1)) if m else None
        if m is None or value is None:
            continue
        # "七个半月": half a month more
        value += 0.5 if "半" in m.group(0) else 0.0
        weeks = value * (30.4 / 7) if m.group(2) == "月" else value
        if 1 <= weeks <= 44:
            return TextReading(
                "pregnancy_weeks", round(weeks, 1), "weeks", m.span(), raw[slice(*m.span())]
            )
    m = _AMENORRHOEA.search(text)
    if m is not None:
        value = to_number(m.group(1))
        per = {"天": 1 / 7, "日": 1 / 7, "周": 1.0}.get(m.group(2), 30.4 / 7)
        if value is not None and 4 <= value * per <= 44:
            return TextReading(
                "pregnancy_weeks", round(value * per, 1), "weeks", m.span(), raw[slice(*m.span())]
            )
    return None


def _worst(readings: list[TextReading]) -> dict[str, TextReading]:
    out: dict[str, TextReading] = {}
    for r in readings:
        if r.key not in _CENTRE:
            continue
        centre = _CENTRE[r.key]
        dev = abs(r.value - centre) / (centre or 1)
        old = out.get(r.key)
        if old is None or dev > abs(old.value - centre) / (centre or 1):
            out[r.key] = r
    return out


def extract_vitals(text: str) -> VitalsFromText:
    """Vital signs, age, sex and pregnancy weeks written in ``text`` (zh or en)."""
    reader = _Reader(text)
    reader.scan(_BP, lambda m: _blood_pressure(reader, m))
    reader.scan(_BP_BARE, lambda m: _blood_pressure(reader, m))
    reader.scan(_BP_PALPATED, lambda m: _palpated(reader, m))
    reader.scan(_SBP_ONLY, lambda m: _simple(reader, "sbp", "mmHg", m))
    reader.scan(_DBP_ONLY, lambda m: _simple(reader, "dbp", "mmHg", m))
    reader.scan(_BP_SPOKEN_SYSTOLIC, lambda m: _simple(reader, "sbp", "mmHg", m))
    reader.scan(_SPO2, lambda m: _simple(reader, "spo2", "%", m))
    reader.scan(_GCS_EVM, lambda m: _gcs_evm(reader, m))
    reader.scan(_GCS, lambda m: _simple(reader, "gcs", "", m))
    reader.scan(_GLUCOSE, lambda m: _glucose(reader, m))
    reader.scan(_PAIN, lambda m: _simple(reader, "pain", "/10", m))
    reader.scan(_PAIN_BARE, lambda m: _simple(reader, "pain", "/10", m))
    reader.scan(_PAIN_AFTER, lambda m: _simple(reader, "pain", "/10", m))
    reader.scan(_TEMP_LABELLED, lambda m: _temperature(reader, m, labelled=True))
    reader.scan(_TEMP_BARE, lambda m: _temperature(reader, m, labelled=False))
    reader.scan(_TEMP_PEAK, lambda m: _peak_temperature(reader, m))
    reader.scan(_HR, lambda m: _simple(reader, "hr", "/min", m))
    reader.scan(_RR, lambda m: _simple(reader, "rr", "/min", m))
    reader.scan(_HR_GAP, lambda m: _simple(reader, "hr", "/min", m))
    reader.scan(_RR_GAP, lambda m: _simple(reader, "rr", "/min", m))
    reader.scan(_RR_BREATHING, lambda m: _simple(reader, "rr", "/min", m))
    folded = reader.text
    return VitalsFromText(
        values=_worst(reader.readings),
        readings=tuple(sorted(reader.readings, key=lambda r: r.span)),
        age_years=_age(folded, text),
        sex=_sex(folded, text),
        pregnancy_weeks=_pregnancy(folded, text),
        sbp_palpable=reader.palpable,
    )


__all__ = ["CN_NUM", "VITAL_KEYS", "TextFact", "TextReading", "VitalsFromText", "extract_vitals"]
