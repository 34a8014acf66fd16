"""Quantities in free text that change urgency but are not vital signs (pure):

- ``burn_tbsa``: burnt body-surface area in % ("烧伤面积约30%", "20% TBSA burns", palms by the
  手掌法: "烫起的水泡有十几个巴掌大" ≈ 15%; else by the regions named, rule of nines:
  "热汤泼在肚子和两条大腿上，起了大片水泡" ≈ 27.5%, :mod:`appliance.clinical.findings_burns`);
  ``burn_tbsa_told`` is the same area when it was told as a number (a percentage or palms);
- ``tablets``: how many tablets were taken at once ("吃了三十片扑热息痛", "took 40 pills",
  "一整瓶" ≈ 20, "几十片" ≈ 20, "a handful of pills" ≈ 20);
- ``fall_height_m``: height of a fall in metres ("从3米高处摔下", "从三楼摔下" = 2 storeys ≈ 6 m,
  "fell 15 feet");
- ``gi_episodes``: vomiting or diarrhoea episodes told as a count ("上吐下泻十几次", "拉了八九回",
  vomits and stools told apart add up: "吐了4次，拉了7次" = 11,
  "vomited 12 times");
- ``seizure_min``: how long a seizure has lasted ("抽搐持续20分钟", "抽了半个钟头" — 钟头 is the
  spoken hour, "一路抽到这儿，快二十分钟了", "seizing for 10 minutes");
- ``ongoing_min``: how long something told has not stopped ("快半个钟头了还没停", "快一刻钟了，一直
  没停" — 刻钟 is a quarter of an hour);
- ``wound_cm``: the length of a wound in centimetres ("口子八公分长", "三公分的口子",
  "a 6 cm laceration"; 公分 and 厘米 are centimetres, 寸 ≈ 3.3 cm, a hand span 拃 ≥ 15 cm);
- ``days_since_surgery``: how long ago an operation was ("5天前做的阑尾切除", "术后第3天",
  "两周前在县医院开的刀", "post-op day 4", "had a hernia repair 10 days ago"): a time before an
  operation word (手术/切除/修补/开刀/…术, surgery/operation/-ectomy/repair), the smallest wins.

Each is a :class:`~appliance.clinical.findings_vitals.TextReading` with its span; the largest
value wins when written twice (the smallest for ``days_since_surgery``). Thresholds live in triage data (``[[measure]]``), not here.
"""

from __future__ import annotations

import dataclasses
import re

from appliance.clinical.findings_burns import burn_area_from_regions
from appliance.clinical.findings_text import NUM, fold, to_number
from appliance.clinical.findings_vitals import TextReading

# 烧了/烧得 after 发, 不, 退, 高, 低 or 没 is a fever ("不烧了", "发烧了三天"), not a burn
_BURN_WORD = (
    r"(?:烧伤|烫伤|灼伤|烧烫伤|火焰伤|烫得|(?<![发不退高低没])烧得|烫了|(?<![发不退高低没])烧了|"
    r"burns?|scald\w*|tbsa)"
)
# a percentage that belongs to a vital sign or a test is no burn area ("指脉氧98%", "血氧 95%")
_OTHER_PERCENT = re.compile(r"(?:氧|饱和|spo2|sao2|sat|湿度|概率|可能|hba1c|糖化)\s*[:：=]?\s*$")
_BURN = (
    re.compile(rf"{_BURN_WORD}[^。；;.!?]{{0,40}}?({NUM})\s*%"),
    re.compile(rf"{_BURN_WORD}[^。；;.!?]{{0,40}}?百分之\s*({NUM})"),  # "大概占全身百分之八"
    # tenths, as people estimate an area: "估计有三成面积" = 30%
    re.compile(
        rf"{_BURN_WORD}[^。；;.!?]{{0,40}}?({NUM})\s*成(?=\s*(?:的)?\s*(?:面积|左右|多|皮肤|身体|$|[，,]))"
    ),
    re.compile(
        rf"({NUM})\s*%\s*(?:的)?\s*(?:体表面积|tbsa|bsa|total body surface|body surface|烧伤|烫伤)"
    ),
)
# 手掌法 (BURN-CN): the patient's palm with fingers is about 1% of the body surface, so "烫了
# 十几个巴掌大" is 15%; only in a sentence that speaks of a burn or scald.
_PALMS = re.compile(rf"({NUM})\s*(?:个|只)?\s*(?:巴掌|手掌)")
_SCALD_CONTEXT = re.compile(
    r"烫|烧伤|烧着|开水|热水|滚水|热油|油锅|水泡|水疱|起泡|燎|火烧|burn|scald"
)
_WORD_COUNTS = {"几十": 20.0, "十几": 12.0, "二三十": 25.0, "一大把": 20.0, "一把": 20.0,
                "一整瓶": 20.0, "一瓶": 20.0, "整瓶": 20.0, "大半瓶": 15.0, "半瓶": 10.0, "一整板": 10.0, "一板": 10.0, "两板": 20.0,
                "整板": 10.0, "成板": 10.0, "成瓶": 20.0,
                "tens of": 20.0, "dozens of": 24.0, "a handful of": 20.0, "handful of": 20.0,
                "a bottle of": 20.0, "a whole bottle of": 20.0, "whole bottle of": 20.0,
                "ten": 10.0, "twelve": 12.0, "fifteen": 15.0, "twenty": 20.0, "thirty": 30.0,
                "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "a hundred": 100.0}  # fmt: skip
_COUNT_WORDS = "|".join(sorted(map(re.escape, _WORD_COUNTS), key=len, reverse=True))
_COUNT = rf"({NUM}|{_COUNT_WORDS})"
_COUNT_WORDS_FIRST = rf"({_COUNT_WORDS}|{NUM})"  # where nothing after the amount pins it down
_TABLETS = (
    re.compile(
        rf"(?:吃|服|吞|服用|吞服|吃下|喝|食)了?\s*(?:约|大约|大概)?\s*{_COUNT}\s*(?:多|来|余)?\s*"
        r"(?:片|粒|颗|丸)"
    ),
    re.compile(rf"(?:吃|服|吞|服用|吞服|吃下|喝)了?\s*{_COUNT}\s*(?:药|安眠药|降压药|降糖药)"),
    # the drug named between the verb and the count ("吃了对乙酰氨基酚30片", "吞了安眠药二十来粒")
    re.compile(
        rf"(?:吃|服|吞|服用|吞服|吃下)了\s*[^，,。；;、\d零〇一二两三四五六七八九十几半]{{2,8}}?\s*"
        rf"{_COUNT}\s*(?:多|来|余)?\s*(?:片|粒|颗|丸)"
    ),
    # a blister sheet swallowed, whatever the drug's name ("吞了一板曲马多"): 板 is tablets
    # Cantonese 成 is "whole" ("食咗成板安眠药", "成瓶")
    re.compile(r"(?:吃|服|吞|吞服|吃下|食)了?\s*(一整板|一板|两板|整板|成板|成瓶)"),
    # a handful or a bottle swallowed, whatever the drug's name ("吞了一把阿米替林"): 吞 and 服 are
    # what one does with pills (吃了一把 may be peanuts)
    re.compile(r"(?:吞|吞服|服|服下)了?\s*(一大把|一把|一整瓶|一瓶|整瓶|半瓶)"),
    # the medicine named first, then the bottle or sheet taken ("把她妈的安眠药吃了大半瓶",
    # "降压药吞了一整板"); a tonic wine or a lotion is no tablet
    re.compile(
        r"(?:药|药片)(?!酒|水|膏|油)[^，,。；;]{0,4}?(?:吃|吞|服)(?:了|下|掉)\s*"
        r"(一整瓶|一瓶|整瓶|大半瓶|半瓶|一整板|一板|两板)"
    ),
    # the count told after the swallowing, across a comma ("一盒全吃了，大概20片", "吃了，瓶里一共
    # 二十来片", "吃了一把，大概二十来片"); 食 is "eat" in Cantonese, Hakka and Teochew
    re.compile(
        rf"(?:吃|吞|服|食)(?:了|下|掉|光)(?:一大把|一把|一整板|一板)?[，,、]\s*"
        rf"(?:瓶子里|瓶里|药瓶里|盒子里|盒里|一共|总共){{0,2}}\s*"
        rf"(?:约|大约|大概|差不多)?\s*{_COUNT}\s*(?:多|来|余)?\s*"
        r"(?:片|粒|颗|丸)"
    ),
    # the family counts what is missing from the box ("药瓶里少了二十来片")
    re.compile(
        rf"(?:少了|没了|少掉了)\s*(?:约|大约|大概)?\s*{_COUNT}\s*(?:多|来|余)?\s*(?:片|粒|颗|丸)"
    ),
    # the 把 construction puts the amount before the verb: "把一整瓶安眠药吞了", "把30片药都吃了"
    re.compile(
        rf"把\s*(?:约|大约|大概)?\s*{_COUNT_WORDS_FIRST}\s*(?:片|粒|颗|丸)?\s*[^，,。；;]{{0,6}}?"
        r"(?:吃|吞|服|喝)(?:了|下|掉|光)"
    ),
    re.compile(
        rf"(?:took|swallowed|ingested|taken|take|swallow)\s+(?:about\s+|around\s+|~)?{_COUNT}\s*"
        r"(?:\w+\s+){0,4}?(?:tablets?|pills?|capsules?|tabs?)"  # "30 paracetamol 500 mg tablets"
    ),
)
# 一把 is also the measure word of a thing with a handle ("一把小铁钥匙", "一把剪刀"): a key or a
# knife swallowed is a foreign body, not a handful of tablets
_HANDLED = re.compile(
    r"\s*(?:小|大|铁|钢|旧|新|生锈的?|塑料|小铁){0,2}\s*"
    r"(?:钥匙|刀|剪|锁|伞|椅|梳|尺|勺|叉|扇|壶|锤|斧|枪|扳手|钳)"
)
_HANDFUL = ("一把", "一大把")
# 颗 and 粒 count food too ("吃了十几颗葡萄", "吃了花生米二十粒"): a food named in the match or
# right after its unit is no tablet count
_FOOD = re.compile(
    r"葡萄|花生|瓜子|糖果|糖豆|水果糖|红枣|枣子|黄豆|豆子|米饭|饺子|汤圆|樱桃|草莓|荔枝|龙眼|桂圆|"
    r"鸡蛋|核桃|栗子|橄榄|杏仁|grape|peanut|candy|candies|sweets|nuts"
)
# the 把 construction with the amount told in passing, across commas of the same sentence
_BA_SENTENCE = re.compile(r"把([^。；;!?！？]{1,30}?)(?:吃|吞|服|喝)(?:了|下|掉|光)")
_BA_AMOUNT = re.compile(rf"{_COUNT_WORDS_FIRST}\s*(?:片|粒|颗|丸)|({_COUNT_WORDS})")
# vomiting/diarrhoea episodes: "上吐下泻十几次", "拉了八九回", "vomited 12 times"
_GI_EPISODES = (
    re.compile(
        rf"(?:吐|拉|泻|屙|呕|稀便|水样便|大便)[^。；;!?！？，,]{{0,8}}?({NUM})\s*(?:多)?\s*(?:次|回|趟|遍)"
    ),
    re.compile(rf"(?:vomit\w*|diarrh\w*|stools?|loose\s+\w+)\D{{0,12}}?({NUM})\s*times"),
)
_FALL = (
    re.compile(rf"从\s*(?:约|大约)?\s*({NUM})\s*(米|m|层|楼)"),
    re.compile(rf"({NUM})\s*(米|m)\s*(?:多)?\s*(?:高)?\s*(?:处|的地方)?\s*(?:摔|坠|跌|掉|跳)"),
    # what was fallen from named after the height ("四米多高架子上坠落", "三米高的房顶上摔下来"):
    # only with 高, so a distance walked ("走了3米就摔了") is no height
    re.compile(rf"({NUM})\s*(米|m)\s*多?\s*高[^。；;，,\d]{{1,5}}?(?:摔|坠|跌|掉|跳)"),
    re.compile(
        rf"({NUM})\s*(楼|层)\s*(?:楼顶|楼上|顶上|平台|阳台)?[^。；;，,]{{0,4}}?(?:摔|坠|跌|掉|跳)"
    ),
    # the height told after the fall: "掉下来，七八米高", "fell, about 20 feet"
    re.compile(rf"(?:摔|坠|跌|掉|跳)[^。；;!?！？]{{0,8}}?({NUM})\s*(米|m)\s*(?:多)?\s*高"),
    # the height told after what was fallen from: "fell from a scaffold (about 5 m)"
    re.compile(
        r"(?:fell|fall(?:en)?|jumped)\s+(?:off|from)\s[^.;]{0,40}?\(?(?:about|approx\.?|~)\s*"
        r"(\d+(?:\.\d+)?)\s*(m|metres?|meters?|feet|ft)\b"
    ),
    re.compile(
        r"(?:fell|fall(?:en)?|jumped)\s+(?:about\s+|approximately\s+|from\s+)?(?:about\s+)?"
        r"(\d+(?:\.\d+)?)\s*(m|metres?|meters?|feet|ft|stor(?:e)?ys?|stories|floors?)\b"
    ),
)

_WOUND_WORD = r"(?:口子|伤口|裂口|刀口|豁口|lacerations?|cuts?|wounds?|gash)"
_CM = r"(公分|厘米|cm|寸|拃)"
_WOUND = (
    # "口子十几公分长", "伤口大约4cm": the word, up to six characters, the length
    re.compile(rf"{_WOUND_WORD}[^，,。；;、]{{0,6}}?({NUM})\s*(?:多|来)?\s*{_CM}"),
    # "三公分的口子", "a 6 cm laceration": the length, up to four characters, the word
    re.compile(
        rf"(?<![\d.])({NUM})\s*(?:多|来)?\s*{_CM}(?:左右|长)?[^，,。；;、]{{0,4}}?{_WOUND_WORD}"
    ),
)

_SEIZURE = (
    re.compile(
        rf"(?:抽搐|抽风|惊厥|癫痫发作|抽了|抽个不停|抽起来|开始抽|抽到|一路抽|一直抽|抽着|seiz\w*|convuls\w*|fitting)[^。；;.!?]{{0,8}}?"
        rf"({NUM}|半)\s*(?:多)?\s*(分钟|分|min(?:ute)?s?|个?小时|个?钟头|刻钟|hours?|h\b)"
    ),
)


# A fit told as over before the time that follows, or as brief and then a journey ("抽了一下，到这儿
# 快二十分钟了"): the time is not how long it lasted ("抽了一下，一两分钟就好了" keeps its two minutes).
_FIT_OVER_BEFORE = re.compile(
    r"停了|好了|醒了|过去了|不抽了|\bstopped\b"
    r"|(?:[一两几]下|一会|一阵)[^，,]*[，,].*?(?:到这|来这|送来|路上|过来|赶来)"
)


# Something still going on after a time, whatever it is ("快半个钟头了还没停", "十分钟了还在抖"):
# the triage composites pair it with a finding (a seizure told by its signs).
_ONGOING = (
    # "started fitting ~10 min ago and still jerking on arrival"
    re.compile(
        rf"~?\s*({NUM})\s*(min|minutes?|mins?|hours?|hrs?)\s+ago\b[^.;。；]{{0,40}}?\bstill\b"
    ),
    re.compile(
        rf"({NUM}|半)\s*(?:多)?\s*(分钟|分|个?钟头|个?小时|刻钟)\s*(?:了)?\s*[，,]?\s*"
        rf"(?:一直|都|也|还|仍|依然)?\s*"
        rf"(?:没停|没有停|不停|停不下来|没缓过来|还在抖|还在抽|没好)"
    ),
)


# An operation: a procedure word, or a "…术" that names one ("甲状腺切除术", "剖宫产术").
_OPERATION = r"(?:手术|开刀|(?<=[开动]的)刀|切除|修补|置换|剖宫产|剖腹产|引流|摘除|结扎|缝合|取出|[^\s，,。；;不无没未]术(?!前|史))"
_SPAN_UNIT = r"(天|日|周|星期|礼拜|个?月)"
_SURGERY = (
    # "6天前在镇医院做的阑尾切除", "两周前开的刀", "3天前行阑尾切除术"
    re.compile(
        rf"({NUM}|半)\s*(?:多)?\s*{_SPAN_UNIT}\s*(?:多)?\s*(?:前|之前|以前)"
        rf"[^。；;！!？?]{{0,14}}?(?:做|行|动|开|施行|接受)[^。；;！!？?]{{0,10}}?{_OPERATION}"
    ),
    # "术后第3天", "手术后5天", "剖宫产后一周"
    re.compile(
        rf"(?:术|手术|开刀|剖宫产|剖腹产)\s*后\s*(?:第)?\s*({NUM}|半)\s*(?:多)?\s*{_SPAN_UNIT}"
    ),
    # "昨天/前天做的手术"
    re.compile(
        rf"(昨天|前天|昨日|前日)[^。；;！!？?]{{0,14}}?(?:做|行|动|开)[^。；;！!？?]{{0,10}}?{_OPERATION}"
    ),
)
_SURGERY_EN = (
    re.compile(
        r"(?:surgery|operation|\w+ectomy|\w+otomy|\w+plasty|repair|c-section|caesarean|cesarean)"
        r"[^.;!?]{0,20}?(\d+(?:\.\d+)?)\s*(days?|weeks?|months?)\s+ago"
    ),
    re.compile(
        r"(\d+(?:\.\d+)?)\s*(days?|weeks?|months?)\s+(?:after|since|post)\s+(?:an?\s+|her\s+|his\s+)?"
        r"(?:surgery|operation|\w+ectomy|\w+otomy|\w+plasty|repair|c-section|caesarean|cesarean)"
    ),
    re.compile(r"post-?op(?:erative)?\s+day\s+(\d+)()"),
)
_DAYS_IN = {"天": 1.0, "日": 1.0, "周": 7.0, "星期": 7.0, "礼拜": 7.0, "月": 30.0, "个月": 30.0,
            "day": 1.0, "week": 7.0, "month": 30.0, "": 1.0}  # fmt: skip
_YESTERDAY = {"昨天": 1.0, "昨日": 1.0, "前天": 2.0, "前日": 2.0}


def _days(amount: str, unit: str) -> float | None:
    if amount in _YESTERDAY:
        return _YESTERDAY[amount]
    value = 0.5 if amount == "半" else to_number(amount)
    per = _DAYS_IN.get(unit.rstrip("s"), _DAYS_IN.get(unit))
    return None if value is None or per is None else value * per


def _count(word: str) -> float | None:
    return _WORD_COUNTS.get(word.strip(), to_number(word))


def _metres(value: float, unit: str) -> float:
    if unit in ("层", "楼") or unit.startswith(("stor", "floor")):
        return max(value - 1, 0.5) * 3.0  # floor n is n-1 storeys above the ground
    if unit in ("feet", "ft"):
        return value * 0.3048
    return value


def extract_measures(text: str) -> dict[str, TextReading]:
    folded = fold(text)
    out: dict[str, TextReading] = {}

    def keep(
        key: str,
        value: float | None,
        unit: str,
        m: re.Match[str],
        low: float,
        high: float,
        smallest: bool = False,
    ) -> None:
        if value is None or not low <= value <= high:
            return
        old = out.get(key)
        if old is None or (value < old.value if smallest else value > old.value):
            out[key] = TextReading(key, round(value, 2), unit, m.span(), text[m.start() : m.end()])

    for pattern in _BURN:
        for m in pattern.finditer(folded):
            value = to_number(m.group(1))
            if value is not None and m.group(0).rstrip().endswith("成"):
                value *= 10
            if _OTHER_PERCENT.search(folded[max(0, m.start(1) - 8) : m.start(1)]):
                continue
            keep("burn_tbsa", value, "%", m, 0.5, 100)
    for m in _PALMS.finditer(folded):
        stop = max(folded.rfind(c, 0, m.start()) for c in "。；;!?！？\n")
        end = min((i for i in (folded.find(c, m.end()) for c in "。；;!?！？\n") if i >= 0),
                  default=len(folded))  # fmt: skip
        if _SCALD_CONTEXT.search(folded[stop + 1 : end]):
            keep("burn_tbsa", to_number(m.group(1)), "%", m, 0.5, 100)
    if "burn_tbsa" in out:  # told as a number, not estimated from the parts named
        out["burn_tbsa_told"] = dataclasses.replace(out["burn_tbsa"], key="burn_tbsa_told")
    regions = None if "burn_tbsa" in out else burn_area_from_regions(folded)
    if regions is not None:  # no stated size: the regions named, by the rule of nines
        (value, (start, end)) = regions
        out["burn_tbsa"] = TextReading("burn_tbsa", value, "%", (start, end), text[start:end])
    for pattern in _TABLETS:
        for m in pattern.finditer(folded):
            if m.group(1) in _HANDFUL and _HANDLED.match(folded, m.end(1)):
                continue
            if _FOOD.search(folded[m.start() : m.end() + 4]):
                continue
            keep("tablets", _count(m.group(1)), "tablets", m, 1, 1000)
    for m in _BA_SENTENCE.finditer(folded):  # "把一整瓶扑热息痛，二十来片，全吞了"
        for amount in _BA_AMOUNT.finditer(m.group(1)):
            word = amount.group(1) or amount.group(2)
            if word in _HANDFUL and _HANDLED.match(folded, m.start(1) + amount.end()):
                continue  # "把一把小铁钥匙吞下去了"
            keep("tablets", _count(word), "tablets", m, 1, 1000)
    # vomits and stools told apart ("吐了5次，拉了8次") add up: the fluid lost is the total
    by_kind: dict[bool, tuple[float, re.Match[str]]] = {}
    for pattern in _GI_EPISODES:
        for m in pattern.finditer(folded):
            count = to_number(m.group(1))
            keep("gi_episodes", count, "episodes", m, 1, 200)
            vomit = m.group(0).startswith(("吐", "呕", "vomit"))
            if count is not None and (vomit not in by_kind or count > by_kind[vomit][0]):
                by_kind[vomit] = (count, m)
    if len(by_kind) == 2:
        (a, ma), (b, mb) = by_kind[True], by_kind[False]
        start, end = min(ma.start(), mb.start()), max(ma.end(), mb.end())
        total = TextReading("gi_episodes", a + b, "episodes", (start, end), text[start:end])
        if a + b <= 200 and ("gi_episodes" not in out or out["gi_episodes"].value < a + b):
            out["gi_episodes"] = total
    for pattern in _FALL:
        for m in pattern.finditer(folded):
            value = to_number(m.group(1))
            if value is not None:
                keep("fall_height_m", _metres(value, m.group(2)), "m", m, 0.3, 300)
    for pattern in _WOUND:
        for m in pattern.finditer(folded):
            # a spoken range ("四五公分") counts its lower end: the threshold must be reached
            value = to_number(m.group(1), low_end=True)
            if value is not None and m.group(2) == "寸":
                value *= 3.3
            elif value is not None and m.group(2) == "拃":  # a hand span, thumb to middle finger
                value *= 15
            keep("wound_cm", value, "cm", m, 0.2, 100)
    for pattern in _SEIZURE:
        for m in pattern.finditer(folded):
            if _FIT_OVER_BEFORE.search(m.group(0)):  # "抽了一下，到这儿快二十分钟了"
                continue
            value = 0.5 if m.group(1) == "半" else to_number(m.group(1))
            if value is not None and m.group(2).startswith(("小时", "个", "钟头", "hour", "h")):
                value *= 60
            elif value is not None and m.group(2) == "刻钟":  # a quarter of an hour
                value *= 15
            keep("seizure_min", value, "min", m, 0.5, 24 * 60)
    for pattern in _ONGOING:
        for m in pattern.finditer(folded):
            value = 0.5 if m.group(1) == "半" else to_number(m.group(1))
            if value is not None and m.group(2) == "刻钟":  # a quarter of an hour
                value *= 15
            elif value is not None and not m.group(2).startswith(("分", "min")):
                value *= 60
            keep("ongoing_min", value, "min", m, 0.5, 24 * 60)
    for pattern in _SURGERY:
        for m in pattern.finditer(folded):
            unit = m.group(2) if m.lastindex and m.lastindex >= 2 else ""
            keep("days_since_surgery", _days(m.group(1), unit), "days", m, 0, 3650, True)
    for pattern in _SURGERY_EN:
        for m in pattern.finditer(folded):
            keep("days_since_surgery", _days(m.group(1), m.group(2)), "days", m, 0, 3650, True)
    return out


# How long something has gone on, as patients say it: "三个礼拜了", "两个多星期", "一个多月", "四五天"
# (a spoken range counts its lower end: a threshold must be reached), "半年".
_DAYS_PER = {"天": 1.0, "日": 1.0, "周": 7.0, "星期": 7.0, "礼拜": 7.0, "月": 30.0, "年": 365.0}
# (a date is no spell: "3月5日", "2023年")
# an age is no spell: "10个月女娃", "3个月大的宝宝", "28天男婴" (the child named right after the unit)
_SPELL = re.compile(
    rf"(?<![\d年月])({NUM}|半)\s*(?:个)?\s*(多)?\s*(?:个)?\s*(天|日|周|星期|礼拜|月|年)(?![\d一二三四五六七八九十号])"
    r"(?!大(?:的|了|[，,。；;\s]|$)|[女男娃宝孩婴崽妹仔]|毛毛|丫头|闺女|小子)"  # "三天大便" is a spell
)


def longest_days(text: str) -> float | None:
    """The longest duration told in ``text``, in days; None when none is told."""
    best: float | None = None
    for m in _SPELL.finditer(fold(text)):
        value = 0.5 if m.group(1) == "半" else to_number(m.group(1), low_end=True)
        if value is None:
            continue
        days = value * _DAYS_PER[m.group(3)]
        if days <= 100 * 365:  # a year written as a number ("2023年") is no spell
            best = days if best is None else max(best, days)
    return best
