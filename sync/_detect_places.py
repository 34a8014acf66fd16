"""Addresses below county level, village / township / community names, and employers.

Structured addresses keep province, city and county (县级) and drop everything below; in free
text, places below county level and employer names are replaced by markers.
"""

from __future__ import annotations

import re

from sync._spans import MARKERS, Span

_CJK = "\u4e00-\u9fff"
_PROVINCE = re.compile(
    rf"^(?:北京市|天津市|上海市|重庆市|[{_CJK}]{{2,8}}?(?:省|自治区)|香港特别行政区|澳门特别行政区)"
)
_CITY = re.compile(rf"^[{_CJK}]{{1,10}}?(?:自治州|市|州|盟|地区)")
_COUNTY = re.compile(rf"^[{_CJK}]{{1,10}}?(?:自治县|县|区|旗|市)")
_BELOW = re.compile(rf"^[{_CJK}]{{1,8}}?(?:乡|镇|街道|村|社区|路|街|巷|弄|组)")

_ADDR_LABEL = re.compile(
    rf"(?:家住|住址|现住址|现住|居住于|居住在|住在|住于|暂住|户籍地?|籍贯|地址|家庭住址|来自|家在)"
    rf"\s*[:：]?\s*([{_CJK}A-Za-z0-9\-#（）()]{{2,40}})"
)
_LOWER_TOKEN = (
    rf"[{_CJK}]{{2,6}}?(?:街道|乡|镇|村委会|村|社区|居委会|小区|花园|家园|公寓|屯|庄|寨|路|大道|大街|街|巷|弄|胡同)"
    rf"|(?<!\d)\d+(?:号楼|号院|号|栋|幢|单元|室|组|队|楼|层|户|排)"
    rf"|[一二三四五六七八九十]+(?:组|队|社)"
)
_ADDR_CHAIN = re.compile(rf"(?:{_LOWER_TOKEN})(?:(?:{_LOWER_TOKEN}))+")
_TOWN = re.compile(
    rf"(?![在于到去从回住])[{_CJK}]{{2,4}}?(?:街道|乡|镇)(?![{_CJK}]{{0,1}}(?:卫生院|政府|医院))"
)
_VILLAGE = re.compile(
    rf"(?![在于到去从回住])[{_CJK}]{{2,4}}?(?:村委会|村|社区|小区|屯|寨)(?!卫生|医|民|里|口|头|级)"
)
_STREET = re.compile(rf"[{_CJK}]{{2,8}}?(?:路|大道|大街|街|巷|弄|胡同)\s*\d+\s*号")
# (?<!\d): a match starts only where a digit run starts (else a long run is quadratic)
_UNIT = re.compile(r"(?<!\d)\d+\s*(?:号楼|栋|幢|单元|室)")
_NOT_PLACE_ENDINGS = (
    "农村",
    "乡村",
    "山村",
    "本村",
    "同村",
    "该村",
    "邻村",
    "全村",
    "外村",
    "进村",
    "回村",
    "村村",
    "城乡",
    "家乡",
    "下乡",
    "回乡",
    "老乡",
    "故乡",
    "他乡",
    "异乡",
    "城镇",
    "乡镇",
    "冰镇",
    "坐镇",
    "重镇",
    "村镇",
    "本镇",
    "该镇",
    "全镇",
    "本乡",
    "该乡",
    "全乡",
    "社区",
    "小区",
    "本社区",
)
_NOT_PLACE_WORDS = ("社区卫生", "社区医院", "社区获得", "农村合作", "乡镇卫生")

_EMPLOYER_SUFFIX = (
    r"有限责任公司|股份有限公司|有限公司|公司|集团|加工厂|工厂|砖厂|厂|煤矿|矿业|合作社|养殖场|农场|"
    r"林场|工地|车间|商店|超市|饭店|酒店|餐馆|宾馆|银行|学校|中学|小学|幼儿园|大学|学院|派出所|政府"
)
_EMPLOYER_CTX = re.compile(
    rf"(?:就职于|任职于|供职于|受雇于|工作单位|单位|工作于|在|于|系)\s*[:：]?\s*"
    rf"([{_CJK}A-Za-z0-9（）()]{{2,16}}?(?:{_EMPLOYER_SUFFIX}))"
)
_EMPLOYER_STRONG = re.compile(
    rf"(?:(?<=[系是在于为到去从的、，。；：:\s（(])|^)"
    rf"((?![在于系是为到去从])[{_CJK}A-Za-z0-9]{{2,14}}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|加工厂|工厂|砖厂|煤矿|矿业|合作社|养殖场))"
)
_NOT_EMPLOYER = ("当地", "本地", "外地", "县", "市", "乡", "镇", "村", "家", "医院", "卫生院")


def generalize_address(address: str) -> str | None:
    """Keep province, city and county of a structured address; drop what is below."""
    rest = re.sub(r"\s+", "", address)
    kept = ""
    for pattern in (_PROVINCE, _CITY, _COUNTY):
        m = pattern.match(rest)
        if m and not _BELOW.fullmatch(m.group(0)):
            kept += m.group(0)
            rest = rest[m.end() :]
    return kept or None


def _label_span(text: str, m: re.Match[str]) -> Span:
    value = m.group(1)
    kept = generalize_address(value) or ""
    start = m.start(1) + len(kept)
    return Span(start, m.end(1), "address", MARKERS["address"], 5)


def _is_place(name: str) -> bool:
    ending = any(name.endswith(w) for w in _NOT_PLACE_ENDINGS)
    return not ending and not any(w in name for w in _NOT_PLACE_WORDS)


def place_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for m in _ADDR_LABEL.finditer(text):
        span = _label_span(text, m)
        if span.end > span.start:
            spans.append(span)
    for m in _ADDR_CHAIN.finditer(text):
        if _is_place(m.group(0)):
            spans.append(Span(m.start(), m.end(), "address", MARKERS["address"], 4))
    for pattern, kind in ((_STREET, "address"), (_UNIT, "address")):
        for m in pattern.finditer(text):
            spans.append(Span(m.start(), m.end(), kind, MARKERS[kind], 4))
    for pattern in (_TOWN, _VILLAGE):
        for m in pattern.finditer(text):
            if _is_place(m.group(0)):
                spans.append(Span(m.start(), m.end(), "place", MARKERS["place"], 3))
    for m in _EMPLOYER_CTX.finditer(text):
        name = m.group(1)
        if name.startswith(_NOT_EMPLOYER) and len(name) <= 6:
            continue
        if name.endswith(("医院", "卫生院")):
            continue
        spans.append(Span(m.start(1), m.end(1), "employer", MARKERS["employer"], 3))
    for m in _EMPLOYER_STRONG.finditer(text):
        spans.append(Span(m.start(1), m.end(1), "employer", MARKERS["employer"], 3))
    return spans
