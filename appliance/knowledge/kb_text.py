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
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources

_lock = threading.Lock()
_ready = False


def _load_lexicon() -> dict[str, str]:
    text = resources.files("appliance.knowledge").joinpath("kb_lexicon.toml").read_text("utf-8")
    data: dict[str, str] = tomllib.loads(text)
    return data


_LEXICON = _load_lexicon()
MEDICAL_WORDS: tuple[str, ...] = tuple(_LEXICON["medical_words"].split())
MEDICAL_WORD_SET = frozenset(MEDICAL_WORDS)
STOPWORDS = frozenset(_LEXICON["stopwords"].split())
SYNONYMS: dict[str, tuple[str, ...]] = {}
for _line in _LEXICON["synonym_groups"].strip().splitlines():
    _words = _line.split()
    for _w in _words:
        _others = tuple(x for x in _words if x != _w)
        SYNONYMS[_w] = tuple(dict.fromkeys(SYNONYMS.get(_w, ()) + _others))

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
