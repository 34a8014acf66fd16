"""Burnt body-surface area from the body regions a burn sentence names (pure).

People rarely give a percentage: they say where it is ("热汤泼在肚子和两条大腿上，起了大片水泡"). The Chinese rule of nines (中国九分法, 《外科学》 9th ed. / BURN-CN) gives each region's share
of the adult body surface: head, face and neck 9; both upper limbs 18 (one arm 9, one hand 2.5);
trunk 27 (front 13, back 13, perineum 1); both lower limbs with buttocks 46 (one thigh 10.5, one
lower leg 6.5, one foot 3.5, one buttock 2.5). A child's head is larger and legs smaller, which
does not change the regions used here much; the triage thresholds for children are lower.

Only a sentence that speaks of a burn or scald (not 发烫/滚烫/烫手: skin that feels hot, nor the
idiom 火烧火燎 for a burning pain) *and* of
its extent is read: two or more regions (a paired one told as both, "两条小腿", is two),
or one region with a word of extent ("一大片", "整个", "全", "满", "都", "both", "whole"). A burn "on
the arm" alone is no estimate (a spot on an arm is not 9%): the palm rule and a stated % stay the
ways to tell a small burn's size.
"""

from __future__ import annotations

import re

from appliance.clinical._text import _clause_bounds, _is_negated_en, _is_negated_zh

# (category, words, % of the adult body surface for one such region, paired). Longer words first
# within a category; a paired word after 两/双/both counts twice. A category never exceeds its
# share of the body (CAPS), so "legs … thighs" is not counted twice.
_REGIONS: tuple[tuple[str, tuple[str, ...], float, bool], ...] = (
    (
        "head",
        ("头面部", "头面", "脸", "面部", "头颈", "脖子", "颈部", "face", "head", "neck"),
        9.0,
        False,
    ),
    ("upper", ("胳膊", "胳臂", "手臂", "手杆", "上肢", "arm"), 6.5, True),
    # one side of a hand or a foot is half of it (the palm rule: a palm is about 1%)
    ("upper", ("手背", "手掌", "手心"), 1.25, True),
    ("upper", ("手", "hand"), 2.5, True),
    ("trunk", ("胸口", "胸前", "胸部", "前胸", "胸", "chest"), 6.5, False),
    ("trunk", ("肚子", "肚皮", "腹部", "腹", "belly", "abdomen", "tummy"), 6.5, False),
    ("trunk", ("后背", "背上", "背部", "背", "back"), 13.0, False),
    ("lower", ("屁股", "臀部", "臀", "buttock"), 2.5, True),
    ("lower", ("大腿", "thigh"), 10.5, True),
    ("lower", ("小腿", "shin", "lower leg"), 6.5, True),
    ("lower", ("腿", "下肢", "leg"), 17.0, True),
    ("lower", ("脚背", "脚底", "脚掌", "脚面", "脚心"), 1.75, True),
    ("lower", ("脚", "足", "foot", "feet"), 3.5, True),
)
_CAPS = {"head": 9.0, "upper": 18.0, "trunk": 27.0, "lower": 46.0}
# one scan from the left, the longest word at each place: "脚背上" is the foot's back (脚背), never
# 背上 (the back, 13%)
_BY_WORD = {
    word: (category, share, paired) for category, words, share, paired in _REGIONS for word in words
}
_REGION_WORD = re.compile(
    "|".join(
        rf"\b{re.escape(w)}s?\b" if w.isascii() else re.escape(w)
        for w in sorted(_BY_WORD, key=len, reverse=True)
    )
)


# a part of the clothes named by the body part it covers: 裤腿 (a trouser leg), 鞋背 (a shoe's
# upper), 手套 (a glove) — the character before or after the body part says so
_CLOTHING_BEFORE = frozenset("裤鞋袜袖")
_CLOTHING_AFTER = "套"
_BURN_SENTENCE = re.compile(
    r"(?<![发滚])烫(?!手)|烧伤|烧着(?![疼痛难慌辣热])|开水|热水|滚水|热油|油锅|热汤|热粥|蒸汽|火烧(?!火燎)|(?<!火烧火)燎|油溅|滚油|起锅|出锅|刚烧开|沸水|火扑|火苗|被火|着了火|着火了"
    # a part of the body said burnt ("两条小腿前面烧了"), never a fever ("烧了两天", "身上烧得很")
    # nor a burning pain ("背上烧着疼", "胸口烧得慌")
    r"|(?:腿|胳膊|手|脚|脸|背|胸|肚皮|屁股|头发)(?:前面|后面|上)?(?:都|也)?"
    r"烧(?:焦|糊|了(?![一两二三四五六七八九十几半好多]+[天日宿晚夜个]))"
    r"|burn|scald|boiling|hot oil"
)
_EXTENT = re.compile(
    r"一大片|大片|整个|整只|整条|全身|全|满|都|好大|面积不小|面积大|both|whole|entire|all over"
)
_PAIRED = re.compile(r"(?:两|双|俩|左右|both\s+)$")
_SENTENCE = re.compile(r"(?:[^。；;!?！？\n.]|\.(?!\s|$))+")
# hot water or soup to drink, the verb right before it ("喝热水", "喝冷水热水都痛", "drinking hot
# tea"), is no burn; a meal told as the moment ("吃饭时被热油溅到") still is one
_DRINKING = re.compile(r"(?:喝|饮|drink\w*\s*)\S{0,2}$")
# a likeness is no burn: skin "like scalded" ("皮跟烫了似的一层一层往下掉", "像被火烧了一样") is how a
# family tells peeling skin (scalded-skin syndrome, a drug reaction), not a burn
_LIKE_BEFORE = re.compile(r"(?:跟|像|好像|如同|和)[^，,。；;]{0,3}$")
_LIKE_AFTER = re.compile(r"^[^，,。；;]{0,3}?(?:似的|一样|一般|的样子)")


def _burn_told(sentence: str) -> bool:
    """A burn word affirmed in ``sentence`` ("no burn mark", "没烫着" tell none)."""
    for m in _BURN_SENTENCE.finditer(sentence):
        c_start, _ = _clause_bounds(sentence, m.start())
        before = sentence[c_start : m.start()]
        if _DRINKING.search(before[-12:]):
            continue  # "喝冷水热水都痛": a drink, not a scald
        if _LIKE_BEFORE.search(before) and _LIKE_AFTER.match(sentence[m.end() :]):
            continue  # "皮跟烫了似的": a likeness, not a burn
        ascii_word = m.group(0).isascii()
        if not (_is_negated_en(before) if ascii_word else _is_negated_zh(before)):
            return True
    return False


# A burn's size told as a small thing ("硬币大的泡", "指甲盖那么大", "黄豆大"): smaller than a palm
# (the palm rule: about 1 %), whatever regions the sentence names on the way ("腿碰到排气管上了，
# 小腿肚上烫了个硬币大的泡") — unless the sentence also tells an extent ("…，胳膊上烫了一大片").
_SMALL_SIZE = re.compile(
    r"(?:硬币|钢镚|钱币|指甲盖|指甲|黄豆|花生米|蚕豆|米粒|绿豆|纽扣|扣子|烟头)\s*(?:那么|这么|一样)?\s*大"
    r"|\b(?:coin|fingernail|pea)[- ]sized\b"
)


def _region_share(sentence: str) -> tuple[float, int]:
    """Summed % of the regions named in ``sentence`` and how many regions were named."""
    by_category: dict[str, float] = {}
    named = 0
    for m in _REGION_WORD.finditer(sentence):
        word = m.group(0)
        category, share, paired = _BY_WORD[word[:-1] if word not in _BY_WORD else word]
        clothing = sentence.startswith(_CLOTHING_AFTER, m.end()) or (
            m.start() > 0 and sentence[m.start() - 1] in _CLOTHING_BEFORE
        )
        if clothing:
            continue  # "裤腿烧了个洞", "手套": the clothes, not the body
        before = sentence[max(0, m.start() - 5) : m.start()].rstrip("只条个边侧 ")
        two = paired and bool(_PAIRED.search(before) or word.endswith(("s", "feet")))
        by_category[category] = by_category.get(category, 0.0) + share * (2 if two else 1)
        named += 2 if two else 1  # "两条小腿" names two regions, both legs
    return sum(min(v, _CAPS[k]) for k, v in by_category.items()), named


def burn_area_from_regions(folded: str) -> tuple[float, tuple[int, int]] | None:
    """The largest estimate, in % of body surface, and the sentence it came from."""
    best: tuple[float, tuple[int, int]] | None = None
    for m in _SENTENCE.finditer(folded):
        sentence = m.group(0)
        if not _burn_told(sentence):
            continue
        if _SMALL_SIZE.search(sentence) and not _EXTENT.search(sentence):
            continue  # "小腿肚上烫了个硬币大的泡": its size is told, smaller than a palm
        share, named = _region_share(sentence)
        if named == 0 or (named < 2 and not _EXTENT.search(sentence)):
            continue
        if best is None or share > best[0]:
            best = (min(share, 100.0), m.span())
    return best
