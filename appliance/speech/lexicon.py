"""The speech lexicon: every word the corrector may put into a transcript, and where it is from.

Terms come from the bundled data (nothing is typed in here):

- ``medical_lexicon.csv`` — symptoms, signs, exams, units, 病历 section words, dictation phrases;
- ``formulary.csv`` — this clinic's formulary: generic names, Chinese brands and aliases (drug);
- ``icd10_primary_care.csv`` — ICD-10 Chinese names and synonyms (diagnosis);
- ``speech_kb_words.csv`` — words of the clinic's knowledge base and catalogs (kb), mined with
  jieba; a weak source: only written where the context agrees;
- ``dictation_phrases.toml`` — phrase templates: ``[[expand]]`` phrases become terms,
  ``[[anchor]]`` pairs (a literal beside a term of a category, "给予{drug}") are returned as
  :class:`Anchor` for the anchored pass of :mod:`appliance.speech.correct`.

A term is 2–12 Chinese characters; longer terms are tried first.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from appliance.speech.phonetics import fuzzy

DATA = Path(__file__).resolve().parents[1] / "knowledge" / "data"
LEXICON_FILE = DATA / "medical_lexicon.csv"
#: words of the clinic's own knowledge base (firmware_scripts/dev/mine_speech_words.py): used
#: only where the sentence agrees (appliance/speech/correct_context.py)
KB_WORDS_FILE = "speech_kb_words.csv"
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{2,12}")
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Term:
    text: str
    category: str
    syllables: tuple[str, ...]
    tones: tuple[str, ...]


@dataclass(frozen=True)
class Anchor:
    """A literal said next to a term of ``category``: ``before`` is True for "给予{drug}"."""

    literal: str
    category: str
    before: bool


def make_term(text: str, category: str = "term") -> Term:
    return Term(
        text,
        category,
        tuple(fuzzy(s) for s in lazy_pinyin(text)),
        tuple(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)),
    )


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _words(*cells: str) -> list[str]:
    return [w.strip() for cell in cells for w in (cell or "").split("|") if w.strip()]


def source_terms(data: Path = DATA) -> dict[str, str]:
    """Formulary drug names/brands/aliases and ICD-10 names/synonyms → category."""
    terms: dict[str, str] = {}
    for row in _csv(data / "formulary.csv"):
        terms.setdefault(row.get("name_zh", ""), "drug")
        for word in _words(row.get("brands", ""), row.get("aliases", "")):
            if len(word) >= 3:  # a two-character brand sounds like too many everyday words
                terms.setdefault(word, "drug")
    for row in _csv(data / "icd10_primary_care.csv"):
        for word in _words(row.get("name_zh", ""), row.get("synonyms", "")):
            terms.setdefault(word, "diagnosis")
    return terms


@lru_cache(maxsize=2)
def _phrases(path: Path) -> tuple[tuple[tuple[str, str], ...], tuple[Anchor, ...]]:
    if not path.is_file():
        return (), ()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    slots: dict[str, list[str]] = dict(data.get("slots", {}))
    # {formulary}: every generic name of this clinic's formulary ("加用{formulary}")
    slots["formulary"] = [
        r["name_zh"] for r in _csv(path.parent / "formulary.csv") if r.get("name_zh")
    ]
    expanded: list[tuple[str, str]] = []
    for template in data.get("expand", []):
        pattern = str(template["pattern"])
        names = _SLOT.findall(pattern)
        for values in product(*(slots[n] for n in names)):
            text = pattern
            for name, value in zip(names, values, strict=True):
                text = text.replace("{" + name + "}", value, 1)
            expanded.append((text, str(template.get("category", "phrase"))))
    anchors = []
    for template in data.get("anchor", []):
        pattern = str(template["pattern"])
        (name,) = _SLOT.findall(pattern)
        literal = pattern.replace("{" + name + "}", "")
        anchors.append(Anchor(literal, name, pattern.startswith(literal)))
    return tuple(expanded), tuple(anchors)


@lru_cache(maxsize=2)
def clinic_hotwords(data: Path = DATA) -> tuple[str, ...]:
    """The clinic part of the decoder hotwords (``[hotwords] clinic`` of the phrase file)."""
    path = data / "dictation_phrases.toml"
    if not path.is_file():
        return ()
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("hotwords", {})
    return tuple(str(w) for w in table.get("clinic", []))


def anchors(data: Path = DATA) -> tuple[Anchor, ...]:
    return _phrases(data / "dictation_phrases.toml")[1]


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE, *, with_sources: bool = True) -> tuple[Term, ...]:
    """Terms of 2–12 Chinese characters, longest first.

    ``path`` is a ``term,category,source`` CSV; with ``with_sources`` the formulary, the ICD-10
    table and the expanded phrase templates next to it are added.
    """
    terms = {row["term"]: row["category"] for row in _csv(path)}
    if with_sources:
        for word, category in source_terms(path.parent).items():
            terms.setdefault(word, category)
        for word, category in _phrases(path.parent / "dictation_phrases.toml")[0]:
            terms.setdefault(word, category)
        for row in _csv(path.parent / KB_WORDS_FILE):
            terms.setdefault(row["term"], "kb")
    kept = (make_term(t, c) for t, c in terms.items() if _HAN_ONLY.fullmatch(t))
    return tuple(sorted(kept, key=lambda t: -len(t.text)))


@lru_cache(maxsize=1)
def common_words(min_count: int = 20) -> frozenset[str]:
    """Two-character everyday words (jieba's dictionary, frequency ≥ ``min_count``): a character
    that forms one with its neighbour outside a window belongs to that word, not to the window
    ("伴右侧" is 伴 + 右侧, not 伴有 + 侧)."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) == 2 and int(parts[1]) >= min_count:
                words.add(parts[0])
    return frozenset(words)


def with_context(base: tuple[Term, ...], words: tuple[str, ...]) -> tuple[Term, ...]:
    """The lexicon plus this patient's words (complaint, known diagnoses, drugs)."""
    known = {t.text for t in base}
    extra = [make_term(w, "context") for w in words if _HAN_ONLY.fullmatch(w) and w not in known]
    return tuple(sorted((*base, *extra), key=lambda t: -len(t.text))) if extra else base
