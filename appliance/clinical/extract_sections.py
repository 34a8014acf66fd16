"""A dictation in sections, for the model's structuring pass (pure: split, prompt, schema).

The doctor's spoken cues (主诉, 现病史, 既往史, 过敏史, 查体, 诊断, 处理 … — the headings the rules
already know, :data:`appliance.clinical.extract.HEADINGS`) cut the dictation into sections. The
model is asked about one section at a time: a small prompt (one system prompt shared by every
section, so the engine keeps its KV cache, plus the section's own words) and a small output
schema (only the fields that section can hold, each no longer than the section itself). So
the first section's fields come back after a few seconds instead of all of them after one long
call, and progress counts sections done of N.

Text before the first cue, or a dictation with no cue at all, is sent in sentence chunks of at
most :data:`CHUNK_CHARS`, each with the fields the rules read in it plus 主诉 and 现病史 (every
key is tokens the model must write: on 2 cores, about a third of a chunk's answer). Sections whose fields the model does not fill
(family, marital history: the rules' own) are not sent. Grounding and merging are the
whole-record pass's (:mod:`appliance.clinical.extract_llm`): a clause the model writes is kept
only if it is in the section's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from appliance.clinical.extract import HEADINGS, extract_record
from appliance.clinical.extract_llm import FIELD_LIMITS, LLM_TEXT_FIELDS, Grounded, ground
from appliance.clinical.record import Span

#: Free text (no cue) is sent in chunks of whole sentences up to this many characters.
CHUNK_CHARS = 100

#: The fields the model may fill from a section opened by a cue for ``field`` (its own, and
#: the neighbours a doctor runs on into without a new cue). Fields missing here: not sent.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "chief_complaint": ("chief_complaint", "present_illness"),
    "present_illness": ("present_illness", "past_history", "allergy_history"),
    "past_history": ("past_history", "personal_history", "allergy_history"),
    "allergy_history": ("allergy_history", "past_history"),
    "personal_history": ("personal_history", "past_history"),
    "physical_exam": ("physical_exam", "auxiliary_exams"),
    "auxiliary_exams": ("auxiliary_exams", "physical_exam"),
    "diagnoses": ("diagnoses", "treatment_plan"),
    "treatment_plan": ("treatment_plan", "drugs"),
}
FREE_FIELDS: tuple[str, ...] = (*LLM_TEXT_FIELDS, "diagnoses")
_ALWAYS = ("chief_complaint", "present_illness")

_FIELD_OF = dict(HEADINGS)
_CUE = re.compile(
    r"(?:^|(?<=[，,。；;\n]))\s*(?:\d[\.、．]\s*)?("
    + "|".join(h for h, _ in HEADINGS)
    + r")(?:为|是)?\s*[：:]?\s*"
)
_SENTENCE = re.compile(r"[^。；;\n！!？?]+[。；;\n！!？?]*")
_CONTENT = re.compile(r"[^\s，,。；;、:：！!？?]")


@dataclass(frozen=True)
class Section:
    """One part of the dictation: ``text[start:end]``, the cue heard before it ("" for free
    text) and the fields the model may fill from it."""

    index: int
    cue: str
    start: int
    end: int
    fields: tuple[str, ...]

    def words(self, dictation: str) -> str:
        return dictation[self.start : self.end]

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "cue": self.cue,
            "start": self.start,
            "end": self.end,
            "fields": list(self.fields),
        }


def dictation_sections(text: str) -> list[Section]:
    """The sections of ``text`` the model pass sends, in the order spoken."""
    spans: list[tuple[str, int, int, tuple[str, ...] | None]] = []
    cues = list(_CUE.finditer(text))
    first = cues[0].start() if cues else len(text)
    for start, end in _chunks(text, 0, first):
        spans.append(("", start, end, _chunk_fields(text[start:end])))
    for i, cue in enumerate(cues):
        stop = cues[i + 1].start() if i + 1 < len(cues) else len(text)
        heading = cue.group(1)
        spans.append((heading, cue.end(), stop, SECTION_FIELDS.get(_FIELD_OF[heading])))
    out: list[Section] = []
    for heading, start, end, fields in spans:
        while end > start and text[end - 1] in " \t\n，,。；;、":
            end -= 1
        if fields and len(_CONTENT.findall(text[start:end])) >= 2:
            out.append(Section(len(out), heading, start, end, fields))
    return out


def _chunk_fields(words: str) -> tuple[str, ...]:
    """A chunk without cues: the fields the rules read in it, plus 主诉 and 现病史 (where a
    doctor's free words most often belong) — fewer keys for the model to write than all."""
    found = extract_record(words, visit_type=None)
    return tuple(
        f for f in FREE_FIELDS if f in _ALWAYS or getattr(found, f, None) not in (None, "", [])
    )


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Whole sentences of ``text[start:end]`` packed into chunks of ≤ CHUNK_CHARS."""
    out: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text, start, end):
        s, e = m.start(), m.end()
        if out and e - out[-1][0] <= CHUNK_CHARS:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


SECTION_SYSTEM_PROMPT = (
    "你是门诊病历整理助手。下面给你医生口述病历中的一段原话，并注明医生说出的栏目名（如“查体”）。"
    "把这一段原话逐字摘录到 JSON 里要求的栏目：chief_complaint 主诉（症状+时间，≤20字）、"
    "present_illness 现病史、past_history 既往史、allergy_history 过敏史、personal_history 个人史、"
    "physical_exam 体格检查（含生命体征）、auxiliary_exams 辅助检查、treatment_plan 处理意见、"
    "diagnoses 诊断名称、drugs 药品名称。只能逐字摘录这一段原话，不得添加、推测或改写；"
    "这一段没有的栏目填空字符串或空数组。只输出 JSON。"
)


def section_messages(
    section: Section, dictation: str, visit_type: str | None
) -> list[dict[str, str]]:
    """The prompt for one section: the shared system prompt, then the section's words."""
    kind = "复诊" if visit_type == "followup" else "初诊"
    return [
        {"role": "system", "content": SECTION_SYSTEM_PROMPT},
        {
            "role": "user",
            "content": (
                f"就诊类型：{kind}\n栏目：{section.cue or '未说明'}\n"
                f"要填的栏目：{'、'.join(section.fields)}\n这一段原话：\n"
                f"{section.words(dictation)}"
            ),
        },
    ]


def _max_length(section: Section, field: str, dictation: str) -> int:
    """A field copied from the section is never longer than the section's words."""
    return max(4, min(FIELD_LIMITS.get(field, 240), len(section.words(dictation)) + 4))


def section_schema(section: Section, dictation: str) -> dict[str, Any]:
    """Only the section's fields, each bounded by the section's length."""
    props: dict[str, Any] = {}
    for name in section.fields:
        longest = _max_length(section, name, dictation)
        if name in ("diagnoses", "drugs"):
            props[name] = {
                "type": "array",
                "maxItems": 4 if name == "diagnoses" else 6,
                "items": {"type": "string", "maxLength": min(40, longest)},
            }
        else:
            props[name] = {"type": "string", "maxLength": longest}
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": props,
        "required": list(section.fields),
    }


def section_tokens(section: Section, dictation: str) -> tuple[int, int]:
    """(expected, most) output tokens of the section's answer: the words copied once (~0.9
    token per Chinese character) plus the JSON keys; at most every field at its longest."""
    chars = len(section.words(dictation))
    keys = 8 * len(section.fields) + 4
    most = keys + sum(2 * _max_length(section, f, dictation) for f in section.fields)
    return keys + int(chars * 0.9), most


def ground_section(answer: Any, section: Section, dictation: str) -> Grounded:
    """The model's answer for ``section``, kept only where its clauses are in the section's
    words, with spans located in the whole dictation."""
    allowed = {k: v for k, v in (answer if isinstance(answer, dict) else {}).items()}
    allowed = {k: v for k, v in allowed.items() if k in section.fields}
    grounded = ground(allowed, section.words(dictation))
    shift = section.start
    grounded.spans = {
        name: [Span(start=s.start + shift, end=s.end + shift, text=s.text) for s in spans]
        for name, spans in grounded.spans.items()
    }
    return grounded
