"""Character error rate (CER) for Chinese transcripts, compared after the same normalisation."""

from __future__ import annotations

import re

from appliance.clinical.extract_numbers import normalize_numbers

_DROP = re.compile(r"[\s，。、；：！？,.;:!?“”\"'（）()《》…—-]")


def comparable(text: str) -> str:
    """Numbers and units written out, punctuation and spaces removed, lower case."""
    return _DROP.sub("", normalize_numbers(text)).lower()


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str) -> float:
    """Edits / reference length after :func:`comparable` on both (1.0 for an empty reference
    with any output, 0.0 when both are empty)."""
    ref, hyp = comparable(reference), comparable(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


def corpus_cer(pairs: list[tuple[str, str]]) -> float:
    """Total edits over total reference characters for (reference, hypothesis) pairs."""
    edits = sum(edit_distance(comparable(r), comparable(h)) for r, h in pairs)
    chars = sum(len(comparable(r)) for r, _ in pairs)
    return edits / chars if chars else 0.0
