"""Optional LLM post-pass over a transcript: fix misheard medical words, mark every change.

The model proposes ``{"from", "to"}`` pairs under a bounded schema; a pair is applied only when
``from`` occurs in the transcript, ``to`` has the same length and sounds alike (pinyin) or is a
lexicon term, so the model cannot rewrite the dictation — only fix what was misheard. The
engine is passed in as a callable (this layer does not import the LLM layer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pypinyin import lazy_pinyin

from appliance.speech.correct import Correction, Term, load_lexicon
from appliance.speech.phonetics import fuzzy as _fuzzy
from appliance.speech.phonetics import near as _near

#: (messages, schema) -> parsed JSON (or None when the model is unavailable)
ChatJSON = Callable[[list[dict[str, str]], dict[str, Any]], Any]

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "corrections": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "from": {"type": "string", "maxLength": 12},
                    "to": {"type": "string", "maxLength": 12},
                },
                "required": ["from", "to"],
            },
        }
    },
    "required": ["corrections"],
}


def messages(text: str, terms: tuple[Term, ...]) -> list[dict[str, str]]:
    sample = "、".join(t.text for t in terms if t.category in ("drug", "symptom", "unit"))[:600]
    return [
        {
            "role": "system",
            "content": (
                "你校对门诊口述病历的语音识别结果。只找出听错的医学词（同音或近音错字），"
                "给出 from（原文中的错词，逐字）和 to（正确的词，字数相同）。不要改写句子，"
                f"没有错误就返回空数组。常用词：{sample}。只输出 JSON。"
            ),
        },
        {"role": "user", "content": text},
    ]


def _sounds_alike(a: str, b: str) -> bool:
    pa = [_fuzzy(s) for s in lazy_pinyin(a)]
    pb = [_fuzzy(s) for s in lazy_pinyin(b)]
    if len(pa) != len(pb):
        return False
    misses = sum(not _near(x, y) for x, y in zip(pa, pb, strict=True))
    return misses == 0


def apply_llm_corrections(
    text: str, answer: Any, lexicon: tuple[Term, ...] | None = None
) -> tuple[str, list[Correction]]:
    terms = {t.text for t in (lexicon if lexicon is not None else load_lexicon())}
    items = answer.get("corrections") if isinstance(answer, dict) else None
    changes: list[Correction] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        wrong, right = str(item.get("from", "")), str(item.get("to", ""))
        if not wrong or wrong == right or len(wrong) != len(right) or wrong not in text:
            continue
        if not (_sounds_alike(wrong, right) or (right in terms and len(right) >= 3)):
            continue
        start = text.find(wrong)
        text = text[:start] + right + text[start + len(wrong) :]
        changes.append(Correction("llm", start, wrong, right, "model"))
    return text, changes


def llm_correct(
    text: str, chat: ChatJSON, lexicon: tuple[Term, ...] | None = None
) -> tuple[str, list[Correction]]:
    if not text:
        return text, []
    terms = lexicon if lexicon is not None else load_lexicon()
    answer = chat(messages(text, terms), SCHEMA)
    return apply_llm_corrections(text, answer, terms)
