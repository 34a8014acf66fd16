"""The second-pass grammar of the findings extractor (pure): words read past between a part and
its sign, so that a concept's terms as written still match a looser sentence.

:func:`compact` drops inner intensifiers ("尿特别少" ~ 尿少), sides of body parts, sizes after a
measure word, directions, comparisons ("尿比平时少" ~ 尿少) and the second half of AABB
reduplications, and reads similes as "X样"; it returns the compacted text with each kept
character's offset into the original so spans map back. :mod:`appliance.clinical.findings` uses it
only for concepts the text did not name as written.
"""

from __future__ import annotations

import re

from appliance.clinical._text import NEG_CHARS

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
_SIMILE = re.compile(
    r"(?:好像|就像|像|跟|如同)([\u4e00-\u9fff]{1,4}?)(一样|似的|那样|一般)"
    # …or closing its clause after 像 (a measure word may follow): "黑得像柏油" ~ 柏油样, "手腕弯得像把叉子" ~ 叉子样
    r"|(?:好像|就像|像)(?:一?[把个只根条块张])?([\u4e00-\u9fff]{1,4}?)()(?=[，,。；;!?！？\n]|$)"
)


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

# A verb copied before its negated complement is said once: "说话说不清楚" ~ 说话不清楚, "走路走不稳"
# ~ 走路不稳 (verb-copying: the second verb is read past).
_VERB_COPY = re.compile(r"([\u4e00-\u9fff])[\u4e00-\u9fff](\1)(?=[不没])")

# A direction between a part and its sign is read past too: "脸往右边歪" ~ 脸歪, "头偏向一侧" ~
# 头偏 (the rules' terms name the sign, not where it points).
_DIRECTION = re.compile(r"(?:往|向|朝)(?:左|右|一)(?:边|侧|面)?(?=[\u4e00-\u9fff])")


# A comparison names the sign: "这条腿比那条粗" ~ 腿粗 (Wells: one calf larger than the
# other), "尿比平时少" ~ 尿少, "比昨天更痛" ~ 痛. The standard of comparison (up to four
# characters) and 更/还 are read past; 比较 ("rather", a softener) is not a comparison, nor is
# one played down after ("吃奶比平时少点": a little less is no danger sign).
_COMPARISON = re.compile(
    r"比(?!较)[^\s\d，,。；;、:：!?！？()（）"
    + NEG_CHARS
    + r"]{1,4}?(?:更|还|要)?(?=[粗肿大红热烫凉冷白紫黄青多少重痛疼胀硬](?!点|一点|些|一些))"
)


# An aspect marker between a verb of impact and the body part it struck is the resultative the
# rules write: "撞了头" ~ 撞到头, "砸了脚" ~ 砸到脚, "踢了肚子" ~ 踢到肚子 (了 read as 到; the
# part keeps its lay names through the body-part groups of the terms).
_STRUCK = re.compile(
    r"(?<=[撞磕碰摔砸踢打戳扎夹压烫])(?:了|伤了|着)(?=[头脑额脸眼耳鼻嘴牙颈脖胸肚腹腰背手脚腿膝臂胳])"
)


def compact(folded: str) -> tuple[str, list[int]] | None:
    """``folded`` without inner intensifiers, sides of body parts, sizes, directions,
    comparisons, reduplications and copied verbs, similes read as "X样", an impact's aspect marker
    read as 到, and each kept character's offset into ``folded``;
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
    for m in _STRUCK.finditer(folded):
        cuts.append((m.start(), m.end(), "到", m.start()))
    for m in _VERB_COPY.finditer(folded):
        cuts.append((m.start(2), m.end(2), "", m.start(2)))
    for m in _AABB.finditer(folded):
        cuts.append((m.start() + 1, m.start() + 2, "", m.start() + 1))
        cuts.append((m.start() + 3, m.end(), "", m.start() + 3))
    for m in _SIMILE.finditer(folded):
        what, tail = (1, 2) if m.group(1) is not None else (3, 4)
        cuts.append((m.start(), m.start(what), "", m.start()))
        # the span ends after 一样/似的 (or after the thing compared when nothing closes it)
        cuts.append((m.start(tail), m.end(tail), "样", max(m.end(tail), m.end(what)) - 1))
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
