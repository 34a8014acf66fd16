"""Findings from free text: vocabulary concepts found in a note, negation-aware, with spans (pure).

The public API, shared by triage and decision support:

- :class:`Concept` — one finding of a vocabulary: ``id``, its terms (Chinese and English names,
  synonyms, colloquial forms), ``unless`` phrases that mean something else ("心梗病史" is not an
  acute MI) and optional ``requires`` terms of which one must also be affirmed (pregnancy +
  bleeding). ``absent`` names signs whose *absence* is the finding: "没有呼吸", "看不出在喘气",
  "摸不着跳" fire cardiac arrest when the sign is negated at the end of its clause (so "无呼吸
  困难" never does), optionally only with a body site in the clause (``absent_site``: a limb's
  pulse) or never with one (``absent_not_site``: a term naming a pulse or a heartbeat is then
  not read in such a clause either, "脚背摸不到脉搏" being a foot's pulse; a breath has no site).
  ``cancelled_by`` phrases after the mention in the same sentence mean it is over ("流了不少血，
  已经止住").
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

How one term is matched lives in :mod:`appliance.clinical.findings_match`; the second-pass
grammar (intensifiers, sides, comparisons… read past) in :mod:`appliance.clinical.findings_grammar`.

Nothing here judges urgency: triage and differentials interpret the findings with their own data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from appliance.clinical._text import NEG_CHARS, _clause_bounds
from appliance.clinical.findings_grammar import compact as _compact
from appliance.clinical.findings_match import first_mention, mask, occurrences, spans, tokenizer
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
    #: the sign may stand anywhere later in the site's sentence (a topic told once and then
    #: commented on: "大腿根那个包好几年了，平时躺下就推回去了，今天推不进去")
    near_sentence: bool = False
    #: the sign must stand in the site's own clause, never the next one (an image that belongs to
    #: its part: "背上像刀割" is a back pain, "背上划了个口子，疼得像刀割" a cut's own pain)
    near_clause: bool = False


@dataclass(frozen=True)
class _More:
    """A concept's absence, stop words and site × sign pairs, folded."""

    absent: tuple[str, ...]
    absent_site: tuple[str, ...]
    absent_not_site: tuple[str, ...]
    cancelled_by: tuple[str, ...]
    near_sites: tuple[str, ...] = ()
    near_signs: tuple[str, ...] = ()
    near_sentence: bool = False
    near_clause: bool = False


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
                    c.near_sentence,
                    c.near_clause,
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


def _hit(
    base: str,
    compact: tuple[str, list[int]] | None,
    terms: tuple[str, ...],
    unless: tuple[str, ...],
) -> tuple[int, int, bool] | None:
    """The first mention of ``terms`` as written, else read past intensifiers (spans mapped back
    to ``base``)."""
    masked = mask(base, unless) if unless else base
    hit = first_mention(masked, terms)
    if (hit is not None and not hit[2]) or compact is None:
        return hit
    text, offsets = compact
    again = first_mention(mask(text, unless) if unless else text, terms)
    if again is None or (again[2] and hit is not None):
        return hit
    start, end, negated = again
    start, end = offsets[start], offsets[end - 1] + 1
    if masked[start:end] != base[start:end]:
        return hit  # read past an intensifier inside what means something else ("叫不太醒")
    return start, end, negated


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
        term_base, term_compact = base, compact
        if more is not None and more.absent_not_site:
            term_base = _mask_site_absences(base, terms, more)
            term_compact = compact if term_base == base else _compact(term_base)
        hit = _hit(term_base, term_compact, terms, unless)
        if (hit is None or hit[2]) and more is not None and more.absent:
            hit = _absence(base, more) or hit
        if (hit is None or hit[2]) and more is not None and more.near_sites:
            # what means something else is blanked for a site and its sign too ("木头砸到" names
            # no head), by a neutral character that keeps the gap ("头被砖头砸到" still is one)
            near_base = mask(base, unless, filler="物") if unless else base
            near_compact = compact if near_base == base else _compact(near_base)
            hit = _near_either(near_base, near_compact, more) or hit
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


# A one-character sign ("气", "跳", "脉") is absent only right after its negation ("没气了",
# "摸不着跳"): with a word between, the negation denies that word ("没有力气" is no strength,
# "没有肉跳" no muscle twitching — neither is an arrest).
_NEG_RIGHT_BEFORE = re.compile(r"(?:没有|没|不|无|冇|未|唔)[着到见出有在]?$")
# A clause that is only "不" + a breathing word, with no "了" after it, denies breathlessness
# ("走路痛，不喘气") — "不喘气了", "好几秒不喘气" or "没(有)…" tell breathing that stopped
_DENIED_NOT_STOPPED = re.compile(r"(?<![没])不$")


def _absence(folded: str, more: _More) -> tuple[int, int, bool] | None:
    """The first clause where one of ``more.absent`` is negated and ends the clause."""
    for term in more.absent:
        for start, end, negated in spans(folded, term):
            right_before = _NEG_RIGHT_BEFORE.search(folded[max(0, start - 3) : start])
            # "现在不出气了": breath no longer coming out, told as a change (了), is absent even
            # where the segmenter reads 出气 as one word ("透不到气", "憋住不出气" are not)
            stopped = (
                len(term) == 1
                and folded[max(0, start - 2) : start] in ("不出", "没出")
                and folded.startswith("了", end)
            )
            if not (negated or stopped):
                continue
            if not _CLAUSE_TAIL.match(folded, end):
                continue
            if len(term) == 1 and not right_before:
                continue
            c_start, c_end = _clause_bounds(folded, start)
            if (
                _DENIED_NOT_STOPPED.search(folded[max(0, start - 2) : start])
                and not folded.startswith("了", end)
                and not folded[c_start : start - 1].strip()
            ):
                continue  # "走路痛，不喘气": not breathless (a denial), not "不喘气了" (stopped)
            clause = folded[c_start:c_end]
            if more.absent_site and not any(site in clause for site in more.absent_site):
                continue
            if _names_site(clause, more.absent_not_site):
                continue
            return c_start, c_end, False
    return None


# hands and feet together, all four limbs or the whole body are the circulation as a whole, not
# one limb's ("手脚冰凉，摸不到脉搏" is shock or an arrest, never a threatened limb)
_WHOLE_BODY = ("手脚", "手足", "四肢", "全身", "浑身", "周身")


def _names_site(clause: str, sites: tuple[str, ...]) -> bool:
    """``clause`` names one of ``sites`` as a part on its own (not inside "手脚", "四肢" …)."""
    for whole in _WHOLE_BODY:
        clause = clause.replace(whole, "，" * len(whole))
    return any(site in clause for site in sites)


# the signs a limb or a fetus has too (a pulse, a beat, heart sounds): a breath has no site, so
# "腿软了没有呼吸" stays an arrest
_SITE_SIGNS = ("脉", "跳", "心音", "pulse")


def _mask_site_absences(folded: str, terms: tuple[str, ...], more: _More) -> str:
    """``folded`` with each term that names a pulse or a heartbeat blanked where its
    clause names a site the absence never applies to: "脚背摸不到脉搏" is a foot without a pulse
    (a threatened limb), "胎心跳停止" a baby's heart — neither is this patient's arrest, whether
    told as an absence or in one of the concept's own words."""
    signed = [t for t in terms if any(sign in t for sign in _SITE_SIGNS)]
    blank: list[tuple[int, int]] = []
    for term in signed:
        start = folded.find(term)
        while start >= 0:
            c_start, c_end = _clause_bounds(folded, start)
            if _names_site(folded[c_start:c_end], more.absent_not_site):
                blank.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    if not blank:
        return folded
    chars = list(folded)
    for start, end in blank:
        chars[start:end] = "，" * (end - start)
    return "".join(chars)


# A site and its sign apart in one clause: "手腕那里明显歪了" ~ 手腕歪了 (CTAS: an obvious
# deformity of a limb). Up to six characters (twelve letters in English) may sit between, never
# a clause break or a negation; a negation before the site denies it as for any term.
_NEAR_GAP = 6
_NEAR_BETWEEN = re.compile(r"[，,。；;、:：!?！？\n" + NEG_CHARS + r"]|\bnot?\b")
# "不到" before an amount is "less than", no denial: "不到半分钟就醒了" (woke in under half a minute)
_LESS_THAN = re.compile(r"不到(?=[半一二两三四五六七八九十几\d])")


def _denied_between(text: str) -> bool:
    """Does ``text`` (between a site and its sign) hold a break or a denial?"""
    if "不到" in text:
        text = _LESS_THAN.sub("__", text)
    return _NEAR_BETWEEN.search(text) is not None


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
                if at < 0 or at > gap or _denied_between(window[:at]):
                    if more.near_clause:
                        continue
                    at = _next_clause_sign(folded, end, sign, more.near_sites)
                    if at < 0 and more.near_sentence:
                        at = _sentence_sign(folded, end, sign)
                    if at < 0:
                        continue
                hit = (start, end + at + len(sign), site_negated)
                if not site_negated:
                    return hit
                negated = negated or hit
    return negated


# The sign may also stand alone in the short clause right after the site's ("手腕子肿起来了，看起
# 来歪歪的"): that clause names no body part of its own and denies nothing before the sign.
_NEXT_CLAUSE_MAX = 12
# 头 names the head, not an hour (钟头), a place (里头, 外头, 上头, 下头), a bone (骨头, 指头) or a
# thing or person (馒头, 枕头, 拳头, 石头, 锄头, 老头)
_OTHER_PART = re.compile(
    r"[嘴脸眼鼻耳腰背肚胸颈脖]|(?<![钟里外上下前后个年骨舌指码石木念馒枕拳罐锄斧砖芋丫老镐])头"
)
_COMMA = re.compile(r"[，,]")
_HARD_BREAK = re.compile(r"[。；;、:：!?！？\n]")
_ANY_BREAK = re.compile(r"[，,。；;、:：!?！？\n]")
# a sentence ends at a full stop (not at 、 or ：, which list or label within it); within it, a
# comma, 、 or ： opens the sign's own clause ("肿成个馒头，红、烫")
_SENTENCE_END = re.compile(r"[。；;!?！？\n]")
_CLAUSE_MARK = re.compile(r"[，,、:：]")


def _next_clause_sign(folded: str, end: int, sign: str, sites: tuple[str, ...]) -> int:
    """Offset of ``sign`` after ``end`` when it is in the short clause following the site's
    (which must itself close within the near gap); -1 otherwise."""
    if sign.isascii():
        return -1
    own = _COMMA.search(folded, end, end + _NEAR_GAP + 1)
    if own is None or _HARD_BREAK.search(folded[end : own.start()]):
        return -1
    stop = _ANY_BREAK.search(folded, own.end())
    clause = folded[own.end() : stop.start() if stop else len(folded)]
    at = clause.find(sign)
    if at < 0 or len(clause) > _NEXT_CLAUSE_MAX or _denied_between(clause[:at]):
        return -1
    if _OTHER_PART.search(clause) or any(site in clause for site in sites):
        return -1
    return own.end() + at - end


def _sentence_sign(folded: str, end: int, sign: str) -> int:
    """Offset of ``sign`` after ``end`` anywhere later in the site's sentence (up to a full stop),
    when no other part of the body is named on the way and nothing in the sign's own clause
    denies it before the sign; -1 otherwise. Chinese states a topic once and comments on it
    clause by clause ("那个包好几年了，平时推得回去，今天推不进去")."""
    if sign.isascii():
        return -1
    stop = _SENTENCE_END.search(folded, end)
    limit = stop.start() if stop else len(folded)
    at = folded.find(sign, end, limit)
    if at < 0 or _OTHER_PART.search(folded[end:at]):
        return -1
    commas = [m.end() for m in _CLAUSE_MARK.finditer(folded, end, at)]
    own = commas[-1] if commas else end
    if _denied_between(folded[own:at]):
        return -1
    return at - end


def _near_either(
    base: str, compact: tuple[str, list[int]] | None, more: _More
) -> tuple[int, int, bool] | None:
    """:func:`_near` on the text as written, else read past the second-pass grammar ("手腕肿得
    像个包子还往一边歪" ~ 手腕肿得像个包子还歪: the direction no longer keeps 歪 out of reach)."""
    hit = _near(base, more)
    if (hit is not None and not hit[2]) or compact is None:
        return hit
    again = _near(compact[0], more)
    if again is None or again[2]:
        return hit
    offsets = compact[1]
    return offsets[again[0]], offsets[again[1] - 1] + 1, False


_NEGATED_BEFORE = re.compile(r"(?:没|未|不|没有|还没|并没|not|never)\s?$")


def _cancelled_after(folded: str, end: int, phrases: tuple[str, ...]) -> bool:
    """Is the mention ending at ``end`` cancelled later in its sentence?"""
    stop = re.search(r"[。；;!?！？\n]", folded[end:])
    sentence = folded[end : end + stop.start()] if stop else folded[end:]
    for phrase in phrases:
        at = sentence.find(phrase)
        while at >= 0:
            # "一直没退干净", "还没止住": a cancelling phrase under a negation cancels nothing
            if not _NEGATED_BEFORE.search(sentence[max(0, at - 3) : at]):
                return True
            at = sentence.find(phrase, at + 1)
    return False


def prepare() -> None:
    """Load the segmenter's dictionary now (about 1 s) instead of at the first complaint."""
    tokenizer()


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
