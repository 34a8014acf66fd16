"""Findings from free text: vocabulary concepts found in a note, negation-aware, with spans (pure).

The public API, shared by triage and decision support:

- :class:`Concept` — one finding of a vocabulary: ``id``, its terms (Chinese and English names,
  synonyms, colloquial forms), ``unless`` phrases that mean something else ("心梗病史" is not an
  acute MI) and optional ``requires`` terms of which one must also be affirmed (pregnancy +
  bleeding). ``absent`` names signs whose *absence* is the finding: "没有呼吸", "看不出在喘气",
  "摸不着跳" fire cardiac arrest when the sign is negated at the end of its clause (so "无呼吸
  困难" never does), optionally only with a body site in the clause (``absent_site``: a limb's
  pulse) or never with one (``absent_not_site``). ``cancelled_by`` phrases after the mention in the
  same sentence mean it is over ("流了不少血，已经止住").
- :class:`Vocabulary` — an ordered tuple of concepts (triage builds one from
  ``triage_findings.toml``; a differential module can build its own).
- :func:`extract_findings` ``(text, *, vocabulary, include_negated=False) -> list[Finding]`` —
  one :class:`Finding` per concept found, with the words as written and their ``span`` (start,
  end offsets into ``text``). A concept whose every mention is negated ("否认胸痛", "无发热",
  "未见黑便", "没有呕吐", "denies chest pain", "no fever, cough or rash") is left out, or
  returned with ``negated=True`` when ``include_negated`` (pertinent negatives for a
  differential). Words that contain a negation character but state a positive finding
  ("肢体无力", "无法站立", "无反应") are not negations. A Chinese mention that cuts a word
  of the sentence in two ("撞上吊柜" holds 上吊 across 撞上|吊柜, by jieba's dictionary) is not
  a mention. Similes are read as the "X样" they mean ("大便像柏油一样黑" ~ 柏油样).
- :func:`appliance.clinical.findings_vitals.extract_vitals` — vital signs, age, sex, pregnancy
  weeks; :func:`appliance.clinical.findings_labs.extract_labs` — lab values with units.

Nothing here judges urgency: triage and differentials interpret the findings with their own data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from appliance.clinical._text import _clause_bounds, _is_negated_en, _is_negated_zh
from appliance.clinical.findings_text import body_part_variants, fold, fold_term
from appliance.clinical.findings_vitals import Span

FindingSource = Literal["rule", "semantic", "model"]


@dataclass(frozen=True)
class Concept:
    id: str
    terms: tuple[str, ...]
    unless: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    absent_site: tuple[str, ...] = ()
    absent_not_site: tuple[str, ...] = ()
    cancelled_by: tuple[str, ...] = ()
    near_sites: tuple[str, ...] = ()
    near_signs: tuple[str, ...] = ()


@dataclass(frozen=True)
class _More:
    """A concept's absence, stop words and site × sign pairs, folded."""

    absent: tuple[str, ...]
    absent_site: tuple[str, ...]
    absent_not_site: tuple[str, ...]
    cancelled_by: tuple[str, ...]
    near_sites: tuple[str, ...] = ()
    near_signs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    concepts: tuple[Concept, ...]
    _folded: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _more: dict[str, _More] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for c in self.concepts:
            self._folded[c.id] = (
                _fold_all(c.terms),
                _fold_all(c.unless),
                _fold_all(c.requires),
            )
            if c.absent or c.cancelled_by or c.near_sites:
                self._more[c.id] = _More(
                    _fold_all(c.absent),
                    _fold_all(c.absent_site),
                    _fold_all(c.absent_not_site),
                    _fold_all(c.cancelled_by),
                    _fold_all(c.near_sites),
                    _fold_all(c.near_signs),
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
    # Longest first so that "胸闷痛" is reported rather than the shorter "胸闷" inside it; each
    # term with the lay and clinical names of the body parts it names (findings_text.BODY_PARTS).
    folded = {t for t in (fold_term(x) for x in terms) if t}
    forms = {v for t in folded for v in body_part_variants(t)}
    return tuple(sorted(forms, key=len, reverse=True))


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


# A result written after its test denies it: "尿蛋白阴性", "尿酮(-)", "大便潜血未见异常".
_RESULT_NEGATIVE = re.compile(
    r"[^\s，,。；;、!?！？]{0,3}?\s*[:：]?\s*(?:为|呈)?\s*"
    r"(?:阴性|[(（]\s*[-－—]\s*[)）]|未见异常|无异常|negative\b)"
)


def _result_negative(folded: str, end: int) -> bool:
    return _RESULT_NEGATIVE.match(folded, end) is not None


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
            out.append((start, negated or _result_negative(folded, end)))
        start = folded.find(term, start + 1)
    return out


# Chinese symptom words take a short modifier before their last character: "胸口痛" is also
# written "胸口闷痛", "柏油样便" "柏油样大便". Up to two characters may sit in that gap; a
# negation character there ("胸口不痛") never bridges it. Only for symptom heads (痛 疼 便 肿 …):
# "不想活" must not match "不想干活".
_GAP = r"[^\s\d，,。；;、:：!?！？()（）不无没未非否]{1,2}?"
_HEADS = frozenset("痛疼便肿血痒晕热烧吐泻喘咳麻胀酸紧少紫")


# Two-character bleeding words take the amount between: "咯出鲜血" ~ 咯血, "吐了一大口血" ~ 吐血;
# never 带 ("痰中带血", "大便带血" are small amounts with their own terms), never before 丝/点/迹
# ("吐的东西里有血丝": streaks are a small amount).
_BLOOD_GAP = r"[^\s\d，,。；;、:：!?！？()（）不无没未非否带]{1,4}?"


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


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
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
    for word in _tokenizer().cut(folded, HMM=False):
        if len(word) > 1:
            out.append((pos, pos + len(word)))
        pos += len(word)
    return tuple(out)


@lru_cache(maxsize=4096)
def _is_word(text: str) -> bool:
    return bool(_tokenizer().FREQ.get(text))


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


def _spans(folded: str, term: str) -> list[tuple[int, int, bool]]:
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
            denied = _is_negated_zh(folded[c_start : m.start()]) or _result_negative(
                folded, m.end()
            )
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


# A simile names the quality it compares with: "像柏油一样" is 柏油样, "跟狗叫似的" 狗叫样. Read
# as "X样" in the second pass (the "样" kept at the offset of 一样/似的).
_SIMILE = re.compile(r"(?:好像|就像|像|跟|如同)([\u4e00-\u9fff]{1,4}?)(一样|似的|那样|一般)")


# The side of a body part is read past in the second pass: "溅进右眼" ~ 溅进眼, "左胳膊麻" ~ 胳膊麻
# (terms that name a side, "右下腹痛", match as written in the first pass).
_SIDE = re.compile(
    r"(?:左侧|右侧|一侧|单侧|双侧|左边|右边|左|右|双)(?=[眼耳手脚足腿臂胳膊膝肩腰背胸腹肋颈])"
)


# A size after a measure word is read past too: "压了块大石头" ~ 压了块石头, "起了个小包" ~ 起了个包.
_SIZE = re.compile(r"(?<=[块个颗片只条根张])(?:老大|大|小)(?=[\u4e00-\u9fff])")


# Reduplicated descriptions are the plain word: "含含糊糊" ~ 含糊, "迷迷糊糊" ~ 迷糊 (AABB; the
# second A and B are read past in the second pass).
_AABB = re.compile(r"([\u4e00-\u9fff])\1([\u4e00-\u9fff])\2")

# A direction between a part and its sign is read past too: "脸往右边歪" ~ 脸歪, "头偏向一侧" ~
# 头偏 (the rules' terms name the sign, not where it points).
_DIRECTION = re.compile(r"(?:往|向|朝)(?:左|右|一)(?:边|侧|面)?(?=[\u4e00-\u9fff])")


# A comparison names the sign: "这条腿比那条粗" ~ 腿粗 (Wells: one calf larger than the
# other), "尿比平时少" ~ 尿少, "比昨天更痛" ~ 痛. The standard of comparison (up to four
# characters) and 更/还 are read past; 比较 ("rather", a softener) is not a comparison, nor is
# one played down after ("吃奶比平时少点": a little less is no danger sign).
_COMPARISON = re.compile(
    r"比(?!较)[^\s\d，,。；;、:：!?！？()（）不无没未非否]{1,4}?(?:更|还|要)?(?=[粗肿大红热烫凉冷白紫黄青多少重痛疼胀硬](?!点|一点|些|一些))"
)


def _compact(folded: str) -> tuple[str, list[int]] | None:
    """``folded`` without inner intensifiers, sides of body parts, sizes, directions,
    comparisons and reduplications, similes read as "X样", and each kept character's offset into ``folded``;
    None if nothing is read past."""
    cuts: list[tuple[int, int, str, int]] = []  # (start, end, replacement, its offset)
    for m in _INTENSIFIER.finditer(folded):
        cuts.append((m.start(), m.end(), "", m.start()))
    for m in _SIDE.finditer(folded):
        cuts.append((m.start(), m.end(), "", m.start()))
    for m in _SIZE.finditer(folded):
        cuts.append((m.start(), m.end(), "", m.start()))
    for m in _COMPARISON.finditer(folded):
        cuts.append((m.start(), m.end(), "", m.start()))
    for m in _DIRECTION.finditer(folded):
        cuts.append((m.start(), m.end(), "", m.start()))
    for m in _AABB.finditer(folded):
        cuts.append((m.start() + 1, m.start() + 2, "", m.start() + 1))
        cuts.append((m.start() + 3, m.end(), "", m.start() + 3))
    for m in _SIMILE.finditer(folded):
        cuts.append((m.start(), m.start(1), "", m.start()))
        cuts.append((m.start(2), m.end(2), "样", m.end(2) - 1))  # span ends after 一样/似的
    if not cuts:
        return None
    chars: list[str] = []
    keep: list[int] = []
    last = 0
    for start, end, replacement, at in sorted(cuts):
        if start < last:
            continue  # overlapping: the first wins
        chars.extend(folded[last:start])
        keep.extend(range(last, start))
        chars.extend(replacement)
        keep.extend([at] * len(replacement))
        last = end
    chars.extend(folded[last:])
    keep.extend(range(last, len(folded)))
    return "".join(chars), keep


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
        more = vocabulary._more.get(concept.id)
        hit = _hit(base, compact, terms, unless)
        if (hit is None or hit[2]) and more is not None and more.absent:
            hit = _absence(base, more) or hit
        if (hit is None or hit[2]) and more is not None and more.near_sites:
            hit = _near(base, more) or hit
        over = more is not None and more.cancelled_by
        if hit is not None and not hit[2] and over and _cancelled_after(base, hit[1], over):
            hit = (hit[0], hit[1], True)  # told, then said to be over
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


# A sign's absence is the finding only where the negated sign closes its clause ("没有呼吸",
# "看不出在喘气，"), a final particle allowed: "无呼吸困难" goes on and never fires it.
_CLAUSE_TAIL = re.compile(r"\s*(?:了|的|啦|呢|啊|呀|音|声)?\s*(?:[，,。；;、!?！？\n]|$)")


def _absence(folded: str, more: _More) -> tuple[int, int, bool] | None:
    """The first clause where one of ``more.absent`` is negated and ends the clause."""
    for term in more.absent:
        for start, end, negated in _spans(folded, term):
            if not negated or not _CLAUSE_TAIL.match(folded, end):
                continue
            c_start, c_end = _clause_bounds(folded, start)
            clause = folded[c_start:c_end]
            if more.absent_site and not any(site in clause for site in more.absent_site):
                continue
            if any(site in clause for site in more.absent_not_site):
                continue
            return c_start, c_end, False
    return None


# A site and its sign apart in one clause: "手腕那里明显歪了" ~ 手腕歪了 (CTAS: an obvious
# deformity of a limb). Up to six characters (twelve letters in English) may sit between, never
# a clause break or a negation; a negation before the site denies it as for any term.
_NEAR_GAP = 6
_NEAR_BETWEEN = re.compile(r"[，,。；;、:：!?！？\n不无没未非否]|\bnot?\b")


def _near(folded: str, more: _More) -> tuple[int, int, bool] | None:
    """The first mention of a ``near_sites`` site followed closely by a ``near_signs`` sign."""
    negated: tuple[int, int, bool] | None = None
    for site in more.near_sites:
        # sites as written (a site is a part of the body: "左脚跟" segments as 左脚|跟, and that
        # must not refuse 脚跟 the way "撞上吊柜" refuses 上吊)
        for start, site_negated in occurrences(folded, site):
            end = start + len(site)
            gap = _NEAR_GAP * 2 if site.isascii() else _NEAR_GAP  # letters, not characters
            window = folded[end : end + gap + max(map(len, more.near_signs))]
            for sign in more.near_signs:
                at = window.find(sign)
                if at < 0 or at > gap or _NEAR_BETWEEN.search(window[:at]):
                    continue
                hit = (start, end + at + len(sign), site_negated)
                if not site_negated:
                    return hit
                negated = negated or hit
    return negated


def _cancelled_after(folded: str, end: int, phrases: tuple[str, ...]) -> bool:
    """Is the mention ending at ``end`` cancelled later in its sentence?"""
    stop = re.search(r"[。；;!?！？\n]", folded[end:])
    sentence = folded[end : end + stop.start()] if stop else folded[end:]
    return any(phrase in sentence for phrase in phrases)


def prepare() -> None:
    """Load the segmenter's dictionary now (about 1 s) instead of at the first complaint."""
    _tokenizer()


def cancelled_after(text: str, end: int, phrases: Iterable[str]) -> bool:
    """Is a mention of ``text`` ending at ``end`` cancelled later in its sentence (``phrases``:
    "止住", "不流了" …: the bleeding is over)?"""
    return _cancelled_after(fold(text), end, _fold_all(phrases))


def affirmed(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.negated]


__all__ = [
    "Concept",
    "Finding",
    "FindingSource",
    "Span",
    "Vocabulary",
    "affirmed",
    "cancelled_after",
    "extract_findings",
    "mask",
    "occurrences",
    "prepare",
]
