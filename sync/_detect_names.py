"""Person names in free text: Chinese names found by surname lists plus context, English and
pinyin names found by name lists plus context, and the patient's own name wherever it appears."""

from __future__ import annotations

import re
from functools import lru_cache

from sync._lexicon import lexicon
from sync._spans import MARKERS, Span

_CJK = "\u4e00-\u9fff"
# words right before a name (患者张伟, 其子李强, 姓名：王芳, 联系人 赵敏)
_PREFIX = (
    r"患者|病人|病患|患儿|姓名|名字|叫|名叫|联系人|家属|家长|配偶|陪同人|陪同者|监护人|代理人|签字人|签名|"
    r"介绍人|报告人|经手人|送检人|申请人|记录人|审核人|"
    r"其父|其母|其夫|其妻|其子|其女|其兄|其弟|其姐|其妹|其孙|其孙女|"
    r"父亲|母亲|丈夫|妻子|爱人|老伴|儿子|女儿|儿媳|女婿|孙子|孙女|哥哥|姐姐|弟弟|妹妹|"
    r"邻居|同事|朋友|村民|村医|乡医|医生|医师|大夫|护士|主任|院长|书记|村长|组长|"
    r"由|经|请|找|告知|转告|委托|联系|致电"
)
# words right after a name (王芳女士, 李明医生, 张伟，男，65岁)
_SUFFIX = (
    r"先生|女士|小姐|老师|医生|医师|大夫|护士|主任|院长|书记|村长|同志|师傅|阿姨|叔叔|伯伯|"
    r"大爷|大娘|大妈|奶奶|爷爷|婆婆|老人|老汉|之子|之女|之妻|之夫|之父|之母|本人|家属|"
    r"陪同|代诉|代述|签字|签名|诉|述|称|介绍|转诊|转来|送来|送入|带来|来电|电话|手机|联系|同意|拒绝|"
    r"[，,(（]\s*[男女]|\s+[男女][，,\s]"
)
# characters that end a name: grammar words and clinical characters
_STOP = set(
    "的了在于因自诉有无及和与为是以被把将对从向往到来去已曾又也都就才还再便并而且或但若如等个之"
    "其此该本各每患病症痛热咳喘血尿便药片服用次天日月年周岁男女前后左右上下中内外部处时分秒"
    "头胸腹腰背腿手足眼耳鼻口牙心肺肝脾肾胃肠骨皮体温压脉率查检诊治疗术医院科室号床说称"
)
_NOT_NAMES = frozenset(
    [
        "安静",
        "平安",
        "高兴",
        "明显",
        "文明",
        "全身",
        "常规",
        "安全",
        "成功",
        "高度",
        "明确",
        "平稳",
        "平静",
        "华丽",
        "龙眼",
        "江湖",
        "方便",
        "方法",
        "金黄",
        "白天",
        "白色",
        "黄色",
        "石膏",
        "于是",
        "向前",
        "连续",
        "原因",
        "代谢",
        "冷汗",
        "商量",
        "花费",
        "言语",
        "乐观",
        "景象",
        "边缘",
        "占位",
        "应用",
        "查体",
        "左侧",
        "全程",
        "高峰",
        "高热",
        "高压",
        "高血",
        "平时",
        "平素",
        "明天",
        "明日",
        "史料",
        "雷同",
        "龙骨",
    ]
)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    lex = lexicon()
    surnames = "|".join(re.escape(s) for s in lex.surnames_zh)
    given = "".join(sorted(lex.given_chars_zh)) + "某"
    gated = rf"(?:{surnames})[{given}]{{1,2}}"
    anychar = rf"(?:{surnames})[{_CJK}]{{1,2}}"
    with_prefix = re.compile(
        rf"(?:{_PREFIX})\s*[:：]?\s*({anychar}(?=(?:{_SUFFIX})|[，。；、,.;\s]|$)|{gated})"
    )
    with_suffix = re.compile(rf"({gated}|(?:{surnames})[{_CJK}])(?=(?:{_SUFFIX}))")
    xing = re.compile(
        rf"(?:{surnames})(?:某某|某|XX|xx|\*\*|＊＊)"
        rf"|(?:{surnames})(?=先生|女士|小姐|老师|医生|大夫|师傅|阿姨|大爷|大娘|奶奶|爷爷|老汉)"
        rf"|(?<=[老小阿])(?:{surnames})(?=[，。、,.;；\s]|说|来|陪|称|诉|的|和|也)"
    )
    return with_prefix, with_suffix, xing


@lru_cache(maxsize=1)
def _english() -> re.Pattern[str]:
    lex = lexicon()
    given = "|".join(sorted(lex.given_en))
    surnames = "|".join(sorted(lex.surnames_en))
    pinyin = "|".join(sorted(lex.pinyin_surnames))
    word = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?"
    return re.compile(
        rf"\b(?:(?:Mr|Mrs|Ms|Miss|Dr|Mx|Prof)\.?\s+{word}(?:\s+{word})?"
        rf"|(?i:patient|name|named|son|daughter|wife|husband|mother|father|contact)\s*[:：]?\s+{word}(?:\s+{word})?"
        rf"|(?:{given})\s+(?:[A-Z]\.\s+)?{word}"
        rf"|{word}\s+(?:{surnames})\b"
        rf"|(?:{pinyin})\s+[A-Z][a-z]{{1,12}}(?:[- ][A-Z]?[a-z]{{1,8}})?)\b"
    )


def _trim_given(name: str) -> str:
    """Cut a captured name before the first stop character of its given name."""
    lex = lexicon()
    surname = next((s for s in lex.surnames_zh if name.startswith(s)), name[:1])
    given = name[len(surname) :]
    keep = ""
    for ch in given:
        if ch in _STOP:
            break
        keep += ch
    return surname + keep if keep else ""


def name_spans(text: str, patient_names: list[str]) -> list[Span]:
    spans: list[Span] = []
    for known in sorted({n for n in patient_names if n and len(n) >= 2}, key=len, reverse=True):
        for m in re.finditer(re.escape(known), text):
            spans.append(Span(m.start(), m.end(), "patient_name", MARKERS["patient_name"], 10))
    with_prefix, with_suffix, xing = _patterns()
    for pattern in (with_prefix, with_suffix):
        for m in pattern.finditer(text):
            name = _trim_given(m.group(1))
            if not name or name in _NOT_NAMES or name[:2] in _NOT_NAMES:
                continue
            start = m.start(1)
            spans.append(Span(start, start + len(name), "name", MARKERS["name"], 4))
    for m in xing.finditer(text):
        spans.append(Span(m.start(), m.end(), "name", MARKERS["name"], 4))
    for m in _english().finditer(text):
        spans.append(Span(m.start(), m.end(), "name", MARKERS["name"], 3))
    return spans
