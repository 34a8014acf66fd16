"""Offset-keeping text normalisation and numbers for the findings extractor (pure).

Every span the extractor reports points into the text the user typed, so normalisation here
never changes the length of the text: each character is NFKC-folded and lower-cased only when
that gives exactly one character (full-width "４０％" → "40%", "Ｔ" → "t"), every whitespace
character becomes one space, and "℃"/"℉" stay as they are.
"""

from __future__ import annotations

import re
import unicodedata

from appliance.clinical.extract_numbers import cn_to_number

#: a number in digits or Chinese numerals (一百七十, 三十八点五, 一七零), spoken estimates
#: included ("二十来" ≈ 20, "十几" ≈ 15, "七八" = 7–8)
#: "一" that begins an everyday word is no number ("血糖一直高" is not a glucose of 1, "心跳
#: 一下快一下慢" no heart rate of 1): 一 + 直 下 些 样 般 阵 会 向 切 起 旦 共 再 定, or 点 (a bit)
#: with no digit after it, is read as the word
_NOT_NUMERAL_WORD = r"(?!一(?:[直下些样般阵会向切起旦共再定]|点(?![零〇一二三四五六七八九])))"
CN_NUM = (
    rf"{_NOT_NUMERAL_WORD}[零〇一二两三四五六七八九十百]+(?:几|来)?(?:点[零〇一二三四五六七八九]+)?"
)
NUM = rf"(?:\d+(?:\.\d+)?|{CN_NUM})"

# A duration: digits or numerals ("三四年", "两个多月", "10余年") or a vague count ("好几年", "几个月",
# "多年", "半年") of minutes to years. A time ago ("三个月前", "两年以前") is when, not how long.
DURATION_UNIT_DAYS = {"分钟": 1 / 1440, "小时": 1 / 24, "天": 1.0, "日": 1.0, "周": 7.0, "星期": 7.0,
                      "礼拜": 7.0, "月": 30.0, "年": 365.0}  # fmt: skip
DURATION = re.compile(
    rf"(\d+(?:\.\d+)?|{CN_NUM}|好几|好些|十几|几|很多|许多|多|半)\s*(?:余|多|\+)?\s*"
    r"(?:个)?(分钟|小时|天|日|周|星期|礼拜|月|年)(?:余|多)?(?![前后以之])"
)
_VAGUE_COUNT = {"好几": 2.0, "好些": 2.0, "十几": 15.0, "几": 2.0, "很多": 2.0, "许多": 2.0,
                "多": 2.0, "半": 0.5}  # fmt: skip


def duration_days(match: re.Match[str]) -> float | None:
    """Days of a :data:`DURATION` match (None when its number cannot be read)."""
    count = _VAGUE_COUNT.get(match.group(1))
    value = count if count is not None else to_number(match.group(1))
    return None if value is None else value * DURATION_UNIT_DAYS[match.group(2)]


# Characters written interchangeably in complaints, read as one (same length): 疼 and 痛 name the
# same pain ("右下腹疼" ~ 右下腹痛, "头疼" ~ 头痛), so no vocabulary needs both spellings.
# One character for one: 疼 is 痛; spoken Cantonese function words are their Mandarin ones
# (冇 没, 唔 不, Wu 勿 不, 咗 了, 佢 他, 係 是, 喺 在, 睇 看, 嘅 的, 啲 些, 嗰 那, 瞓 睡, 攰 累), so
# "冇发烧" is denied and "冇力" is weakness like "没力"; 嚟 来, 揸 拿, 乜/咩 啥, 仲 还 too. Content
# words are mapped as words, below (食 as a verb only: 食管, 食物中毒 stay). 淌 is only ever 流
# (to flow: "鼻子淌血", "淌眼泪", "淌脓"), so every 流 term reads it.
_SAME_CHAR = {"疼": "痛", "冇": "没", "唔": "不", "咗": "了", "佢": "他", "係": "是", "喺": "在",
              "睇": "看", "嘅": "的", "啲": "些", "嗰": "那", "瞓": "睡", "攰": "累",
              "讲": "说", "勿": "不", "嚟": "来", "揸": "拿", "乜": "啥", "咩": "啥", "仲": "还", "淌": "流"}  # fmt: skip
# Same-length words for one sign: lay "没力"/"没劲" is 无力 (weakness), so every 无力 term of
# the vocabulary also reads "半边身子没劲" (terms are folded the same way).
# South-western 啥子 (and 么子) is 什么: "喂啥子吐啥子" ~ 吃什么吐什么's pattern.
_SAME_WORD = (
    ("没力", "无力"),
    ("没劲", "无力"),
    ("啥子", "什么"),
    ("么子", "什么"),
    ("乜嘢", "什么"),  # Cantonese
    # Cantonese content words of the same length (粤语词典; 广州话方言词典): 讲嘢 is 说话 (讲 is
    # already 说), 而家 现在, 头先 刚才, 琴日/寻日 昨天, 好似 好像, 行路 走路, 嗌交 吵架, and
    # 唔落 after eating or drinking is 不下 ("饮唔落" ~ 喝不下)
    ("说嘢", "说话"),
    ("而家", "现在"),
    ("头先", "刚才"),
    ("琴日", "昨天"),
    ("寻日", "昨天"),
    ("好似", "好像"),
    ("行路", "走路"),
    ("嗌交", "吵架"),
    # northern 脚脖子 / 手脖子 are the ankle and the wrist, never the neck ("脚脖子也肿" is no
    # swollen neck): read as 脚腕子 / 手腕子
    ("脚脖子", "脚腕子"),
    ("手脖子", "手腕子"),
    # 腿肚子 is the calf, never the belly: "小腿肚子抽筋" is a cramp, not a colicky 肚子
    ("腿肚子", "腿肚儿"),
    ("呕啥", "吐啥"),  # Cantonese 呕 is vomiting: "食乜呕乜" ~ 吃啥吐啥, "饮乜呕乜" too
    ("吃不落", "吃不下"),
    ("喝不落", "喝不下"),
    ("吞不落", "吞不下"),
)
# Cantonese 食 (eat) and 饮 (drink) as verbs are 吃 and 喝: before what is eaten or drunk or a
# verb ending, never in 食管, 食物, 食欲, 食指, 饮食, 进食, 零食, 冷饮 …
_CANTONESE_EAT = re.compile(
    r"(?<![饮进零粮伙绝主素肉节禁甜美挑偏暴厌流冷热])食(?=[了过完饭药嘢啥东粥面水奶得不落多少错])"
)
_CANTONESE_DRINK = re.compile(r"(?<![冷热餐])饮(?=[了过完水酒奶汤茶啤啥得不落多少错])")
# Hunan/Hubei 冒得 is 没有 ("冒得出疹子"), but 冒 is also "to gush" ("血冒得厉害"): never before
# a degree word
_MAO_DE = re.compile(r"冒得(?![厉很凶多快猛太好])")
_SPACED_CLAUSE = re.compile(
    r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])(?![零〇一二两三四五六七八九十百])"
)
# South-western 起 after a verb is the durative 着 ("捏起也止不住" ~ 捏着, "活起没得意思" ~ 活着), never
# "up" (起来, 起床, 起身, 起夜) nor 一起/对不起/看不起
_DURATIVE_QI = re.compile(r"(?<=[活捏按压哭抱背躺])起(?![来床身夜])")
_QUOTE = re.compile(r"[\"“”「」『』]|(?<![a-z])['‘’]|['‘’](?![a-z])")


def fold(text: str) -> str:
    """Same-length normalisation: ``len(fold(t)) == len(t)`` and spans carry over unchanged."""
    out: list[str] = []
    for char in text:
        if char.isspace():
            out.append(" ")
            continue
        if char in _SAME_CHAR:
            out.append(_SAME_CHAR[char])
            continue
        folded = unicodedata.normalize("NFKC", char).lower()
        out.append(folded if len(folded) == 1 else char.lower() if len(char.lower()) == 1 else char)
    # quotation marks around a word are space ("a 'ripping' pain"); an apostrophe inside a word
    # ("can't") stays
    joined = _QUOTE.sub(" ", "".join(out))
    # a registration desk's one-line note separates its facts with spaces ("胸痛后倒地 没脉 村医
    # 一路按压"): a space between two Chinese words is a clause break (never before a Chinese
    # numeral: "血压 一百五" is a label and its value)
    if " " in joined:
        joined = _SPACED_CLAUSE.sub("，", joined)
    if "食" in joined:
        joined = _CANTONESE_EAT.sub("吃", joined)
    if "饮" in joined:
        joined = _CANTONESE_DRINK.sub("喝", joined)
    for word, same in _SAME_WORD:
        if word in joined:
            joined = joined.replace(word, same)
    if "冒得" in joined:
        joined = _MAO_DE.sub("没有", joined)
    if "起" in joined:
        joined = _DURATIVE_QI.sub("着", joined)
    return joined


def fold_term(term: str) -> str:
    """A vocabulary term folded like the text, with runs of spaces collapsed."""
    return re.sub(r" +", " ", fold(term)).strip()


_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Spoken shorthand: "一百九" is 190 and "一百二" 120 (the unit after the last digit is dropped).
_SHORT_HUNDRED = re.compile(r"^([一二两三四五六七八九])百([一二三四五六七八九])$")


# Two neighbouring digits are a spoken range, not a number read digit by digit: "七八米" is 7–8 m
# (not 78), "三四天", "两三片", "七八十岁" 70–80. Triage reads the upper end (the more urgent one at
# a threshold: "五六米" reaches the 6 m of a high-risk fall).
_RANGE = re.compile(r"^([一二两三四五六七八])([二两三四五六七八九])([十百]?)$")
_UNIT = {"": 1, "十": 10, "百": 100}


def to_number(text: str, *, low_end: bool = False) -> float | None:
    """Digits or Chinese numerals → float (``None`` when it is not a number). Spoken estimates:
    a range of two neighbouring digits → its upper end (its lower end with ``low_end``: a
    threshold that must be reached, "四五公分" is 4 cm); "…来" (about) → the number; "…几"
    (some) → the middle of its decade ("十几" 15, "三十几" 35)."""
    text = text.strip()
    short = _SHORT_HUNDRED.match(text)
    if short:
        return float(_DIGIT[short.group(1)] * 100 + _DIGIT[short.group(2)] * 10)
    spoken = _RANGE.match(text)
    if spoken and _DIGIT[spoken.group(2)] - _DIGIT[spoken.group(1)] == 1:
        end = spoken.group(1) if low_end else spoken.group(2)
        return float(_DIGIT[end] * _UNIT[spoken.group(3)])
    if text.endswith("来") and len(text) > 1:
        return cn_to_number(text[:-1])
    if text.endswith("几") and len(text) > 1:
        base = cn_to_number(text[:-1])
        return None if base is None else base + 5
    return cn_to_number(text)


# Body parts as patients and as notes name them. A vocabulary term naming one part also matches
# the others of its group ("放射到左臂" ~ "窜到左胳膊", "下颌" ~ "下巴", "溅进眼睛" ~ "溅进眼"): the
# term list says the finding once, the lay names come from here. Longest name first.
# Regional names are names of the same part (汉语方言大词典; 现代汉语方言大词典): south-western
# Mandarin and Xiang 脑壳 and Min/Hakka 头壳 for the head, north-eastern 脑瓜子, south-western 手杆
# (arm) and 脚杆 (leg) — "脑壳痛" is 头痛 and "脚杆肿" 腿肿 for every term that names the part.
BODY_PARTS: tuple[tuple[str, ...], ...] = (
    ("手臂", "胳膊", "胳臂", "臂", "手杆"),
    ("下颌", "下巴", "下颚"),
    ("腹部", "肚子", "肚皮", "腹"),
    ("后脑勺", "头部", "脑袋", "头", "脑壳", "头壳", "脑瓜子"),
    ("眼睛", "眼球", "眼"),
    ("后背", "背部", "背"),
    ("后腰", "腰部", "腰"),
    ("足", "脚"),
    ("下肢", "腿", "脚杆"),
    ("颈部", "脖子", "颈"),
    ("耳朵", "耳"),
    ("咽喉", "喉咙", "嗓子"),
    ("胸口", "胸部", "胸"),
    ("身子", "身体", "身"),
    ("嘴唇", "口唇", "嘴巴皮", "嘴皮子", "嘴皮"),
    ("囟门", "前囟", "顶门"),
)
_PART = re.compile("|".join(sorted((p for g in BODY_PARTS for p in g), key=len, reverse=True)))
_GROUP = {p: g for g in BODY_PARTS for p in g}
_MAX_VARIANTS = 12


def body_part_variants(term: str) -> set[str]:
    """``term`` with each body part it names replaced by the other names of its group (one
    part at a time, then combined; at most a dozen forms)."""
    if term.isascii():
        return {term}
    forms = {term}
    for m in _PART.finditer(term):
        for form in list(forms):
            if form[m.start() : m.end()] != m.group(0):
                continue  # an earlier replacement moved this part
            for other in _GROUP[m.group(0)]:
                if len(forms) >= _MAX_VARIANTS:
                    return forms
                forms.add(form[: m.start()] + other + form[m.end() :])
    return forms
