"""Groundedness rules for assistant answers: "no citation, no claim".

A sentence of a generated answer is kept only when the chunks it may cite support it: at least
``MIN_SUPPORT`` of its character bigrams (CJK characters, letters, digits) occur in those chunks.
Sentences that state a diagnosis to the patient are always removed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

MIN_SUPPORT = 0.6
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_CITE_MARK = re.compile(r"\[(\d+)\]|【(\d+)】")
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
# Statements that diagnose the person asking (the assistant never diagnoses a patient).
_DIAGNOSIS_STATEMENT = re.compile(
    r"(你|您)(可能|应该|肯定|大概)?(是|得了|患了|患有|有)(了)?.{0,12}(病|症|炎|癌|高血压|糖尿病|感染)"
    r"|诊断(为|是)|确诊(为|是)"
)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text.lower() if _KEEP.match(c)]
    if len(chars) == 1:
        return {chars[0]}
    return {a + b for a, b in itertools.pairwise(chars)}


def support(sentence: str, sources: Sequence[str]) -> float:
    """Share of the sentence's bigrams found in the sources (1.0 for an empty sentence)."""
    grams = _bigrams(_CITE_MARK.sub("", sentence))
    if not grams:
        return 1.0
    pool: set[str] = set()
    for source in sources:
        pool |= _bigrams(source)
    return len(grams & pool) / len(grams)


def cited_numbers(sentence: str) -> list[int]:
    return [int(a or b) for a, b in _CITE_MARK.findall(sentence)]


def states_diagnosis(sentence: str) -> bool:
    return bool(_DIAGNOSIS_STATEMENT.search(sentence))


def grounded_sentences(answer: str, sources: Sequence[str]) -> tuple[list[str], set[int]]:
    """Keep the supported sentences; returns them and the 1-based source numbers they rest on.

    A sentence citing ``[n]`` must be supported by those sources; an uncited sentence by any.
    """
    kept: list[str] = []
    used: set[int] = set()
    for sentence in split_sentences(answer):
        if states_diagnosis(sentence):
            continue
        cited = [n for n in cited_numbers(sentence) if 1 <= n <= len(sources)]
        candidates = cited or list(range(1, len(sources) + 1))
        best = max(candidates, key=lambda n: support(sentence, [sources[n - 1]]), default=None)
        if best is None:
            continue
        if support(sentence, [sources[n - 1] for n in candidates]) >= MIN_SUPPORT:
            kept.append(_CITE_MARK.sub("", sentence).strip())
            used.add(best)
    return [k for k in kept if k], used
