"""Detectors for identifiers made of digits and symbols: resident IDs (checksum-validated),
mobile and landline numbers, hospital / visit / insurance / account numbers, e-mail, URLs,
IP addresses, licence plates and labelled account handles (WeChat, QQ).

The guarantee does not rest on the checksum: every run of seven or more digits is removed; the
checksum only decides which marker it gets.
"""

from __future__ import annotations

import re

from sync._idnumber import is_valid_resident_id
from sync._spans import MARKERS, Span

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s，。；、）)]+")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# digit runs, allowing single spaces/dashes inside (138 1234 5678, 0571-8765 4321), and an
# optional trailing X for resident IDs
_DIGIT_RUN = re.compile(r"(?<![\dA-Za-z])[A-Za-z]{0,6}\+?\d(?:\d|[ \-](?=\d)){6,}[A-Za-z]*(?!\d)")
_LANDLINE = re.compile(r"[(（]0\d{2,3}[)）]\s*\d{7,8}")
# labelled numbers: 住院号 ZY2024-0312, 医保卡号：A12345678, MRN 00123, QQ 12345
_LABEL = (
    r"住院号|门诊号|病案号|病历号|就诊号|就诊卡号|挂号单号|登记号|床号|检查号|标本号|条码号|"
    r"医保卡号|医保号|医保编号|社保卡号|社保号|新农合号|合作医疗证号|参保号|银行卡号|卡号|账号|"
    r"证件号码?|护照号?码?|驾驶证号?|军官证号?|身份证号?码?|车牌号?码?|车牌|设备号|序列号|"
    r"微信号?|QQ号?|qq号?|MRN|mrn|Visit\s*(?:No\.?|ID)|Record\s*(?:No\.?|ID)|Insurance\s*(?:No\.?|ID)|"
    r"Policy\s*(?:No\.?|ID)|Account\s*(?:No\.?|ID)|Medical\s*Record\s*(?:No\.?|Number)|ID\s*(?:No\.?|number)"
)
_LABELLED = re.compile(rf"(?:{_LABEL})\s*[:：#=]?\s*([A-Za-z0-9][A-Za-z0-9_\-]{{2,}})")
# codes mixing letters and at least five digits (ZY20240312, A12345678)
_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,4}-?\d{5,}[A-Za-z0-9]*(?![A-Za-z0-9])")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"\s?[A-HJ-NP-Z][·•\s]?[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳](?:[A-HJ-NP-Z0-9])?"
)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def classify_digits(raw: str) -> str:
    """The identifier kind of a run of digits (resident_id, phone or record_number)."""
    compact = re.sub(r"[\s\-]", "", raw).upper()
    found = re.search(r"\d{17}[\dX]", compact)
    if found and is_valid_resident_id(found.group(0)):
        return "resident_id"
    digits = _digits(compact)
    if len(digits) in (15, 17, 18) and compact.isalnum() and compact[:1].isdigit():
        return "resident_id"
    if re.search(r"[A-Z]", compact):
        return "record_number"
    if digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        return "phone"
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "phone"
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return "phone"
    if 7 <= len(digits) <= 8 and "-" not in raw:
        return "phone"
    return "record_number"


def number_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for m in _EMAIL.finditer(text):
        spans.append(Span(m.start(), m.end(), "email", MARKERS["email"], 9))
    for m in _URL.finditer(text):
        spans.append(Span(m.start(), m.end(), "url", MARKERS["url"], 9))
    for m in _IPV4.finditer(text):
        spans.append(Span(m.start(), m.end(), "url", MARKERS["url"], 8))
    for m in _LANDLINE.finditer(text):
        spans.append(Span(m.start(), m.end(), "phone", MARKERS["phone"], 8))
    for m in _DIGIT_RUN.finditer(text):
        raw = m.group(0)
        if len(_digits(raw)) < 7:
            continue
        kind = classify_digits(raw)
        spans.append(Span(m.start(), m.end(), kind, MARKERS[kind], 7))
    for m in _LABELLED.finditer(text):
        spans.append(Span(m.start(1), m.end(1), "record_number", MARKERS["record_number"], 6))
    for m in _CODE.finditer(text):
        spans.append(Span(m.start(), m.end(), "record_number", MARKERS["record_number"], 5))
    for m in _PLATE.finditer(text):
        spans.append(Span(m.start(), m.end(), "license_plate", MARKERS["license_plate"], 8))
    return spans
