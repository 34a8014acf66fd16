"""Chinese word segmentation for the lexical index (jieba) and query term extraction.

FTS5's ``trigram`` tokenizer matches nothing for 1–2 character terms (头孢, 血糖, 过敏), so chunks
are also indexed as jieba-segmented words under ``unicode61``. Both index and query use
``cut_for_search`` so 高血压 also yields 血压. Medical words the default dictionary splits are
added once at first use.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

_lock = threading.Lock()
_ready = False

# Words jieba's default dictionary splits or misses; kept whole so they match as one term.
MEDICAL_WORDS = [
    "慢阻肺",
    "慢性阻塞性肺疾病",
    "糖化血红蛋白",
    "空腹血糖",
    "餐后血糖",
    "低血糖",
    "高血糖",
    "血糖仪",
    "胰岛素",
    "二甲双胍",
    "降压药",
    "血压计",
    "脑卒中",
    "脑梗死",
    "脑出血",
    "心肌梗死",
    "心绞痛",
    "胸痛",
    "胸闷",
    "气短",
    "喘憋",
    "咯血",
    "呕血",
    "便血",
    "黑便",
    "计划免疫",
    "疫苗接种",
    "预防接种",
    "接种证",
    "乙肝疫苗",
    "卡介苗",
    "脊灰疫苗",
    "百白破",
    "麻腮风",
    "乙脑疫苗",
    "流脑疫苗",
    "甲肝疫苗",
    "水痘疫苗",
    "流感疫苗",
    "产检",
    "孕检",
    "早孕",
    "孕早期",
    "孕中期",
    "孕晚期",
    "产后",
    "母子健康手册",
    "叶酸",
    "胎动",
    "见红",
    "破水",
    "妊娠期糖尿病",
    "妊娠期高血压",
    "子痫",
    "医保",
    "医保卡",
    "社保卡",
    "电子医保凭证",
    "城乡居民医保",
    "职工医保",
    "起付线",
    "报销比例",
    "异地就医",
    "门诊慢特病",
    "转诊",
    "家庭医生",
    "签约",
    "挂号",
    "取号",
    "预约",
    "就诊码",
    "分诊台",
    "候诊",
    "叫号",
    "缴费",
    "收费处",
    "检验科",
    "化验单",
    "抽血",
    "B超",
    "彩超",
    "心电图",
    "胸片",
    "尿常规",
    "血常规",
    "肝功能",
    "肾功能",
    "血脂",
    "胃镜",
    "空腹",
    "憋尿",
    "120",
    "急救电话",
    "心肺复苏",
    "人工呼吸",
    "海姆立克",
    "意识不清",
    "口角歪斜",
    "言语不清",
    "肢体无力",
    "呼吸困难",
    "大出血",
    "抽搐",
    "昏迷",
    "中暑",
    "农药中毒",
    "一氧化碳中毒",
    "吸入剂",
    "肺康复",
    "缩唇呼吸",
    "腹式呼吸",
    "戒烟",
    "限盐",
    "低盐",
    "体重指数",
    "腰围",
    "足部护理",
    "糖尿病足",
]

MEDICAL_WORD_SET = frozenset(MEDICAL_WORDS)

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "嘛",
        "么",
        "是",
        "在",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "这",
        "那",
        "这个",
        "那个",
        "哪",
        "哪个",
        "哪些",
        "什么",
        "怎么",
        "怎么样",
        "怎样",
        "如何",
        "为什么",
        "为何",
        "多少",
        "几",
        "有",
        "没有",
        "没",
        "要",
        "需要",
        "可以",
        "能",
        "能不能",
        "会",
        "会不会",
        "应该",
        "该",
        "得",
        "请问",
        "请",
        "问",
        "一下",
        "想",
        "想问",
        "知道",
        "告诉",
        "和",
        "与",
        "及",
        "或",
        "或者",
        "还是",
        "就",
        "都",
        "也",
        "又",
        "还",
        "很",
        "太",
        "吗？",
        "呢？",
        "一个",
        "一些",
        "些",
        "个",
        "把",
        "被",
        "给",
        "让",
        "对",
        "从",
        "到",
        "向",
        "为",
        "以",
        "之",
        "其",
        "等",
        "等等",
        "时候",
        "时",
        "后",
        "前",
        "里",
        "中",
        "上",
        "下",
        "去",
        "来",
        "做",
        "干",
        "啥",
        "咋",
        "多",
        "少",
        "好",
        "不",
        "不是",
        "是不是",
        "有没有",
        "吃",
        "用",
        "a",
        "an",
        "the",
        "is",
        "are",
        "do",
        "does",
        "what",
        "how",
        "when",
        "where",
        "which",
        "who",
        "can",
        "i",
        "my",
        "me",
        "you",
        "to",
        "of",
        "in",
        "on",
        "for",
        "and",
        "or",
    ]
)

# Patient wording → words the documents use (both ways where it makes sense).
_SYNONYM_GROUPS = (
    "病人 患者",
    "小孩 孩子 宝宝 儿童 婴儿 娃",
    "个月 月龄",
    "打针 打 接种 注射",
    "发烧 发热 高烧 高热",
    "拉肚子 腹泻",
    "中风 脑卒中 卒中",
    "喘不上气 喘不过气 气短 呼吸困难 憋气",
    "怀孕 孕妇 孕期 妊娠",
    "钱 费用 收费 缴费",
    "挂号 预约 取号",
    "报销 医保",
    "化验 抽血 检验",
    "降压药 降压",
    "血压高 高血压",
    "血糖高 糖尿病 高血糖",
    "血糖低 低血糖",
    "吸烟 抽烟 戒烟",
    "吃药 服药 用药",
    "几点 时间",
    "上班 门诊时间",
    "晕倒 昏迷 意识不清",
    "多久 多长时间 时间",
    "盐 食盐 咸",
    "证件 身份证 医保卡",
    "拿药 取药 药房",
    "酒 喝酒 饮酒 限酒",
    "量 测 测量",
    "量血压 测血压",
    "针 疫苗 接种",
    "出生 出生时",
    "科 分诊 导诊台 分诊台",
    "判断 识别",
    "打120 拨打120",
    "过号 叫号",
    "几点 门诊时间",
    "喝水 禁水 饮水",
    "多久 几天 几个 时间",
)
SYNONYMS: dict[str, tuple[str, ...]] = {}
for _group in _SYNONYM_GROUPS:
    _words = _group.split()
    for _w in _words:
        SYNONYMS[_w] = tuple(
            dict.fromkeys(SYNONYMS.get(_w, ()) + tuple(x for x in _words if x != _w))
        )

_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]")


def _ensure_jieba() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        import jieba

        jieba.setLogLevel(logging.WARNING)
        for word in MEDICAL_WORDS:
            jieba.add_word(word, freq=20000)
            if word != word.lower():
                jieba.add_word(word.lower(), freq=20000)
        jieba.initialize()
        _ready = True


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def segment(text: str) -> list[str]:
    """All search tokens of ``text`` (jieba search mode), normalized, punctuation dropped."""
    _ensure_jieba()
    import jieba

    return [
        token.strip()
        for token in jieba.cut_for_search(normalize(text))
        if token.strip() and _TOKEN_OK.search(token)
    ]


def index_words(text: str) -> str:
    """The space-separated word column stored in the ``unicode61`` FTS5 index."""
    return " ".join(segment(text))


@lru_cache(maxsize=2048)
def query_terms(question: str) -> tuple[str, ...]:
    """Distinct content terms of a question, stopwords removed, in order of appearance.

    jieba glues modal verbs to neighbours in questions (超要, 天要, 能查, 要说): they are
    trimmed so the content part can match."""
    seen: dict[str, None] = {}
    for token in segment(question):
        token = _trim_modal(token)
        if not token or token in STOPWORDS or token in seen:
            continue
        seen[token] = None
    return tuple(seen)


_MODALS = "要能会吗呢了"


def _trim_modal(token: str) -> str:
    if len(token) == 2 and token not in MEDICAL_WORD_SET:
        if token[1] in _MODALS:
            return token[0]
        if token[0] in _MODALS:
            return token[1]
    return token


def expanded_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Terms plus their synonyms, for the lexical MATCH (coverage still counts the originals)."""
    out: dict[str, None] = dict.fromkeys(terms)
    for term in terms:
        for synonym in SYNONYMS.get(term, ()):
            out.setdefault(synonym, None)
    return tuple(out)


def fts_phrase(term: str) -> str:
    """Quote a term for an FTS5 MATCH expression."""
    return '"' + term.replace('"', '""') + '"'


@lru_cache(maxsize=4096)
def section_terms(section: str) -> tuple[str, ...]:
    return tuple(segment(section))
