"""Semantic matching of complaint clauses to the triage findings bank (pure; numpy only).

Wording nobody put in the vocabulary still lands on its finding: each clause of the complaint is
embedded and compared (cosine) with every term of the bank; a clause whose best match reaches
the bank's threshold, by a margin over the best match of any other finding, adds that finding
with ``source="semantic"`` and its similarity. Negated clauses ("否认胸痛", "no fever") are
skipped. A semantic finding can only add a reason, so it can only raise the level; findings
that need a co-finding (``with``: pregnancy + bleeding) are not in the bank, since a similarity
cannot check the second half.

The embedder is any object with ``embed_queries(texts) -> (n, dim)`` L2-normalised rows; the
bank's vectors are precomputed (``appliance/knowledge/data/triage_findings_vectors.npz``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from appliance.clinical._text import (
    AS_USUAL,
    NEG_CHARS,
    _is_negated_en,
    _is_negated_zh,
    is_feared,
    is_past_history,
)
from appliance.clinical.findings import Finding
from appliance.clinical.findings_text import fold

_CLAUSE = re.compile(r"[^，,。；;.!?！？、\n]+")
_MIN_CHARS = 4
# A clause that opens with a negation (or "can/able", the opposite of a danger sign) states an
# absence: similarity cannot tell "不能喝水" from "能喝水", so such clauses are never matched.
_NEGATED_START = re.compile(
    r"^(?:无|否认|未|没有|没|不|非|能|可以|尚可|denies|denied|no|not|without|never|negative|"
    r"able to|can)(?![明诱])",
)
# A clause that only says something is normal ("breathing fine", "呼吸平稳", "说话清楚") or mild ("有点红肿疼",
# "a bit sore") is not matched: the rules' own terms judge those.
# "嘴唇不肿", "胸口不痛", "喘气不快": a negation right before a symptom head inside the clause.
# A degree between the negation and the head plays it down the same way ("肚子还不怎么痛",
# "不太肿", "不是很疼").
_NEGATED_HEAD = re.compile(
    r"(?:不|没|没有|无|未)(?:怎么|太|大|是很|很)?(?:肿|痛|疼|红|黄|紫|青|白|黑|硬|凉|凹|陷|干|痒|烧|热|喘|吐|晕|昏|慌|流|出血|流血|发烧|"
    r"费劲|费力|憋|急|促|困难|麻|木|抖|哑|难受|糊涂|迷糊|懵|惊|快(?!乐))"
)
# Embeddings do not see negation or degree: "眼睛看东西不花" lands on blurred vision, "出的血不多"
# on major bleeding, "还能一口气说完话" on breathlessness. So a clause is not matched when it keeps an
# ability ("还能走", "能说整句"; "不能", "只能", "可能", "功能" are not abilities) or plays a
# quantity down ("不多", "不厉害", "不明显"); and (in :func:`semantic_findings`) when the rules
# read a denied mention in it ("denied" spans: "不重影", "没发烧").
_ABILITY = re.compile(
    r"(?<![不没功可才只未])(?:能|可以)(?![不否])"
    # a potential complement states the ability too: "嘴张得开", "吃得下", "站得起来", "看得清",
    # "问话答得上", "答得对", "叫得应", Cantonese "饮得落" (never when a negation follows:
    # "喘得上不来气", "痛得下不了床")
    r"|[\u4e00-\u9fff]得(?:开|动|下|进|落|起来|清|见|着|住|了|上|对|应)(?![不没冇唔])"
)
# "不少" closing a clause says an amount is not reduced ("尿也不少"); after bleeding, vomiting or
# stools it means "a lot" ("出血不少"), which is no playing down.
_PLAYED_DOWN = re.compile(
    r"不(?:多|厉害|严重|明显|算)|(?<![血吐拉泻咳])(?:也|还|都)?不少$"
    # a little less than usual ("吃奶比平常少一点") is a slight change, no danger sign
    r"|少(?:了)?一点|少点"
)
# Words that hold a negation character and deny nothing ("动不动就掉眼泪": tears at every turn;
# "咳个不停"): the clause still states a presence
_NO_DENIAL = re.compile(r"动不动|不停|不断|不时|忍不住")
# A lump told by how it feels under the hand ("摸着软软的", "按上去有点软"): its consistency, not a
# floppy child or a soft belly
_PALPATED_SOFT = re.compile(r"^(?:摸着|摸起来|摸上去|按着|按上去|按起来)(?:还|也|是|有点|有些)?软")
# a mild degree right before a sign inside the clause: "口唇轻紫", "脸色略白", "稍肿", "有点乌"
_MILD_SIGN = re.compile(r"(?<!年)(?:轻|微|稍|略|有点|有些)(?:微)?发?[紫青绀乌白红黄肿胀痛疼陷凹]")
_MILD_START = re.compile(
    r"^(?:有点|有一点|稍微|稍|轻微|轻度|略|a bit|a little|slight(?:ly)?|mild(?:ly)?)"
)
_NORMAL_END = re.compile(
    # English words whole ("unwell", "unequal" and "irregular" are no normal endings)
    r"(?<![不没未无])(?:(?<![a-z-])(?:fine|normal|normally|ok|okay|stable|well|clear|round|equal|"
    r"reactive)|(?<!not )passing (?:wind|gas)|正常|平稳|良好|尚可|还行|"
    r"可以|清楚|清晰|清醒|利索|利落|灵活|自如|有力|好好的|没事|顺当|顺畅|通畅|平顺|明白|如常|照常|"
    r"等大|等圆|等大不小|不大不小|圆的|对称|稳定|稳定期|"
    r"挺好|很好|蛮好|还好|不错|得香|睡得好|吃得好|踏实|安稳)"  # "睡得挺好", "吃得香"
    # the same with an intensifier after it: "脑子清楚得很", "精神好着呢"
    r"(?:得很|得很呢|着呢|极了)?$"
)
# A sign said to have stopped ("马上就不哭了", "已经不吐了", "现在不咳了") or an intent denied ("讲不想死了",
# "没打算伤害自己") states an absence: an adverb, then the negation, then one
# or two characters and 了, closing the clause; or a negated intention anywhere in it.
_STOPPED = re.compile(
    r"(?:^|[就都也已经早又还再]|现在|这会儿?|目前|此刻)(?:不|没|冇|唔)[\u4e00-\u9fff]{1,2}了$"
)
_HEDGED = re.compile(r"(?:似的|似地|的样子)$")
# A clause that names a colour and nothing it belongs to ("紫得发黑", "颜色发紫发青") comments on the
# part told before it (a bruise, a leg); embedded alone it lands on the cyanosed lips of an airway
# emergency. Its part's own terms judge it ("嘴唇发紫", "脸色发青" name the part and are matched).
_COLOUR_ONLY = re.compile(
    r"^(?:颜色|颜色也|看着|看上去)?(?:[得发了的都有点很是成变一片大老还也]*[乌青紫黑白红黄绀])+"
    r"[得发了的都有点很是成变一片大老还也乎乎]*$"
)
# A clause that only names a place or counts things at it ("舌头边上一个", "腮帮子上两个", "肚脐周
# 围") says where the things told beside it are, not a sign: embedded alone it lands on the place's
# own emergencies (a stiff tongue of a stroke, a blow to the belly). The things themselves are
# matched in their own clause. A one-character place word (上/里/下) only with a count ("倒下",
# "喘不上" are signs).
_PLACE = r"^[^\W\d_不没无未非否冇唔]{1,4}?"
_COUNT = (
    r"(?:还有|也有|又有|有|长了|起了)?(?:[一两二三四五六七八九十几]|好几|好多)+[个处块颗粒片串]?"
)
_PLACE_COUNT = re.compile(
    rf"{_PLACE}(?:(?:边上|旁边|上面|上头|下面|底下|里面|里头|周围|附近|那儿|那里|这儿|这里)(?:{_COUNT})?"
    rf"|[上里下]{_COUNT})$"
)
# Sleeplessness ("醒了就睡不着", "睡不好", "失眠") embeds close to "睡不醒" and "睡着就不醒"; it is never
# an emergency sign itself, so such a clause is left to the rules' own terms.
_SLEEPLESS = re.compile(r"睡不着|睡不好|睡不踏实|睡不安稳|失眠|早醒|醒得早|闹觉|闹夜|夜闹|夜啼")
# A clause that asks for a medicine ("来拿点止泻药", "想开些感冒药", "买点药膏") names no sign: the
# complaint it is for is told in another clause, and matched, "…药" draws the terms of stored pills
# (overdose, suicide). A request is a fetching verb after 来/想/要/去 or before a small amount (点/些),
# with nothing taken or drunk between it and the 药 that ends the clause ("拿了一瓶药" is no request).
_ASKS_MEDICINE = re.compile(
    r"(?:(?:来|想|要|去)(?:拿|开|买|配|取)|(?:拿|开|买|配|取)(?:点|些|一点|一些))"
    r"[^了过吃喝服]{0,6}药[吃膏水片]?$"
)
# A clause that asks the doctor something ("顺便问问", "想问一下", "问了一下") or says a measurement was refused
# ("血压不让量", "体温不给测") names no sign: embedded alone, the first lands on the repeated questions
# of amnesia, the second on a pressure too low to read (shock).
_ASKS_QUESTION = re.compile(
    r"(?:顺便|想|来|就|再|也)?问(?:了)?(?:问|一下|一问|一声)(?:医生|大夫)?$"
)
_REFUSED_MEASURE = re.compile(r"(?:不让|不给|不肯|不愿意?|不配合)(?:量|测|扎针|抽血|查)")
_DENIED_INTENT = re.compile(
    r"(?:不|没|没有|冇|唔)(?:想|打算|计划|准备|会再)(?:死|自杀|轻生|寻死|伤害|结束|去死)"
    r"|\b(?:denies|no) (?:suicidal|thoughts of|intent|plan)"
)


# Sign agreement: embeddings weigh the body part more than the sign, so "嘴唇干裂起皮" (dry lips)
# lands on 嘴巴歪 (facial droop). A clause that names a sign of one class is never matched to a
# term that names signs of other classes only (both Chinese; classes group the words for one
# sign: 歪/斜/偏, 肿/胀, 紫/青/绀 …). A clause or term that names no sign is not judged.
# A wound's opening (豁/裂/破/划: "上嘴唇豁个口子" is no blue lip), a part cut or chopped (切/剁/砍/锯)
# and a part crushed flat (扁/碾/轧: "指头扁了" is no finger cut off) are classes too.
_SIGN_CLASSES = (
    "歪斜偏", "肿胀鼓", "红", "紫青乌绀", "白", "黄", "痛疼", "麻木", "痒", "晕昏眩", "干燥",
    "硬僵", "凉冷冰", "热烫烧", "吐呕", "抖颤抽搐", "喘憋闷堵", "血", "豁裂破划", "切剁砍锯", "扁碾轧",
)  # fmt: skip


# Degree agreement: a term whose sign is a weakness ("哭声弱", "脉搏微弱") is never the match of
# a clause that names no weakness: "一动就哭" is a cry of pain, not a weak cry.
_WEAK_TERM = "弱"
_WEAK_CLAUSE = re.compile(r"弱|微|小|低|轻|细|没力|无力|没劲|蔫")
# Quantity agreement: a term that names less of something ("尿少", "尿量减少") is never the match of
# a clause that names more of it and no less ("尿也蛮多", "尿多一点").
_LESS = re.compile(r"少|减少|不足")
_MORE = re.compile(r"多|增多|不少")


def sign_bits(folded: str) -> int:
    """The sign classes named in ``folded`` Chinese text, one bit each (0: none or English)."""
    bits = 0
    for bit, chars in enumerate(_SIGN_CLASSES):
        if any(c in folded for c in chars):
            bits |= 1 << bit
    return bits


class ClauseEmbedder(Protocol):
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class SemanticBank:
    ids: tuple[str, ...]
    terms: tuple[str, ...]
    vectors: np.ndarray
    model: str
    threshold: float
    margin: float

    def __post_init__(self) -> None:
        # (dim, n) contiguous: ``queries @ vectors.T`` on the transposed view is ~20× slower.
        object.__setattr__(self, "_by_dim", np.ascontiguousarray(self.vectors.T, np.float32))
        bits = [0 if t.isascii() else sign_bits(fold(t)) for t in self.terms]
        object.__setattr__(self, "_sign_bits", np.array(bits, dtype=np.int64))
        absent = [not t.isascii() and any(c in NEG_CHARS for c in fold(t)) for t in self.terms]
        object.__setattr__(self, "_absent", np.array(absent, dtype=bool))
        weak = [not t.isascii() and _WEAK_TERM in t for t in self.terms]
        object.__setattr__(self, "_weak", np.array(weak, dtype=bool))
        less = [not t.isascii() and _LESS.search(t) is not None for t in self.terms]
        object.__setattr__(self, "_less", np.array(less, dtype=bool))

    def disagree(self, clause: str) -> np.ndarray:
        """Bank rows whose term names only signs of other classes than ``clause`` does, or an
        absence when ``clause`` negates nothing."""
        term_bits: np.ndarray = self.__dict__["_sign_bits"]
        if clause.isascii():
            return np.zeros(len(term_bits), dtype=bool)
        folded = fold(clause)
        bits = sign_bits(folded)
        out: np.ndarray = (term_bits != 0) & ((term_bits & bits) == 0) if bits else (term_bits < 0)
        if not any(c in NEG_CHARS for c in _NO_DENIAL.sub("", folded)):
            # polarity: a term that names an absence ("哭时无泪", "无尿") is never the match of
            # a clause that states a presence ("哭的时候有眼泪", "尿也有")
            out = out | self.__dict__["_absent"]
        if not _WEAK_CLAUSE.search(folded):
            out = out | self.__dict__["_weak"]
        if _MORE.search(folded) and not _LESS.search(folded):
            # quantity: "尿也蛮多" (plenty of urine) is never "尿少" (oliguria)
            out = out | self.__dict__["_less"]
        return out

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """Cosine of each query row with each bank row: (queries, bank rows)."""
        by_dim: np.ndarray = self.__dict__["_by_dim"]
        out: np.ndarray = np.asarray(queries, dtype=np.float32) @ by_dim
        return out


def bank_terms(rows: Sequence[tuple[str, Sequence[str]]]) -> tuple[list[str], list[str]]:
    """(ids, terms) of the bank: every term long enough to carry meaning on its own."""
    ids: list[str] = []
    terms: list[str] = []
    for finding_id, finding_terms in rows:
        for term in finding_terms:
            long_enough = len(term) >= 4 if term.isascii() else len(term) >= 2
            if long_enough:
                ids.append(finding_id)
                terms.append(term)
    return ids, terms


def clauses(text: str) -> list[tuple[int, int, str]]:
    """Affirmed clauses of ``text`` with their spans (negated ones are left out)."""
    folded = fold(text)
    out: list[tuple[int, int, str]] = []
    for m in _CLAUSE.finditer(folded):
        clause = m.group(0).strip()
        if len(clause) < _MIN_CHARS or not re.search(r"[^\W\d_]", clause):
            continue
        negated = _is_negated_en(clause) if clause.isascii() else _is_negated_zh(clause)
        mild = (
            _MILD_START.match(clause) or _NEGATED_HEAD.search(clause) or _MILD_SIGN.search(clause)
        )
        if negated or mild or _NEGATED_START.match(clause) or _NORMAL_END.search(clause):
            continue
        if AS_USUAL.search(clause) or _STOPPED.search(clause) or _DENIED_INTENT.search(clause):
            continue
        if _HEDGED.search(clause):  # "叫都叫不醒似的": a likeness, not the sign itself
            continue
        if _COLOUR_ONLY.match(clause):  # "紫得发黑": the colour of the part told before
            continue
        if _PLACE_COUNT.match(clause):  # "舌头边上一个": where the things told before are
            continue
        if _SLEEPLESS.search(clause) or _ASKS_MEDICINE.search(clause):
            continue
        if _ASKS_QUESTION.search(clause) or _REFUSED_MEASURE.search(clause):
            continue
        if is_feared(clause):  # "好惊佢脱水": a fear, not a finding
            continue
        if _ABILITY.search(clause) or _PLAYED_DOWN.search(clause):
            continue
        if _PALPATED_SOFT.match(clause):
            continue
        if is_past_history(clause):  # "前年得过脑梗": history, not today's complaint
            continue
        start = m.start() + m.group(0).index(clause)
        out.append((start, start + len(clause), text[start : start + len(clause)]))
    return out


# Polarity against the term matched: a clause that negates the very words of its best term
# ("看东西不重影" against "看东西重影", "不抽搐" against "抽搐不止") states their absence. A negation
# followed at once by two characters that stand in the term, not under a negation of the term's
# own ("说不出话" matched to "说不出话" keeps its 不), denies the match.
_CLAUSE_NEGATION = re.compile(r"[不没无未冇唔]")


def denies_term(clause: str, term: str) -> bool:
    """``clause`` (folded Chinese) negates two or more characters of ``term`` that ``term``
    itself affirms."""
    if term.isascii():
        return False
    folded = fold(term)
    for m in _CLAUSE_NEGATION.finditer(clause):
        words = clause[m.end() : m.end() + 2]
        at = folded.find(words) if len(words) == 2 else -1
        if at >= 0 and not (at > 0 and _CLAUSE_NEGATION.match(folded[at - 1])):
            return True
    return False


# 后头 after another part of the body is a place ("脖子后头疼": the back of the neck), not the head;
# embedded as written it lands on a headache's terms (头疼). Embedded as 后面, which says the same.
_BEHIND_PART = re.compile(r"(脖子|脖颈|颈部|颈|腰|背|屁股|耳朵|肩膀|膝盖|腿)后头")


def _as_embedded(clause: str) -> str:
    """The clause as it is embedded: a place word that reads as a body part reworded."""
    return _BEHIND_PART.sub(r"\1后面", clause)


def _groups(bank: SemanticBank) -> tuple[list[str], np.ndarray]:
    """Distinct finding ids in bank order and the first row of each (rows are contiguous)."""
    names: list[str] = []
    starts: list[int] = []
    for row, finding_id in enumerate(bank.ids):
        if not names or names[-1] != finding_id:
            names.append(finding_id)
            starts.append(row)
    return names, np.array(starts, dtype=np.intp)


def _uncovered(
    parts: list[tuple[int, int, str]], covered: Sequence[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """Clauses less than half covered by what the rules already read (findings, vitals)."""
    out = []
    for start, end, clause in parts:
        hit = sum(max(0, min(end, e) - max(start, s)) for s, e in covered)
        if hit * 2 < end - start:
            out.append((start, end, clause))
    return out


def semantic_findings(
    text: str,
    bank: SemanticBank,
    embedder: ClauseEmbedder,
    skip: frozenset[str] = frozenset(),
    covered: Sequence[tuple[int, int]] = (),
    denied: Sequence[tuple[int, int]] = (),
) -> list[Finding]:
    """Findings of ``bank`` that clauses of ``text`` mean, each with its best similarity.
    Clauses mostly ``covered`` by spans the rules already read are not embedded (time); a
    clause holding a mention the rules read as denied ("看东西不花") states an absence and
    is not matched at all."""
    parts = [
        p
        for p in _uncovered(clauses(text), covered)
        if not any(s < p[1] and p[0] < e for s, e in denied)
    ]
    if not parts or len(bank.ids) == 0:
        return []
    queries = np.asarray(
        embedder.embed_queries([_as_embedded(p[2]) for p in parts]), dtype=np.float32
    )
    names, starts = _groups(bank)
    # best similarity per finding for each clause: (clauses, findings)
    raw = bank.scores(queries)
    for row, (_, _, clause) in enumerate(parts):
        raw[row, bank.disagree(clause)] = -1.0
    per_finding = np.maximum.reduceat(raw, starts, axis=1)
    best: dict[str, Finding] = {}
    for index, (row, (start, end, clause)) in enumerate(zip(per_finding, parts, strict=True)):
        if len(row) < 2:
            continue
        second, top = np.argpartition(row, -2)[-2:]
        if row[second] > row[top]:
            second, top = top, second
        score = float(row[top])
        finding_id = names[int(top)]
        if score < bank.threshold or score - float(row[second]) < bank.margin:
            continue
        first = int(starts[int(top)])
        last = int(starts[int(top) + 1]) if int(top) + 1 < len(starts) else len(bank.ids)
        term = bank.terms[first + int(np.argmax(raw[index, first:last]))]
        if denies_term(fold(clause), term):
            continue
        if finding_id in skip:
            continue
        old = best.get(finding_id)
        if old is None or (old.similarity or 0.0) < score:
            best[finding_id] = Finding(finding_id, clause, (start, end), "semantic", False, score)
    return list(best.values())


def candidates(text: str, bank: SemanticBank, embedder: ClauseEmbedder, k: int = 12) -> list[str]:
    """The ``k`` findings closest to any clause of ``text`` (or to the whole text): the short
    list a model chooses from, so its prompt stays small enough for 2 CPU cores."""
    parts = [p[2] for p in clauses(text)] or [text]
    queries = np.asarray(embedder.embed_queries([*parts, text][:16]), dtype=np.float32)
    best = bank.scores(queries).max(axis=0)
    out: list[str] = []
    for i in np.argsort(-best):
        finding_id = bank.ids[int(i)]
        if finding_id not in out:
            out.append(finding_id)
        if len(out) >= k:
            break
    return out
