"""Context as evidence: a near-miss becomes a lexicon word only when the words around it agree.

The term pass of :mod:`appliance.speech.correct` accepts a window on sound alone, so its budgets
are strict: two characters must match in tone ("水中" stays, though the dictation said 无水肿),
three may carry one cheap confusion ("反票痛" stays, though it was 反跳痛). On unseen voices most
of the errors left are exactly such near misses. Here a window the strict budget refused may
still become the term when

1. it sounds close enough (:func:`relaxed_cost`: tones ignored, the heard characters' usual
   readings; by length, a bounded number of near syllables; never a number, a side or a
   negation that was not heard as one: :func:`flips_polarity`, which the sound pass obeys too),
   and
2. the clinical character model (:func:`appliance.speech.rescore.clinical_prior`: the product's
   own lexicon, formulary, catalogs and knowledge base; no dictation set) finds the sentence
   with the term much more likely than as heard (:func:`context_gain`), by a margin that grows
   with the sound cost and more when the heard words are an everyday word (:func:`accepted`).

Words of the clinic's knowledge base (``kb`` terms, mined from its documents) are written only
this way, never on sound alone.

"双肺呼吸音清，无水中" → 无水肿 (log-odds ≫ margin); "他住在水中" stays (nothing clinical around it
makes 水肿 likelier than 水中 by the margin). Corrections still only ever write lexicon terms.
"""

from __future__ import annotations

from appliance.speech.lexicon import Term, common_words
from appliance.speech.phonetics import FAR_COST

#: characters that turn a finding into its absence or its opposite: never made or unmade by a
#: near sound (by either pass; see :func:`flips_polarity`)
NEGATIONS = frozenset("无有未否不没非阴阳")
#: sides: a wrong side is worse than a misheard word: written or removed only for the same sound
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
#: more log-odds needed when the words heard are an everyday word ("口福", "昨日")
EVERYDAY_MARGIN = 2.0
#: a phrase this long is specific enough to carry its own negation ("否认食物过敏史")
LONG_PHRASE = 5
#: characters of context on each side that the prior reads
CONTEXT_CHARS = 3


def relaxed_cost(term: Term, window: str, costs: list[float]) -> float | None:
    """The window's sound cost as ``term`` with tones ignored, or None when it is too far.

    ``costs`` are the per-character costs (:func:`appliance.speech.correct.heard_cost`)."""
    misses = [i for i, (a, b) in enumerate(zip(window, term.text, strict=True)) if a != b]
    if not misses:
        return None
    if any(flips_polarity(window[i], term.text[i], costs[i]) for i in misses):
        return None  # 右/有, 无/有, 阳/阴: never by the context
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


def flips_polarity(heard: str, meant: str, cost: float, long_phrase: bool = False) -> bool:
    """Whether writing ``meant`` for ``heard`` would make or unmake a negation or a side: never
    one polarity for another (阳性 → 阴性, 无 → 有, 右 → 左); a side only from the same sound
    (又 → 右); a negation from a near sound only inside a long phrase ("所认食物过敏史" →
    否认…), else from the same sound (为 → 未)."""
    if heard == meant:
        return False
    polar = NEGATIONS | SIDES
    if heard in polar and meant in polar:
        return True
    if heard in SIDES or meant in SIDES:
        return cost > 0  # "又下腹" is 右下腹, "作氧氟沙星" 左氧氟沙星: the same sound only
    return (heard in NEGATIONS or meant in NEGATIONS) and cost > 0 and not long_phrase


def context_gain(chars: list[str], start: int, term: str) -> float:
    """Log-odds of the sentence with ``term`` at ``start`` against as heard, by the prior."""
    from appliance.speech.rescore import clinical_prior

    end = start + len(term)
    left = "".join(chars[max(0, start - CONTEXT_CHARS) : start])
    right = "".join(chars[end : end + CONTEXT_CHARS])
    heard = "".join(chars[start:end])
    prior = clinical_prior()
    return prior.logprob(left + term + right) - prior.logprob(left + heard + right)


def accepted(cost: float, gain: float, heard: str = "") -> bool:
    """Whether the context's log-odds ``gain`` is enough for a near miss of ``cost`` (more when
    ``heard`` is itself an everyday two-character word)."""
    everyday = len(heard) == 2 and heard in common_words()
    return gain >= MARGIN + MARGIN_PER_COST * cost + (EVERYDAY_MARGIN if everyday else 0.0)
