"""Pinyin-aware correction of a transcript against the speech lexicon; every change is marked.

Whisper hears "毫米汞柱" as "毫米公主", "二甲双胍" as "二甲双瓜", "否认药物过敏史" as "所认要无过迷史":
the sounds are (nearly) right, the characters are not. Four passes, each only ever writes a
lexicon word (:mod:`appliance.speech.lexicon`) and records where and what it changed:

1. **terms** — every window of the transcript as long as a term is scored syllable by syllable
   (:func:`appliance.speech.phonetics.char_cost`: all readings of both characters, speakers'
   merges, dialect and learned confusions). A window is replaced when its cost is within the
   term's budget: two characters must sound the same and match in tone or share a character
   (so "都行" is not rewritten to 窦性 without evidence); three characters may carry one cheap
   confusion if one character is right; four–five one near miss; six and more two misses when
   two characters are right (a long phrase is specific enough). The cheapest term wins.
2. **anchored phrases** — a short literal said next to a term that was heard right ("给予" before
   a drug, "诊断" before a diagnosis) is corrected on sound alone, tones ignored ("急于布洛芬").
3. **measures beside numbers** (:mod:`appliance.speech.correct_numbers`) — "心力76次" is 心率76次,
   "100毫克口福" is 100毫克口服: a number vouches for the measure before it and the route after a dose.
4. **units after numbers** — "38多2" is 38度2: a temperature in range followed by a digit.

Longer terms win; a corrected span is not corrected again; text already right is locked.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from itertools import pairwise
from typing import Any

from appliance.speech.correct_context import (
    LONG_PHRASE,
    MARGIN_PER_COST,
    accepted,
    context_gain,
    flips_polarity,
    relaxed_cost,
)
from appliance.speech.correct_numbers import measure_pass
from appliance.speech.lexicon import Anchor, Term, anchors, common_words, load_lexicon, make_term
from appliance.speech.phonetics import FAR_COST, fuzzy, readings, same_tone, syllable_cost

__all__ = ["Correction", "Term", "correct_with_lexicon", "load_lexicon", "make_term"]

_HAN = re.compile(r"[\u4e00-\u9fff]")
_NUMERALS = {c: str(i) for i, c in enumerate("零一二三四五六七八九")}
_NUMERALS |= {str(i): str(i) for i in range(10)} | {"〇": "0", "两": "2", "十": "10"}
_CORRECTABLE = re.compile(r"[\u4e00-\u9fff0-9]")
#: total syllable cost a window may have, by term length (see the module docstring)
_BUDGET = {3: 0.6, 4: 1.0, 5: 1.0}
_HEADING_BUDGET = {2: 0.0, 3: 0.8}
_RARE_READING = 0.3
_CONFUSION = 0.5
_SENTENCE_BREAKS = "，。；：:,;!?！？ \n"


@dataclass(frozen=True)
class Correction:
    step: str
    start: int
    original: str
    corrected: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["from"] = data.pop("original")
        data["to"] = data.pop("corrected")
        return data


def heard_cost(heard: str, meant: str, syllable: str) -> float:
    """Cost of ``heard`` standing for the term's character ``meant`` read as ``syllable`` (the
    term's reading in context; the heard character may be read any of its ways)."""
    if heard == meant:
        return 0.0
    options = readings(heard)
    if not options:
        return FAR_COST
    best = syllable_cost(options[0], syllable)  # the character's usual reading
    for other in options[1:]:  # a rarer reading (既 xì, 杂 duō) counts as a near sound at best
        best = min(best, _RARE_READING + syllable_cost(other, syllable))
    return best


def _homophone_numeral(window: str, k: int, term: Term) -> bool:
    """A lone numeral inside a long term that sounds exactly like the term's character is a
    mishearing ("毫魔2美生" for 毫摩尔每升, "偶有饮九" for 偶有饮酒), not a number."""
    if len(window) < 4:
        return False
    lone = all(window[j] not in _NUMERALS for j in (k - 1, k + 1) if 0 <= j < len(window))
    return lone and heard_cost(window[k], term.text[k], term.syllables[k]) == 0.0


def _number_changes(term: Term, window: str) -> bool:
    """True when becoming ``term`` would change a number or make one, or change nothing."""
    pairs = list(zip(window, term.text, strict=True))
    for k, (a, b) in enumerate(pairs):
        if b in _NUMERALS and _NUMERALS.get(a, "a") != _NUMERALS[b]:
            return True  # never a number that was not said: "每日1次" is not "每日四次"
        if a in _NUMERALS and b not in _NUMERALS and not _homophone_numeral(window, k, term):
            return True  # "吸烟四" is not "吸烟史", "心率7" is not "心律齐"
    # "2型糖尿病" is already "二型糖尿病"
    return all(a == b or _NUMERALS.get(a, "a") == _NUMERALS.get(b, "b") for a, b in pairs)


def _everyday(window: str) -> bool:
    """The window reads as everyday two-character words, pair by pair ("加强" + "运动")."""
    words = common_words()
    return all(window[i : i + 2] in words for i in range(0, len(window) - 1, 2))


def window_cost(
    term: Term, window: str, after_digit: bool = False, heading: bool = False
) -> float | None:
    """The window's cost as ``term`` or None when it may not become the term."""
    if window == term.text or len(window) != len(term.text) or _number_changes(term, window):
        return None
    pairs = list(zip(window, term.text, strict=True))
    costs = [heard_cost(a, b, s) for (a, b), s in zip(pairs, term.syllables, strict=True)]
    long_phrase = len(pairs) >= LONG_PHRASE
    if any(flips_polarity(a, b, c, long_phrase) for (a, b), c in zip(pairs, costs, strict=True)):
        return None  # "墨菲征阳性" is not 墨菲征阴性, "伴右" not 伴有
    same = sum(a == b for a, b in pairs)
    total = sum(costs)
    if heading and term.category == "section" and total <= _HEADING_BUDGET.get(len(pairs), 1.0):
        return total  # a 病历 heading where a sentence starts: "煮酥，" is 主诉, "先变食" 现病史
    if len(pairs) == 2:
        if any(c > _RARE_READING for c in costs):
            return None
        if term.category == "unit" and after_digit:
            return 0.0  # "30号客" → "30毫克": a unit right after a number
        if not all(_HAN.match(a) for a, _ in pairs) or window in common_words():
            return None  # an everyday word heard clearly ("家中") is left to the context
        # two characters: the same sounds and tones ("升高" is not "身高", "伴右" not "伴有")
        return total if all(same_tone(a, b) for a, b in pairs if a != b) else None
    if len(pairs) == 3:
        if total == 0 or (total <= _BUDGET[3] and same >= 1):
            return total
        # or a single sound Whisper is known to confuse ("卸长龟" for 血常规)
        return total if sum(c > 0 for c in costs) == 1 and total <= _CONFUSION else None
    if total > _BUDGET.get(len(pairs), 2.0):
        return None
    # a numeral at the window's edge counts as a miss ("病史十年" is not "病病史" + 年)
    misses = [
        i
        for i, (c, (a, b)) in enumerate(zip(costs, pairs, strict=True))
        if c > 0 or (a in _NUMERALS and b not in _NUMERALS and i in (0, len(pairs) - 1))
    ]
    adjacent = any(b - a == 1 for a, b in pairwise(misses))
    if len(misses) >= 2 and (same < 1 or (adjacent and len(pairs) < 7)):
        return None  # two neighbours both wrong is another word ("既往" is not "吸烟")
    edge = {0, 1, len(pairs) - 2, len(pairs) - 1}
    if any(b - a == 1 and {a, b} <= edge for a, b in pairwise(misses)):
        return None  # a two-character word at the edge not heard: "口服…" is not "给予…"
    if same == 0 and misses and _everyday(window):
        return None  # everyday words, none heard as the term: only the context may say
        # ("加强运动" is not 甲羟孕酮)
    if len(pairs) < 7 and (costs[0] >= FAR_COST or costs[-1] >= FAR_COST):
        return None  # a syllable not heard at the edge of a short window: it may be misplaced
    return total


def _crosses_word(chars: list[str], start: int, end: int, term: str) -> bool:
    """A changed character at the window's edge that makes an everyday word with the character
    outside belongs to that word ("未见异常": 异 is in 异常, so "见异" is not 建议)."""
    words = common_words()
    syllables = make_term(term).syllables

    def changed(at: int, k: int) -> bool:
        if chars[at] == term[k]:
            return False
        # a long window may re-read a homophone ("解析水氧变" is 解 + 稀水样便), never a new sound
        return end - start <= 3 or heard_cost(chars[at], term[k], syllables[k]) > 0

    if start > 0 and changed(start, 0) and chars[start - 1] + chars[start] in words:
        return True
    return end < len(chars) and changed(end - 1, -1) and chars[end - 1] + chars[end] in words


def _index(terms: tuple[Term, ...]) -> dict[tuple[int, int, str], list[Term]]:
    """(length, position, syllable) → terms; a match misses at most two of its first three
    syllables, so looking a window up by each of its first three finds every candidate."""
    index: dict[tuple[int, int, str], list[Term]] = {}
    for term in terms:
        for pos in range(min(3, len(term.text))):
            for reading in readings(term.text[pos]) or (term.text[pos],):
                index.setdefault((len(term.text), pos, fuzzy(reading)), []).append(term)
    return index


_INDEXES: dict[int, tuple[tuple[Term, ...], dict[tuple[int, int, str], list[Term]]]] = {}


def term_index(terms: tuple[Term, ...]) -> dict[tuple[int, int, str], list[Term]]:
    key = id(terms)
    hit = _INDEXES.get(key)
    if hit is None or hit[0] is not terms:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        hit = (terms, _index(terms))
        _INDEXES[key] = hit
    return hit[1]


def _lock_exact(text: str, terms: tuple[Term, ...]) -> tuple[list[int], list[tuple[int, int]]]:
    """Exact lexicon hits are right already: lock them against terms of the same length or less.

    Also returns the spans of the clinical terms among them (as heard; the knowledge base's
    everyday words are too common to vouch for themselves): a longer term may still change one
    of their characters, never all of them (:func:`_rewrites_heard_word`)."""
    locked = [0] * len(text)
    heard: list[tuple[int, int]] = []
    for term in terms:
        begin = text.find(term.text)
        while begin >= 0:
            if term.category != "kb":  # a clinical term, not an everyday word of the KB
                heard.append((begin, begin + len(term.text)))
            for k in range(begin, begin + len(term.text)):
                locked[k] = max(locked[k], len(term.text))
            begin = text.find(term.text, begin + 1)
    return locked, heard


def _rewrites_heard_word(heard: list[tuple[int, int]], start: int, window: str, new: str) -> bool:
    """Would writing ``new`` over ``window`` (at ``start``) change every character of a lexicon
    word heard exactly inside it? "口服复诊阿莫西林" is not 口服服用阿莫西林 and then 空腹服用:
    复诊 and 口服 are words of their own, heard as said. A word a longer term only touches in
    part (one character of 双费 → 双肺) is still open to it."""
    end = start + len(window)
    for a, b in heard:
        if (
            start <= a
            and b <= end
            and all(window[k - start] != new[k - start] for k in range(a, b))
        ):
            return True
    return False


def _relaxed(term: Term, window: str) -> float | None:
    """Sound cost with tones ignored (:func:`relaxed_cost`) for an all-Chinese window."""
    if not all(_HAN.match(c) for c in window) or _number_changes(term, window):
        return None
    costs = [
        _usual_cost(a, b, s) for a, b, s in zip(window, term.text, term.syllables, strict=True)
    ]
    return relaxed_cost(term, window, costs)


def _usual_cost(heard: str, meant: str, syllable: str) -> float:
    """Like :func:`heard_cost` with the heard character's usual reading only: a rare reading
    (肋 jīn) is no evidence when the context has to decide."""
    if heard == meant:
        return 0.0
    options = readings(heard)
    return syllable_cost(options[0], syllable) if options else FAR_COST


def _by_context(
    chars: list[str], start: int, near: list[tuple[float, Term]]
) -> tuple[float, Term] | None:
    """The near term the sentence around it favours most, if by the margin for its cost."""
    best: tuple[float, Term] | None = None
    score = 0.0
    after_digit = start > 0 and chars[start - 1].isdigit()
    for cost, term in near:
        if after_digit and term.category != "unit":
            continue  # right after a number only a unit ("6.8毫网" is not 6.8 睾丸)
        gain = context_gain(chars, start, term.text)
        heard = "".join(chars[start : start + len(term.text)])
        if accepted(cost, gain, heard) and (best is None or gain - MARGIN_PER_COST * cost > score):
            best, score = (cost, term), gain - MARGIN_PER_COST * cost
    return best


def _term_pass(
    chars: list[str], terms: tuple[Term, ...], locked: list[int], heard: list[tuple[int, int]]
) -> list[Correction]:
    index = term_index(terms)
    lengths = sorted({len(t.text) for t in terms}, reverse=True)
    changes: list[Correction] = []
    for length in lengths:
        for start in range(0, len(chars) - length + 1):
            held = [k for k in range(length) if locked[start + k] >= length]
            if len(held) == length:
                continue
            window = "".join(chars[start : start + length])
            if not all(_CORRECTABLE.match(c) for c in window) or not _HAN.search(window):
                continue
            candidates: dict[str, Term] = {}
            for pos in range(min(3, length)):
                for reading in readings(window[pos]) or (window[pos],):
                    for term in index.get((length, pos, fuzzy(reading)), ()):
                        candidates.setdefault(term.text, term)
            after_digit = start > 0 and chars[start - 1].isdigit()
            heading = start == 0 or chars[start - 1] in _SENTENCE_BREAKS
            best: tuple[float, Term] | None = None
            near: list[tuple[float, Term]] = []
            for term in candidates.values():
                if any(term.text[k] != window[k] for k in held):
                    continue  # it would change a word already heard (or made) right
                if _rewrites_heard_word(heard, start, window, term.text):
                    continue
                cost = (
                    None
                    if term.category == "kb"
                    else window_cost(term, window, after_digit, heading)
                )
                if cost is not None and (best is None or cost < best[0]):
                    best = (cost, term)
                elif best is None:
                    loose = _relaxed(term, window)
                    if loose is not None:
                        near.append((loose, term))
            reason = ""
            if best is None and near:
                best, reason = _by_context(chars, start, near), " context"
            if best is None or _crosses_word(chars, start, start + length, best[1].text):
                continue
            term = best[1]
            changes.append(Correction("lexicon", start, window, term.text, term.category + reason))
            chars[start : start + length] = list(term.text)
            for k in range(start, start + length):
                locked[k] = 99
    return changes


def _anchor_pass(
    chars: list[str],
    terms: tuple[Term, ...],
    locked: list[int],
    heard: list[tuple[int, int]],
    rules: tuple[Anchor, ...],
) -> list[Correction]:
    text = "".join(chars)
    by_category: dict[str, list[str]] = {}
    for term in terms:
        by_category.setdefault(term.category, []).append(term.text)
    changes: list[Correction] = []
    for rule in rules:
        size = len(rule.literal)
        for word in by_category.get(rule.category, ()):
            begin = text.find(word)
            while begin >= 0:
                at = begin - size if rule.before else begin + len(word)
                begin = text.find(word, begin + 1)
                if at < 0 or at + size > len(chars):
                    continue
                window = "".join(chars[at : at + size])
                if window == rule.literal or not all(_HAN.match(c) for c in window):
                    continue
                if max(locked[at : at + size]) > size:
                    continue  # part of a longer word heard right
                if _rewrites_heard_word(heard, at, window, rule.literal):
                    continue  # a word of its own, heard as said
                syllables = make_term(rule.literal).syllables
                costs = [
                    heard_cost(a, b, s)
                    for a, b, s in zip(window, rule.literal, syllables, strict=True)
                ]
                if any(costs) and not (size >= 3 and sum(costs) <= 0.8):
                    continue
                changes.append(Correction("lexicon", at, window, rule.literal, "phrase"))
                chars[at : at + size] = list(rule.literal)
                for k in range(at, at + size):
                    locked[k] = 99
                text = "".join(chars)
    return changes


_TEMP_UNIT = re.compile(r"(?<![\d.])(3[4-9]|4[0-2])([\u4e00-\u9fff])(?=[0-9零一二三四五六七八九])")


#: a place only a digit can be: before a decimal point ("酒.6"), or the tenths of a body
#: temperature said as N度M ("36度久" → 36度9) when no other word follows in the same clause
_DIGIT_SLOT = re.compile(
    r"([\u4e00-\u9fff])(?=\.\d)|(?<=(?<![\d.])(?:3[4-9]|4[0-2])度)([\u4e00-\u9fff])(?=[，。；,;]|$)"
)
_DIGIT_READ = ("ling", "yi", "er", "san", "si", "wu", "liu", "qi", "ba", "jiu")
_DIGIT_WORDS = "零一二三四五六七八九"


def _unit_pass(chars: list[str]) -> list[Correction]:
    """Numbers said around a misheard character: "38多2" → "38度2" (a body temperature said as
    N度M), "酒.6" → "9.6" and "36度久" → "36度9" (a digit that sounds the same where only a digit
    can be)."""
    text = "".join(chars)
    changes = []
    for m in _DIGIT_SLOT.finditer(text):
        heard = m.group(1) or m.group(2)
        at = m.start(1) if m.group(1) else m.start(2)
        same = [d for d, w in enumerate(_DIGIT_WORDS) if heard_cost(heard, w, _DIGIT_READ[d]) == 0]
        if heard not in _NUMERALS and len(same) == 1:
            changes.append(Correction("lexicon", at, heard, str(same[0]), "number"))
            chars[at] = str(same[0])
    for m in _TEMP_UNIT.finditer(text):
        heard = m.group(2)
        if heard != "度" and heard_cost(heard, "度", "du") <= 0.8 and heard not in _NUMERALS:
            at = m.start(2)
            changes.append(Correction("lexicon", at, heard, "度", "unit"))
            chars[at] = "度"
    return changes


def correct_with_lexicon(
    text: str, lexicon: tuple[Term, ...] | None = None
) -> tuple[str, list[Correction]]:
    """Return the corrected text and the list of changes (positions refer to the input;
    every pass keeps the length, so they refer to the output too)."""
    terms = load_lexicon() if lexicon is None else lexicon
    if not text or not _HAN.search(text):
        return text, []
    chars = list(text)
    locked, heard = _lock_exact(text, terms)
    changes = _term_pass(chars, terms, locked, heard)
    changes += _anchor_pass(chars, terms, locked, heard, anchors())
    changes += [
        Correction("lexicon", at, heard, word, "measure")
        for at, heard, word in measure_pass(chars, locked)
    ]
    changes += _unit_pass(chars)
    # a later pass may take in characters an earlier one already changed ("复诊阿莫西林", then
    # "口服服用"): each change names what was heard there, so its words point into the input
    changes = [replace(c, original=text[c.start : c.start + len(c.original)]) for c in changes]
    changes.sort(key=lambda c: c.start)
    return "".join(chars), changes
