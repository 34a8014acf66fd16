"""Context as evidence: a near-miss becomes a lexicon word only when the words around it agree.

The term pass of :mod:`appliance.speech.correct` accepts a window on sound alone, so its budgets
are strict: two characters must match in tone ("水中" stays, though the dictation said 无水肿),
three may carry one cheap confusion ("反票痛" stays, though it was 反跳痛). On unseen voices most
of the errors left are exactly such near misses. Here a window the strict budget refused may
still become the term when

1. it sounds close enough (:func:`relaxed_cost`: tones ignored; by length, a bounded number of
   near syllables, never a number and never a negation that was not heard as one), and
2. the clinical character model (:func:`appliance.speech.rescore.clinical_prior`: the product's
   own lexicon, formulary, catalogs and knowledge base; no dictation set) finds the sentence
   with the term much more likely than as heard (:func:`context_gain`), by a margin that grows
   with the sound cost (:func:`accepted`).

"双肺呼吸音清，无水中" → 无水肿 (log-odds ≫ margin); "他住在水中" stays (nothing clinical around it
makes 水肿 likelier than 水中 by the margin). Corrections still only ever write lexicon terms.
"""

from __future__ import annotations

from appliance.speech.lexicon import Term, common_words
from appliance.speech.phonetics import FAR_COST

#: characters that turn a finding into its absence: never made or unmade by a near sound
NEGATIONS = frozenset("无未否不没非")
#: sides: a wrong side is worse than a misheard word, so the context never writes or removes one
SIDES = frozenset("左右")
#: by term length: (most syllables that may differ, total sound cost allowed)
_RELAXED = {2: (2, 0.4), 3: (1, 0.8), 4: (2, 1.3), 5: (2, 1.6)}
_LONG = (3, 2.4)
#: log-odds (natural log) the context must give the term over the heard words, plus per cost
MARGIN = 8.0
MARGIN_PER_COST = 8.0
#: a term this long may have one syllable not heard at all, counted as this cost (so the
#: context must favour it by MARGIN + MARGIN_PER_COST × FAR_MISS)
FAR_MIN_LENGTH = 4
FAR_MISS = 2.0
#: a kb word (the knowledge base's own words, a weak source) this long at least
KB_MIN_LENGTH = 2
COMMON_GUARD = True
#: characters of context on each side that the prior reads
CONTEXT_CHARS = 3


def relaxed_cost(term: Term, window: str, costs: list[float]) -> float | None:
    """The window's sound cost as ``term`` with tones ignored, or None when it is too far.

    ``costs`` are the per-character costs (:func:`appliance.speech.correct.heard_cost`)."""
    if term.category == "kb" and len(window) < KB_MIN_LENGTH:
        return None
    if COMMON_GUARD and len(window) == 2 and window in common_words():
        return None  # "昨日", "右耳": an everyday word heard clearly is not a near miss
    misses = [i for i, (a, b) in enumerate(zip(window, term.text, strict=True)) if a != b]
    if not misses:
        return None
    for i in misses:
        if window[i] in SIDES or term.text[i] in SIDES:
            return None  # 右/有: a side is never made or unmade by the context
        if (window[i] in NEGATIONS or term.text[i] in NEGATIONS) and costs[i] > 0:
            return None  # 无/有, 未/胃…: only an exact homophone may touch a negation
    far = [i for i in misses if costs[i] >= FAR_COST]
    if far:
        # one syllable not heard at all, in a term of four or more whose other syllables
        # were all heard right ("可修可谈" for 咳嗽咳痰)
        if (
            len(window) < FAR_MIN_LENGTH
            or len(far) > 1
            or any(costs[i] > 0 for i in misses if i not in far)
        ):
            return None
        return FAR_MISS
    most, budget = _RELAXED.get(len(window), _LONG)
    total = sum(costs)
    if len(misses) > most or total > budget:
        return None
    if len(window) >= 4 and len(window) - len(misses) < len(window) // 2:
        return None  # most of a long term must be heard right
    return total


def context_gain(chars: list[str], start: int, term: str) -> float:
    """Log-odds of the sentence with ``term`` at ``start`` against as heard, by the prior."""
    from appliance.speech.rescore import clinical_prior

    end = start + len(term)
    left = "".join(chars[max(0, start - CONTEXT_CHARS) : start])
    right = "".join(chars[end : end + CONTEXT_CHARS])
    heard = "".join(chars[start:end])
    prior = clinical_prior()
    return prior.logprob(left + term + right) - prior.logprob(left + heard + right)


def accepted(cost: float, gain: float) -> bool:
    return gain >= MARGIN + MARGIN_PER_COST * cost
