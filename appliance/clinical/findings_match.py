"""How one term is found in folded text (pure): the matching primitives of the findings extractor.

- :func:`mask` blanks phrases that mean something else before matching.
- :func:`occurrences` gives each mention of a term with whether its clause negates it (a negative
  result written after a test, "尿酮(-)", negates too).
- :func:`first_mention` gives the first affirmed mention of any of a concept's terms, else the
  first negated one. Chinese terms may have a short gap before their head ("肚子好痛" ~ 肚子痛),
  a leading adverb ("突然", "一下子") may sit inside them, English terms match whole words with
  plurals and inflections; a Chinese mention that cuts a word of the sentence in two (by jieba's
  dictionary, "撞上吊柜" holds 上吊 across 撞上|吊柜) is not a mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from appliance.clinical._text import NEG_CHARS, _clause_bounds, _is_negated_en, _is_negated_zh


def _bounded(text: str, start: int, end: int) -> bool:
    before = start == 0 or not text[start - 1].isascii() or not text[start - 1].isalnum()
    after = end == len(text) or not text[end].isascii() or not text[end].isalnum()
    return before and after


def mask(text: str, phrases: Iterable[str], filler: str = "，") -> str:
    """``text`` with each phrase blanked out as a clause break (same length), or by ``filler``.
    Every phrase is looked for in the text as written, so overlapping phrases ("断指再植",
    "再植术后") blank their union whatever order they come in."""
    blank = bytearray(len(text))
    for phrase in phrases:
        if not phrase:
            continue
        start = text.find(phrase)
        while start >= 0:
            blank[start : start + len(phrase)] = b"\x01" * len(phrase)
            start = text.find(phrase, start + 1)
    if not any(blank):
        return text
    return "".join(filler if blank[i] else ch for i, ch in enumerate(text))


# A result written after its test denies it: "尿蛋白阴性", "尿酮(-)", "大便潜血未见异常".
_RESULT_NEGATIVE = re.compile(
    r"[^\s，,。；;、!?！？]{0,3}?\s*[:：]?\s*(?:为|呈)?\s*"
    r"(?:阴性|[(（]\s*[-－—]\s*[)）]|未见异常|无异常|negative\b)"
)


# A medicine said never to be taken, after its name, closing the clause: "抗凝药从没吃过",
# "胰岛素从来没打过" — the person is not on it. A dose missed ("胰岛素没打", "降压药没吃") is not
# denied: it tells that the person is on the medicine, which findings need (an insulin user who
# missed a dose and vomits is at risk of ketoacidosis), and "不吃" after a sign is a child refusing
# food ("发烧不吃").
_NOT_TAKEN = re.compile(
    r"(?:也|都|还|倒|就|根本)?(?:从来没有|从来没|从没|从未|从来不|根本没)(?:吃|服|用|打|喝|服用|使用)过?(?:了|的)?"
    r"(?=[，,。；;、!?！？\n]|$)"
)


def _denied_after(folded: str, end: int) -> bool:
    """Is the mention ending at ``end`` denied by what follows it: a negative result ("尿酮(-)")
    or a medicine not taken ("抗凝药没吃")?"""
    return (
        _RESULT_NEGATIVE.match(folded, end) is not None or _NOT_TAKEN.match(folded, end) is not None
    )


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
            out.append((start, negated or _denied_after(folded, end)))
        start = folded.find(term, start + 1)
    return out


# Chinese symptom words take a short modifier before their last character: "胸口痛" is also
# written "胸口闷痛", "柏油样便" "柏油样大便". Up to two characters may sit in that gap; a
# negation character there ("胸口不痛") never bridges it. Only for symptom heads (痛 疼 便 肿 …):
# "不想活" must not match "不想干活".
_GAP = r"[^\s\d，,。；;、:：!?！？()（）" + NEG_CHARS + "]{1,2}?"
_HEADS = frozenset("痛疼便肿血痒晕热烧吐泻喘咳麻胀酸紧少紫")


# Two-character bleeding words take the amount between: "咯出鲜血" ~ 咯血, "吐了一大口血" ~ 吐血;
# never 带 ("痰中带血", "大便带血" are small amounts with their own terms), never before 丝/点/迹
# ("吐的东西里有血丝": streaks are a small amount).
_BLOOD_GAP = r"[^\s\d，,。；;、:：!?！？()（）" + NEG_CHARS + "带]{1,4}?"


@lru_cache(maxsize=4096)
def _gapped(term: str) -> re.Pattern[str] | None:
    if term.isascii() or term[-1] not in _HEADS:
        return None
    if len(term) == 2 and term[-1] == "血":
        return re.compile(re.escape(term[0]) + _BLOOD_GAP + "血(?![丝点迹])")
    if len(term) < 3:
        return None
    return re.compile(re.escape(term[:-1]) + _GAP + re.escape(term[-1]))


# A term that opens with a manner/time adverb ("突然看不见", "突发胸痛") is also written with the
# site or a quantifier after the adverb: "突然右眼看不见", "突然什么都看不见", "突发剧烈胸痛". Up to
# four characters may sit there, never a negation or a clause break ("突然不想吃" is not bridged).
_LEAD_ADVERBS = ("突然", "突发", "忽然", "一下子", "猛然")
_ADVERB_GAP = r"[^\s\d，,。；;、:：!?！？()（）" + NEG_CHARS + "]{1,4}?"


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
            rf"{_plural(second)}\s+(?:in|of|on|to|around|across|over)\s+{_DET}(?:[a-z]+\s+)?{_plural(first)}"
        )
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(forms)})(?![a-z0-9]|[- ]free)")


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """A private jieba tokenizer on jieba's own dictionary: words other modules add to the
    shared one (the knowledge base's medical words) never change how a complaint is read."""
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@lru_cache(maxsize=512)
def _word_edges(folded: str) -> tuple[tuple[int, int], ...]:
    """The multi-character words of ``folded`` by jieba's dictionary (no HMM guessing: an
    unknown run stays single characters, so only dictionary words can refuse a mention)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for word in tokenizer().cut(folded, HMM=False):
        if len(word) > 1:
            out.append((pos, pos + len(word)))
        pos += len(word)
    return tuple(out)


@lru_cache(maxsize=4096)
def _is_word(text: str) -> bool:
    return bool(tokenizer().FREQ.get(text))


def _cuts_a_word(folded: str, start: int, end: int) -> bool:
    """Is the mention ``folded[start:end]`` a dictionary word that the sentence's segmentation
    split across its edge? ("撞上吊柜" reads 撞上|吊柜: 上吊 is a word, but not here.) A mention
    that is not one word ("小腿肿" in 小腿|肿胀) is never refused."""
    if not _is_word(folded[start:end]):
        return False
    for w_start, w_end in _word_edges(folded):
        if w_start >= end:
            break
        if w_start < start < w_end < end or start < w_start < end < w_end:
            return True
    return False


def _may_match(folded: str, term: str, gapped: bool = False) -> bool:
    """A cheap necessary condition for the gapped and English patterns of ``term`` (time: a
    complaint is checked against ~2,500 terms): a modifier gap keeps the term's head apart, so
    all but its last character are in the text (a bleeding word: its first character and 血);
    after a leading adverb the rest of the term is; an English term's words (their first four
    letters) are."""
    if term.isascii():
        return all(word[:4] in folded for word in term.split())
    if gapped:
        if len(term) == 2:
            return term[0] in folded and term[1] in folded
        return term[:-1] in folded
    adverb = next((a for a in _LEAD_ADVERBS if term.startswith(a)), "")
    return adverb in folded and term[len(adverb) :] in folded


def spans(folded: str, term: str) -> list[tuple[int, int, bool]]:
    """Exact mentions of ``term``; for Chinese terms also mentions with a short modifier (after
    a leading adverb or before a symptom head), for English terms plural forms and the
    prepositional paraphrase. A Chinese mention that cuts a word in two is none."""
    if term.isascii():
        if not all(word[:4] in folded for word in term.split()):
            return []
    elif term[0] not in folded or term[-1] not in folded:
        return []  # every form keeps the term's first and last characters
    out = [(start, start + len(term), neg) for start, neg in occurrences(folded, term)]
    for pattern in (_gapped(term), _adverb_gapped(term)):
        if pattern is None or not _may_match(folded, term, pattern is _gapped(term)):
            continue
        for m in pattern.finditer(folded):
            c_start, _ = _clause_bounds(folded, m.start())
            denied = _is_negated_zh(folded[c_start : m.start()]) or _denied_after(folded, m.end())
            out.append((m.start(), m.end(), denied))
    if not term.isascii():
        out = [hit for hit in out if not _cuts_a_word(folded, hit[0], hit[1])]
    english = _english(term) if term.isascii() and _may_match(folded, term) else None
    if english is not None:
        for m in english.finditer(folded):
            if _NEG_GAP & set(m.group(0).split()):
                continue  # "chest x-ray, no pain": a negation inside never bridges
            c_start, _ = _clause_bounds(folded, m.start())
            out.append((m.start(), m.end(), _is_negated_en(folded[c_start : m.start()])))
    return out


def first_mention(folded: str, terms: tuple[str, ...]) -> tuple[int, int, bool] | None:
    """The first affirmed mention of any term (else the first negated one). A mention inside a
    longer, negated mention of another term is denied with it: "不出血" denies 出血, so the 血
    inside it is no bleeding either (a negation cue reads only the words it stands before)."""
    hits = [hit for term in terms for hit in spans(folded, term)]
    denied = [(s, e) for s, e, neg in hits if neg]
    negated: tuple[int, int, bool] | None = None
    best: tuple[int, int, bool] | None = None
    for start, end, neg in hits:
        if not neg and any(s <= start and end <= e and e - s > end - start for s, e in denied):
            neg = True
        hit = (start, end, neg)
        if not neg and (best is None or start < best[0]):
            best = hit
        elif neg and negated is None:
            negated = hit
    return best or negated
