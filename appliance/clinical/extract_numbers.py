"""Spoken Chinese numbers and units → written form (pure).

Dictation and speech recognition give "血压一百七十比一百毫米汞柱，体温三十八度五"; a record wants
"血压170/100 mmHg，体温38.5℃". Only numerals that are followed by a unit or measure word (or
take part in a ``比`` ratio or a temperature) are rewritten, so words that contain numerals
(一般, 十二指肠, 二甲双胍, 四肢, 一过性) stay as they are.
"""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_DIGITS |= {"七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM_CHARS = "零〇一二两三四五六七八九十百千万"
_DEC_CHARS = "零〇一二三四五六七八九"
CN_NUMBER = f"[{_NUM_CHARS}]+(?:点[{_DEC_CHARS}]+)?"
NUMBER = rf"(?:\d+(?:\.\d+)?|{CN_NUMBER})"

#: spoken unit → written unit (longest first when matching)
UNIT_WORDS: dict[str, str] = {
    "毫米汞柱": "mmHg",
    "毫米水银柱": "mmHg",
    "厘米汞柱": "cmHg",
    "毫摩尔每升": "mmol/L",
    "毫摩尔/升": "mmol/L",
    "微摩尔每升": "μmol/L",
    "次每分钟": "次/分",
    "次每分": "次/分",
    "次/分钟": "次/分",
    "次一分": "次/分",
    "摄氏度": "℃",
    "毫克": "mg",
    "微克": "μg",
    "千克": "kg",
    "公斤": "kg",
    "毫升": "ml",
    "厘米": "cm",
    "毫米": "mm",
    "克": "g",
    "单位": "U",
}
#: measure words kept as they are after the number
_MEASURES = (
    "个月|个小时|个|小时|分钟|秒|天|日|周岁|周|星期|月|年|岁|次|片|粒|支|袋|瓶|滴|喷|贴|枚|剂|"
    "型|级|期|床|项|处|包|盒|mmHg|mmol/L|mg|g|ml|kg|cm|mm|U|%"
)
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNIT_WORDS), key=len, reverse=True))
_PROTECTED = ("一次性", "一过性", "一级护理", "一般", "一直", "一度")

# never from within a number, nor a Chinese number glued to digits ("38.5十比一" is left alone, as
# "38.5十克" is: read as "38.510/1", a second pass would make it "38.51/1")
_RATIO = re.compile(
    rf"(?<![\d.])({NUMBER})\s*(?:比|/)\s*({NUMBER})(\s*(?:毫米汞柱|毫米水银柱|mmHg))?"
)
_TEMP = re.compile(
    rf"({CN_NUMBER}|\d+(?:\.\d+)?)\s*(?:摄氏度|度|℃|°C|°)([{_DEC_CHARS}0-9](?![0-9.]))?(?![\u4e00-\u9fff]?[度])"
)
_PERCENT = re.compile(rf"百分之({NUMBER})")
_WITH_UNIT = re.compile(rf"(?<![\d.])({CN_NUMBER}|\d+(?:\.\d+)?)\s*({_UNIT_ALT}|{_MEASURES})")
_LAB_VALUE = re.compile(
    rf"(白细胞|血红蛋白|血小板|中性粒细胞|血糖|尿酸|肌酐|体温|心率|脉搏|呼吸)({CN_NUMBER})(?![\u4e00-\u9fff])"
)
_BP_CONTEXT = re.compile(r"(血压|BP|bp)[^，。；,;]{0,4}$")


def cn_to_number(text: str) -> float | None:
    """Parse a Chinese (or Arabic) numeral: 一百七十 → 170, 三十八点五 → 38.5, 一七零 → 170."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    integer, _, decimals = text.partition("点")
    value = _cn_integer(integer) if integer else 0
    if value is None:
        return None
    if decimals:
        digits = "".join(str(_DIGITS[c]) for c in decimals if c in _DIGITS)
        if len(digits) != len(decimals):
            return None
        return float(f"{value}.{digits}")
    return float(value)


def _cn_integer(text: str) -> int | None:
    if any(c not in _NUM_CHARS for c in text):
        return None
    if not any(c in _UNITS or c == "万" for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))  # 一七零 → 170
    total, section, digit = 0, 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            section += (digit or 1) * _UNITS[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
    return total + section + digit


def format_number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _num(text: str) -> str:
    value = cn_to_number(text)
    if value is None:
        return text
    if re.fullmatch(r"[一二三四五六七八九]{2}", text) and _DIGITS[text[1]] == _DIGITS[text[0]] + 1:
        return f"{_DIGITS[text[0]]}~{_DIGITS[text[1]]}"  # 五六次 → 5~6次
    return format_number(value)


def normalize_numbers(text: str) -> str:
    """Rewrite spoken numbers and units in ``text`` (idempotent)."""
    protected: dict[str, str] = {}
    for i, word in enumerate(_PROTECTED):
        if word in text:
            key = f"\ue000{i}\ue001"
            protected[key] = word
            text = text.replace(word, key)

    def ratio(m: re.Match[str]) -> str:
        before = text[: m.start()]
        after = text[m.end() : m.end() + 2]
        spoken_unit = after.startswith(("毫米", "mm"))
        unit = " mmHg" if m.group(3) or (_BP_CONTEXT.search(before) and not spoken_unit) else ""
        return f"{_num(m.group(1))}/{_num(m.group(2))}{unit}"

    text = _RATIO.sub(ratio, text)
    text = _PERCENT.sub(lambda m: f"{_num(m.group(1))}%", text)

    def temperature(m: re.Match[str]) -> str:
        value = cn_to_number(m.group(1))
        if value is None or not 34 <= value <= 43:
            return m.group(0)
        tail = m.group(2) or ""
        if tail and "." not in format_number(value):  # 三十八度五 → 38.5℃
            value = float(f"{format_number(value)}.{format_number(cn_to_number(tail) or 0)}")
            tail = ""
        return f"{format_number(value)}℃{tail}"  # 38.5度5: the digit after is not eaten

    text = _TEMP.sub(temperature, text)

    def with_unit(m: re.Match[str]) -> str:
        unit = UNIT_WORDS.get(m.group(2), m.group(2))
        spaced = " " if unit in ("mmHg", "mmol/L", "μmol/L", "cmHg") else ""
        return f"{_num(m.group(1))}{spaced}{unit}"

    text = _WITH_UNIT.sub(with_unit, text)
    text = _LAB_VALUE.sub(lambda m: m.group(1) + _num(m.group(2)), text)
    text = re.sub(r"(\d)\s*(mmHg|mmol/L)", r"\1 \2", text)
    for key, word in protected.items():
        text = text.replace(key, word)
    return text
