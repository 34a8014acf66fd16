"""Text helpers shared by the clinical rules: normalisation and negation-aware term finding.

Pure functions, no I/O. Chinese and English free text is normalised with NFKC (full-width letters,
digits and punctuation become half-width), lower-cased, and matched against term lists. A term
counts as *present* only when it is not negated in its clause: "无胸痛", "否认胸痛",
"no chest pain", "denies chest pain, dyspnoea" do not fire, while "无明显诱因出现胸痛" and
"chest pain without radiation" do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SPACES = re.compile(r"[\s\u00b7\u30fb\-_·'\"()（）\[\]【】]+")

# A clause ends at these; a negation cue does not reach past them.
_CLAUSE_END = re.compile(r"[。；;.!?！？\n]|，|,(?!\s*(?:or|nor)\b)")
# Adverbs of suddenness: right after a negation cue they stay under it ("没突然变糊涂").
_SUDDEN_ZH = ("突然", "突发")
# Inside a clause, these words start a new positive statement after a negation cue.
_RESET_ZH = (
    "诱因",
    "原因",
    "出现",
    "突发",
    "突然",
    "伴有",
    "伴",
    "但",
    "后",
    "诉",
    "感到",
    "自觉",
    "现有",
    "又",
)
_RESET_EN = (" but ", " with ", " has ", " having ", " now ", " presents", " reports", " complains")
_NEG_ZH = (
    "无", "没有", "没", "否认", "未", "不伴", "未见", "未诉", "不", "非", "不是",
    # a diagnosis feared or asked about is not one told: "担心是中风", "会不会是心梗"
    "担心是", "会不会是", "以为是",  # not 怕是: in the north it means "probably"
    # spoken regional forms: Cantonese 冇 (= 没有) and 唔 (= 不), south-western 没得/莫得 (= 没有)
    "冇", "冇得", "唔", "没得", "莫得",
    # a sign looked for and not found: "看不出在喘气", "摸不着脉", "测不到血氧" (not 看不到 /
    # 听不见 / 感觉不到: those are symptoms themselves — vision or hearing loss, numbness)
    "看不出", "摸不着", "摸不到", "测不到", "测不出", "量不出", "量不到",
)  # fmt: skip
# "不" before these verbs negates what follows ("不吃抗凝药", "不抽烟"); before other words it
# is part of a word that states something (不适, 不能, 不清).
_NEG_VERB_ZH = ("吃", "服", "用", "服用", "使用", "喝", "抽", "吸", "打", "吃过", "用过", "服过")
# …also with "any" after the verb: "不吃啥抗凝药", "不用什么药", "不喝任何酒", "不吃那啥抗凝的药"
_TAKEN_ANY = re.compile(r"(?:那|这)?(?:啥|什么|任何|别的|其他|其它)$")
# Words that contain a negation character but state a positive finding ("肢体无力" is weakness,
# "无法站立" cannot stand, "无反应" unresponsive). They are masked before looking for a cue, so
# "突发右侧肢体无力、口角歪斜" keeps 口角歪斜 affirmed. When unsure, prefer masking: a missed
# negation over-triages, a false negation under-triages.
_NOT_NEGATION_ZH = (
    "无力",
    "无法",
    "无意识",
    "无反应",
    "无应答",
    "无脉",
    "无呼吸",
    "无自主",
    "无尿",
    "无缘无故",
    "没力",
    "没劲",
    "没反应",
    "没意识",
    "没呼吸",
    "未触及",
    "未能",
    # a question is no denial ("是不是中风了"), and an event asked about is a suspicion that keeps
    # its urgency ("不知道是不是喝了农药", "是不是把电池吞了")
    "是不是",
    # a taking asked about ("记不得吃没吃降压药", "不知道喝没喝农药") names what was taken, denying
    # nothing (an injection asked about is not: "不记得打没打过破伤风" is no tetanus)
    "吃没吃",
    "喝没喝",
    "服没服",
    # …and a feared event is a suspicion too: "会不会是吃了毒蘑菇" asks about an ingestion, which
    # keeps its urgency (the feared cues deny diagnoses: "会不会是心梗")
    *(f"{cue}{verb}" for cue in ("会不会是", "担心是", "以为是") for verb in "吃喝吞被让误碰"),
    # a lost appetite or spirit is a symptom, and its 没 negates nothing after it in a list
    # ("没胃口、身上没劲": weak as well)
    "没胃口",
    "没食欲",
    "没精神",
    "没精打采",
    "没力气",
    "冇力",
    "冇反应",
    "唔醒",
)
#: Characters that negate what follows, in the standard language and spoken regional forms; a
#: gap read past between two words of a term never holds one.
NEG_CHARS = "不无没未非否冇唔"
_NEG_EN = re.compile(
    # "not himself", "not right", "not making sense" tell a change, not an absence
    r"\b(no|not(?!\s+(?:himself|herself|themselves|myself|right|well|making sense|acting right|"
    r"his usual|her usual)\b)|denies|denied|deny|without|negative for|free of|nor"
    # a diagnosis feared: "worried it's a stroke", "afraid it is a heart attack"
    r"|(?:worried|afraid|scared|concerned|wondering if) (?:it's|it is|that it's|that it is|this is))\b"
)
_LIST_SEP_EN = re.compile(r"\s*(,|/|\bor\b|\band\b)\s*")


def normalize(text: str) -> str:
    """NFKC + lower-case + collapse whitespace (keeps punctuation that separates clauses)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def compact(text: str) -> str:
    """A key for names: NFKC, lower-case, without spaces, dots, dashes, quotes or brackets."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text).lower())


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in _CLAUSE_END.finditer(text, 0, pos):
        start = m.end()
    m2 = _CLAUSE_END.search(text, pos)
    return start, (m2.start() if m2 else len(text))


# What a thing was mistaken for is not what it was: "把一板格列本脲当成钙片了", "把农药当成饮料喝了" —
# the word right after 当成/当作/错当 names what it was taken for (the real thing stands before).
_MISTAKEN_FOR = re.compile(r"(?:当成|当作|当做|错当|误当)了?$")


def _is_negated_zh(before: str) -> bool:
    """``before`` is the clause text preceding the term; is the term under a negation cue?"""
    if _MISTAKEN_FOR.search(before):  # "把一板格列本脲当成钙片了": what it was taken for
        return True
    for word in _NOT_NEGATION_ZH:
        before = before.replace(word, "_" * len(word))
    best, best_end = -1, -1  # the cue that ends last (the longer one on a tie: 看不出 over 不)
    for cue in _NEG_ZH:
        idx = before.rfind(cue)
        if idx >= 0 and (idx + len(cue) > best_end or (idx + len(cue) == best_end and idx < best)):
            best, best_end = idx, idx + len(cue)
    if best < 0:
        return False
    cue = before[best:best_end]
    between = before[best_end:]
    # "不" inside words such as 不适/不能/不清 is not a negation of the symptom that follows;
    # "不伴", and "不" before a verb of taking ("不吃抗凝药"), are.
    if cue in "不非唔" and between and _TAKEN_ANY.sub("", between) not in _NEG_VERB_ZH:
        return False
    # an adverb of suddenness right after the negation is under it ("没突然变糊涂": it did not come
    # on suddenly), unlike one that opens the next event ("无诱因突然胸痛")
    for adverb in _SUDDEN_ZH:
        if between.startswith(adverb):
            between = between[len(adverb) :]
            break
    return not any(r in between for r in _RESET_ZH)


def _is_negated_en(before: str) -> bool:
    matches = list(_NEG_EN.finditer(before))
    if not matches:
        return False
    last = matches[-1]
    between = " " + before[last.end() :] + " "
    if any(r in between for r in _RESET_EN):
        return False
    # Negation spreads over a short list ("no fever, cough or chest pain") but not over prose.
    words = [
        w for w in _LIST_SEP_EN.split(between.strip()) if w and w not in {",", "/", "or", "and"}
    ]
    return sum(len(w.split()) for w in words) <= 8


def find_terms(text: str, terms: Iterable[str]) -> list[str]:
    """Return the terms (as given) that occur in ``text`` and are not negated."""
    norm = normalize(text)
    found: list[str] = []
    for term in terms:
        key = normalize(term)
        if not key:
            continue
        if _occurs_affirmed(norm, key):
            found.append(term)
    return found


def _occurs_affirmed(norm: str, key: str) -> bool:
    ascii_term = key.isascii()
    start = 0
    while True:
        idx = norm.find(key, start)
        if idx < 0:
            return False
        start = idx + 1
        if ascii_term and not _word_bounded(norm, idx, idx + len(key)):
            continue
        c_start, _ = _clause_bounds(norm, idx)
        before = norm[c_start:idx]
        negated = _is_negated_en(before) if ascii_term else _is_negated_zh(before)
        if not negated:
            return True


def _word_bounded(text: str, start: int, end: int) -> bool:
    before_ok = start == 0 or not text[start - 1].isalnum() or not text[start - 1].isascii()
    after_ok = end == len(text) or not text[end].isalnum() or not text[end].isascii()
    return before_ok and after_ok


# A clause that tells the past ("前年得过脑梗", "以前有过心梗", "history of stroke") is history, not
# today's complaint — unless it also says now ("昨天又犯了", "今天再次", "again"). A comparison with
# before ("尿比以前少", "比之前疼得厉害") tells a change now, not the past.
_PAST_ZH = re.compile(
    r"得过|患过|曾经|曾患|曾有|既往|(?<![比较])(?:以前|之前|从前)|早年|去年|前年|多年前|前几年|前些年|"
    r"前[一两三四五]年|年轻时|小时候|上个月|上个礼拜|上礼拜|上个星期|上星期|上周|上半年|"
    # a standing state is no new finding ("平时就糊里糊涂认不全人"): ESI asks what is new
    r"平时就|平常就|本来就|向来|素来|一向|"
    # a relative who died of it is family history ("他爸五十多岁心梗走的")
    # (去世/过世/死于/病故 anywhere after the relative; the euphemisms 走的/走了/没的/没了 only
    # ending the clause: "他妈说他走的时候晕倒了" is today's faint)
    r"(?:爸|妈|父亲|母亲|爷爷|奶奶|外公|外婆|哥|姐|弟|妹|舅|叔|伯|姑|姨|亲戚)[^，,。；;]{0,10}?"
    r"(?:去世|过世|死于|病故|(?:走的|走了|没的|没了)(?=[\s，,。；;！!？?]*$))|"
    r"[\d一二两三四五六七八九十几]+\s*(?:多)?\s*(?:个)?\s*(?:年|月)\s*(?:多)?\s*(?:前|以前)|病史|后遗症"
)
# A clause that compares itself with the usual says nothing is wrong ("尿尿跟平时一样多", "走路跟
# 平常一样", "same as usual"), wherever the comparison stands in it (triage similarity, pain site).
AS_USUAL = re.compile(
    r"(?:跟|和|同|像|与|比)(?:平时|平常|往常|以前|原来|过去|平日|往日|素日|以往)(?:一样|差不多|相同|似的|没两样)"
    r"|(?:也|都|还)?(?:照常|如常)"  # not 照样: "照样疼" is still painful
    r"|\b(?:as usual|same as (?:usual|always|normal)|like (?:usual|normal)|as normal)\b"
)
_PAST_EN = re.compile(r"\b(?:history of|previous(?:ly)?|prior|in the past|years? ago|last year)\b")
_NOW = re.compile(
    r"今天|今早|今晨|今晚|今日|现在|目前|刚才|刚刚|突然|又|再次|再发|复发|这次|此次|这两天|近来|"
    r"开始|起病|以来|至今|一直|持续|加重|"  # "两个月前开始咳嗽": the onset of today's complaint
    r"来之前|来前|送来之前|送来前|来的路上|路上|"  # "来之前流了不少血": before coming in, today
    r"\b(?:today|now|tonight|this morning|again|suddenly|recurr\w*|new|since|started|worse|"
    r"on the way|before (?:coming|arriving|we came|he came|she came))\b"
)


# A feared or hypothetical outcome is no finding: "我怕跟隔壁那个一样休克", "好惊佢脱水", "before he
# has a stroke". The marker stands before the mention in its clause. 怕 alone is a symptom word
# (怕光, 怕冷), so only its worry forms count. Words that may carry a real event or a suspicion
# are no marker — 担心/"worried about" ("担心胸口疼"), 怕是/"afraid it's" (a relative suspecting a
# stroke), 听说 ("听说孩子在学校晕倒了"): a missed fear over-triages, a missed symptom under-triages.
_FEARED = re.compile(
    r"(?:害怕|生怕|就怕|我怕|怕跟|怕他|怕她|怕娃|怕孩子|怕得|怕会|万一|好惊|我惊|惊佢|吓得"
    # prevention talk ("吃阿司匹林能防心梗", "预防中风") is about what has not happened; a
    # vaccination (预防针, 预防接种) is an event, and what follows it is real
    r"|能防|预防(?!针|接种|注射|疫苗)|防止|以防|防着)"
    r"|\b(?:scared|in case|before (?:he|she|it) (?:has|gets))\b"
)


# …but an exposure feared to have happened is a suspicion that keeps its urgency: "怕孩子吃了
# 老鼠药", "怕会吃了奶奶的药", "万一被毒蛇咬了" — a verb of taking in (with its aspect: 吃了, 喝下, not
# "吃不消") or of a bite or sting after the marker (or opening the mention) says so.
_EXPOSURE_VERB = re.compile(
    r"(?:吃|喝|吞|服|灌)(?:了|下|进|过)|服用|误服|误食|误喝|被.{0,4}(?:咬|蜇|叮|扎)"
    r"|\b(?:ate|drank|swallowed|taken|bitten|stung)\b"
)


def is_feared(before: str, mention: str = "") -> bool:
    """The clause text before a mention (``before``) makes it a fear, not a finding; a feared
    exposure ("怕孩子吃了老鼠药") is a suspicion, not a fear (``mention``: the mention and the rest
    of its clause, where the verb may stand: "万一被毒蛇咬了")."""
    marks = list(_FEARED.finditer(before))
    if not marks:
        return False
    return not _EXPOSURE_VERB.search(before[marks[-1].end() :] + mention)


def is_past_history(clause: str) -> bool:
    """``clause`` speaks of the past and not of now (see the patterns above)."""
    if _NOW.search(clause):
        return False
    return bool(_PAST_ZH.search(clause) or _PAST_EN.search(clause))


# Years ago, not weeks: a risk that counts only when recent (an operation: Wells, 12 weeks) is left
# out when its clause puts it years back ("去年做过膝盖手术", "十年前开过刀"); last week's or
# last month's stays recent.
_LONG_AGO = re.compile(
    r"去年|前年|早年|多年前|前几年|前些年|年轻时|小时候|好几年|好多年|"
    r"[\d一二两三四五六七八九十几]+\s*(?:多)?\s*年\s*(?:多)?\s*(?:前|以前)|\byears? ago\b|\blast year\b"
)


def is_long_ago(clause: str) -> bool:
    """``clause`` puts what it tells years back, and says nothing of now."""
    return not _NOW.search(clause) and bool(_LONG_AGO.search(clause))


def clause_at(text: str, start: int, end: int) -> str:
    """The clause of ``text`` around ``[start, end)``."""
    c_start, _ = _clause_bounds(text, start)
    _, c_end = _clause_bounds(text, max(start, end - 1))
    return text[c_start:c_end]
