"""Optional LLM post-pass over a transcript: a multiple choice, never a rewrite.

:func:`choose_corrections` (what the product runs): for each span Whisper was unsure of (word
probability < 0.5, :attr:`Transcript.uncertain`) the lexicon terms that sound near it and that
the deterministic pass did not dare apply are offered as options next to "keep"; the schema is
an ``enum`` per span, so the model can only pick one of them. At most :data:`MAX_CHOICES` spans,
one call, within the caller's time budget; every pick is marked as a ``llm`` correction.

:func:`apply_llm_corrections` (older free proposals, kept for the bench's comparison): a
``{"from", "to"}`` pair is applied only when it occurs, keeps the length and sounds alike.
The engine is passed in as a callable (this layer does not import the LLM layer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pypinyin import lazy_pinyin

from appliance.speech.correct import Correction, Term, heard_cost, load_lexicon
from appliance.speech.correct import term_index as _term_index
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


MAX_CHOICES = 8
KEEP = "保持原文"


def _options(
    text: str, start: int, end: int, lexicon: tuple[Term, ...]
) -> list[tuple[int, str, str]]:
    """(window start, window, term) near the span [start, end), cheapest first, at most 3."""
    index = _term_index(lexicon)
    found: dict[str, tuple[float, int, str]] = {}
    for length in range(2, 9):
        for at in range(max(0, start - length + 1), min(end, len(text) - length + 1)):
            window = text[at : at + length]
            if not all("\u4e00" <= c <= "\u9fff" for c in window):
                continue
            for term in {
                t.text: t for t in index.get((length, 0, _fuzzy(lazy_pinyin(window[0])[0])), ())
            }.values():
                if term.text == window or term.text in found or term.category == "kb":
                    continue  # kb words are written only where the context agrees
                costs = [
                    heard_cost(a, b, y)
                    for a, b, y in zip(window, term.text, term.syllables, strict=True)
                ]
                if max(costs) <= 0.8 and sum(costs) <= 0.4 * length + 0.4:
                    found[term.text] = (sum(costs) / length, at, window)
    best = sorted(found.items(), key=lambda kv: kv[1][0])[:3]
    return [(at, window, term) for term, (_c, at, window) in best]


def choice_prompt(
    text: str, choices: list[list[tuple[int, str, str]]]
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    lines = []
    properties: dict[str, Any] = {}
    for i, options in enumerate(choices, 1):
        at, window, _ = options[0]
        context = text[max(0, at - 8) : at + len(window) + 8]
        listed = "；".join(f"{term}（替换“{w}”）" for _, w, term in options)
        lines.append(f"{i}. 上下文“{context}”：{listed}")
        properties[f"c{i}"] = {"enum": [KEEP, *(term for _, _, term in options)]}
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(properties),
    }
    messages = [
        {
            "role": "system",
            "content": (
                "你校对门诊口述病历的语音识别结果。下面每一处识别不确定，请根据上下文从选项中选出"
                f"医生最可能说的词；原文合理或都不合适时选“{KEEP}”。只输出 JSON。"
            ),
        },
        {"role": "user", "content": "识别结果：" + text + "\n" + "\n".join(lines)},
    ]
    return messages, schema


def choose_corrections(
    text: str,
    spans: list[tuple[int, int]],
    chat: ChatJSON,
    lexicon: tuple[Term, ...] | None = None,
) -> tuple[str, list[Correction]]:
    """Let the model pick lexicon words for the uncertain ``spans`` of ``text`` (or keep them)."""
    terms = lexicon if lexicon is not None else load_lexicon()
    choices = [opts for a, b in spans if (opts := _options(text, a, b, terms))][:MAX_CHOICES]
    if not choices:
        return text, []
    messages_, schema = choice_prompt(text, choices)
    answer = chat(messages_, schema)
    if not isinstance(answer, dict):
        return text, []
    changes: list[Correction] = []
    for i, options in enumerate(choices, 1):
        pick = answer.get(f"c{i}")
        for at, window, term in options:
            if pick == term and text[at : at + len(window)] == window:
                text = text[:at] + term + text[at + len(window) :]
                changes.append(Correction("llm", at, window, term, "model"))
                break
    return text, changes
