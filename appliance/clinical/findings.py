"""Findings from free text: vocabulary concepts found in a note, negation-aware, with spans (pure).

The public API, shared by triage and decision support:

- :class:`Concept` — one finding of a vocabulary: ``id``, its terms (Chinese and English names,
  synonyms, colloquial forms), ``unless`` phrases that mean something else ("心梗病史" is not an
  acute MI) and optional ``requires`` terms of which one must also be affirmed (pregnancy +
  bleeding).
- :class:`Vocabulary` — an ordered tuple of concepts (triage builds one from
  ``triage_findings.toml``; a differential module can build its own).
- :func:`extract_findings` ``(text, *, vocabulary, include_negated=False) -> list[Finding]`` —
  one :class:`Finding` per concept found, with the words as written and their ``span`` (start,
  end offsets into ``text``). A concept whose every mention is negated ("否认胸痛", "无发热",
  "未见黑便", "没有呕吐", "denies chest pain", "no fever, cough or rash") is left out, or
  returned with ``negated=True`` when ``include_negated`` (pertinent negatives for a
  differential). Words that contain a negation character but state a positive finding
  ("肢体无力", "无法站立", "无反应") are not negations.
- :func:`appliance.clinical.findings_vitals.extract_vitals` — vital signs, age, sex, pregnancy
  weeks; :func:`appliance.clinical.findings_labs.extract_labs` — lab values with units.

Nothing here judges urgency: triage and differentials interpret the findings with their own data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from appliance.clinical._text import _clause_bounds, _is_negated_en, _is_negated_zh
from appliance.clinical.findings_text import fold, fold_term
from appliance.clinical.findings_vitals import Span

FindingSource = Literal["rule", "semantic", "model"]


@dataclass(frozen=True)
class Concept:
    id: str
    terms: tuple[str, ...]
    unless: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    concepts: tuple[Concept, ...]
    _folded: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for c in self.concepts:
            self._folded[c.id] = (
                _fold_all(c.terms),
                _fold_all(c.unless),
                _fold_all(c.requires),
            )

    def folded(self, concept_id: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        return self._folded[concept_id]

    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.concepts)


@dataclass(frozen=True)
class Finding:
    """A concept found in the text. ``similarity`` is set for semantic matches only."""

    id: str
    text: str
    span: Span
    source: FindingSource = "rule"
    negated: bool = False
    similarity: float | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "span": list(self.span),
        }
        if self.negated:
            out["negated"] = True
        if self.similarity is not None:
            out["similarity"] = round(self.similarity, 3)
        return out


def _fold_all(terms: Iterable[str]) -> tuple[str, ...]:
    # Longest first so that "胸闷痛" is reported rather than the shorter "胸闷" inside it.
    return tuple(sorted({t for t in (fold_term(x) for x in terms) if t}, key=len, reverse=True))


def _bounded(text: str, start: int, end: int) -> bool:
    before = start == 0 or not text[start - 1].isascii() or not text[start - 1].isalnum()
    after = end == len(text) or not text[end].isascii() or not text[end].isalnum()
    return before and after


def mask(text: str, phrases: Iterable[str]) -> str:
    """``text`` with each phrase blanked out as a clause break (same length)."""
    for phrase in phrases:
        start = text.find(phrase)
        while start >= 0:
            text = text[:start] + "，" * len(phrase) + text[start + len(phrase) :]
            start = text.find(phrase, start + len(phrase))
    return text


def occurrences(folded: str, term: str) -> list[tuple[int, bool]]:
    """Each ``(start, negated)`` of ``term`` (already folded) in ``folded`` text."""
    out: list[tuple[int, bool]] = []
    ascii_term = term.isascii()
    start = folded.find(term)
    while start >= 0:
        end = start + len(term)
        free = ascii_term and folded.startswith(("-free", " free"), end)  # "seizure-free"
        if not free and (not ascii_term or _bounded(folded, start, end)):
            c_start, _ = _clause_bounds(folded, start)
            before = folded[c_start:start]
            negated = _is_negated_en(before) if ascii_term else _is_negated_zh(before)
            out.append((start, negated))
        start = folded.find(term, start + 1)
    return out


# Chinese symptom words take a short modifier before their last character: "胸口痛" is also
# written "胸口闷痛", "柏油样便" "柏油样大便". Up to two characters may sit in that gap; a
# negation character there ("胸口不痛") never bridges it. Only for symptom heads (痛 疼 便 肿 …):
# "不想活" must not match "不想干活".
_GAP = r"[^\s\d，,。；;、:：!?！？()（）不无没未非否]{1,2}?"
_HEADS = frozenset("痛疼便肿血痒晕热烧吐泻喘咳麻胀酸紧少紫")


# Two-character bleeding words take the amount between: "咯出鲜血" ~ 咯血, "吐了很多血" ~ 吐血;
# never 带 ("痰中带血", "大便带血" are small amounts with their own terms).
_BLOOD_GAP = r"[^\s\d，,。；;、:：!?！？()（）不无没未非否带]{1,3}?"


@lru_cache(maxsize=4096)
def _gapped(term: str) -> re.Pattern[str] | None:
    if term.isascii() or term[-1] not in _HEADS:
        return None
    if len(term) == 2 and term[-1] == "血":
        return re.compile(re.escape(term[0]) + _BLOOD_GAP + "血")
    if len(term) < 3:
        return None
    return re.compile(re.escape(term[:-1]) + _GAP + re.escape(term[-1]))


# A term that opens with a manner/time adverb ("突然看不见", "突发胸痛") is also written with the
# site or a quantifier after the adverb: "突然右眼看不见", "突然什么都看不见", "突发剧烈胸痛". Up to
# four characters may sit there, never a negation or a clause break ("突然不想吃" is not bridged).
_LEAD_ADVERBS = ("突然", "突发", "忽然", "一下子", "猛然")
_ADVERB_GAP = r"[^\s\d，,。；;、:：!?！？()（）不无没未非否]{1,4}?"


@lru_cache(maxsize=4096)
def _adverb_gapped(term: str) -> re.Pattern[str] | None:
    if term.isascii():
        return None
    for adverb in _LEAD_ADVERBS:
        rest = term[len(adverb) :]
        if term.startswith(adverb) and len(rest) >= 2:
            return re.compile(re.escape(adverb) + _ADVERB_GAP + re.escape(rest))
    return None


# English terms match their plural forms ("seizures", "lips swelling") and, for two-word
# terms, the prepositional paraphrase: "chest pressure" ~ "pressure in her chest",
# "facial burn" is listed separately but "face burn" ~ "burns to the face".
_DET = r"(?:(?:the|his|her|my|their|a|an|both)\s+)?"


_NEG_GAP = {"no", "not", "without", "denies", "never", "nor"}


def _plural(word: str) -> str:
    escaped = re.escape(word)
    return escaped + "(?:s|es)?" if word.isalpha() and len(word) >= 3 else escaped


def _inflected(word: str) -> str:
    """A verb in any form: "vomiting"/"vomited"/"vomits" → ``vomit\\w*``."""
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return re.escape(word[: -len(suffix)]) + r"\w*"
    return _plural(word)


@lru_cache(maxsize=4096)
def _english(term: str) -> re.Pattern[str] | None:
    words = term.split()
    if not term.isascii() or not words or not all(w.isalpha() for w in words):
        return None
    # up to two filler words between the words of a term ("missed her period",
    # "crushing central chest pain"); a negation among them is checked by the caller
    filler = r"(?:\s+[a-z]+){0,2}?\s+"
    forms = [filler.join([_inflected(words[0]), *(_plural(w) for w in words[1:])])]
    if len(words) == 2:
        first, second = words
        forms.append(
            rf"{_plural(second)}\s+(?:in|of|on|to|around)\s+{_DET}(?:[a-z]+\s+)?{_plural(first)}"
        )
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(forms)})(?![a-z0-9]|[- ]free)")


def _spans(folded: str, term: str) -> list[tuple[int, int, bool]]:
    """Exact mentions of ``term``; for Chinese terms also mentions with a short modifier (after
    a leading adverb or before a symptom head), for English terms plural forms and the
    prepositional paraphrase."""
    out = [(start, start + len(term), neg) for start, neg in occurrences(folded, term)]
    for pattern in (_gapped(term), _adverb_gapped(term)):
        if pattern is None:
            continue
        for m in pattern.finditer(folded):
            c_start, _ = _clause_bounds(folded, m.start())
            out.append((m.start(), m.end(), _is_negated_zh(folded[c_start : m.start()])))
    english = _english(term)
    if english is not None:
        for m in english.finditer(folded):
            if _NEG_GAP & set(m.group(0).split()):
                continue  # "chest x-ray, no pain": a negation inside never bridges
            c_start, _ = _clause_bounds(folded, m.start())
            out.append((m.start(), m.end(), _is_negated_en(folded[c_start : m.start()])))
    return out


def _first(folded: str, terms: tuple[str, ...]) -> tuple[int, int, bool] | None:
    """The first affirmed mention of any term (else the first negated one)."""
    negated: tuple[int, int, bool] | None = None
    best: tuple[int, int, bool] | None = None
    for term in terms:
        for start, end, neg in _spans(folded, term):
            hit = (start, end, neg)
            if not neg and (best is None or start < best[0]):
                best = hit
            elif neg and negated is None:
                negated = hit
    return best or negated


# Intensifiers and progressives that sit inside a predicate ("尿特别少" ~ 尿少, "胸口越来越痛" ~
# 胸口痛, "呼吸很困难" ~ 呼吸困难). Between two Chinese characters they are read past, in a second
# pass for the concepts the text did not name as written. Softeners (有点, 稍微, 比较) are not:
# "呼吸有点困难" must not become 呼吸困难.
_INTENSIFIER = re.compile(
    r"(?<=[\u4e00-\u9fff])(?:越来越|越发|特别|非常|十分|极其|相当|更加|老是|总是|一直|很|太|更|挺|都)"
    r"(?=[\u4e00-\u9fff])"
)


def _compact(folded: str) -> tuple[str, list[int]] | None:
    """``folded`` without inner intensifiers, and each kept character's offset; None if none."""
    if not _INTENSIFIER.search(folded):
        return None
    keep: list[int] = []
    last = 0
    for m in _INTENSIFIER.finditer(folded):
        keep.extend(range(last, m.start()))
        last = m.end()
    keep.extend(range(last, len(folded)))
    return "".join(folded[i] for i in keep), keep


def _hit(
    base: str,
    compact: tuple[str, list[int]] | None,
    terms: tuple[str, ...],
    unless: tuple[str, ...],
) -> tuple[int, int, bool] | None:
    """The first mention of ``terms`` as written, else read past intensifiers (spans mapped back
    to ``base``)."""
    hit = _first(mask(base, unless) if unless else base, terms)
    if (hit is not None and not hit[2]) or compact is None:
        return hit
    text, offsets = compact
    again = _first(mask(text, unless) if unless else text, terms)
    if again is None or (again[2] and hit is not None):
        return hit
    start, end, negated = again
    return offsets[start], offsets[end - 1] + 1, negated


def extract_findings(
    text: str, *, vocabulary: Vocabulary, include_negated: bool = False
) -> list[Finding]:
    """Concepts of ``vocabulary`` found in ``text``, in vocabulary order (see module doc)."""
    base = fold(text)
    compact = _compact(base)
    out: list[Finding] = []
    for concept in vocabulary.concepts:
        terms, unless, requires = vocabulary.folded(concept.id)
        hit = _hit(base, compact, terms, unless)
        if hit is None:
            continue
        start, end, negated = hit
        if requires and not negated:
            also = _hit(base, compact, requires, unless)
            if also is None or also[2]:
                continue
        if negated and not include_negated:
            continue
        out.append(Finding(concept.id, text[start:end], (start, end), "rule", negated))
    return out


def affirmed(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.negated]


__all__ = [
    "Concept",
    "Finding",
    "FindingSource",
    "Span",
    "Vocabulary",
    "affirmed",
    "extract_findings",
    "mask",
    "occurrences",
]
