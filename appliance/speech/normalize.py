"""Clean a raw Whisper transcript: Simplified Chinese, no loops, no phantom phrases, numbers.

Whisper base flips between Simplified and Traditional Chinese (always convert with OpenCC
``t2s``), can loop on a phrase when temperature fallback kicks in, and on near-silence prints
stock phrases learnt from subtitles ("请不吝点赞订阅", "你不懂"…). Each function here is one
step; :func:`clean_segment_text` runs the first three, numbers are normalised after the lexicon
correction (so "毫米公主" is fixed to "毫米汞柱" before becoming "mmHg").
"""

from __future__ import annotations

import re
from functools import lru_cache

from appliance.clinical.extract_numbers import normalize_numbers

#: Stock phrases Whisper invents on silence, music or noise (learnt from subtitle credits).
HALLUCINATIONS: tuple[str, ...] = (
    "请不吝点赞",
    "点赞订阅",
    "订阅转发",
    "打赏支持",
    "明镜与点点",
    "字幕由",
    "字幕提供",
    "中文字幕",
    "谢谢观看",
    "感谢观看",
    "感谢收看",
    "谢谢收看",
    "下集再见",
    "优优独播剧场",
    "YoYo Television",
    "Amara.org",
    "你不懂",
)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text)) if text else text


def collapse_repeats(text: str, max_repeats: int = 2) -> str:
    """Collapse a phrase (1–12 characters) repeated more than ``max_repeats`` times in a row."""
    pattern = re.compile(r"(.{1,12}?)\1{%d,}" % max_repeats, re.S)  # noqa: UP031
    previous = None
    while previous != text:
        previous = text
        text = pattern.sub(lambda m: m.group(1), text)
    return text


def is_hallucination(text: str) -> bool:
    stripped = re.sub(r"[\s，。、！？,.!?…]", "", text)
    if not stripped:
        return True
    return any(phrase.replace(" ", "") in stripped for phrase in HALLUCINATIONS)


_PUNCT = str.maketrans({",": "，", "?": "？", "!": "！", ";": "；", ":": "："})


def normalize_punctuation(text: str) -> str:
    text = text.strip().translate(_PUNCT)
    text = re.sub(r"(?<=[\u4e00-\u9fff℃%])\s+(?=[\u4e00-\u9fff])", "，", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff])\.(?!\d)", "。", text)
    return re.sub(r"([，。；])\1+", r"\1", text)


def clean_segment_text(text: str) -> str:
    """t2s, punctuation ("、" at a pause becomes "，": Whisper writes it between clauses when
    given "、"-joined hotwords), repetition guard; '' for a phantom phrase."""
    text = normalize_punctuation(to_simplified(text)).replace("、", "，")
    text = collapse_repeats(text)
    return "" if is_hallucination(text) else text


def join_segments(texts: list[str]) -> str:
    out = ""
    for piece in texts:
        if not piece:
            continue
        if out and not out.endswith(("，", "。", "；", "！", "？")):
            out += "，"
        out += piece
    return out


__all__ = [
    "HALLUCINATIONS",
    "clean_segment_text",
    "collapse_repeats",
    "is_hallucination",
    "join_segments",
    "normalize_numbers",
    "normalize_punctuation",
    "to_simplified",
]
