"""Bilingual text: Simplified Chinese first, English available.

The language is process-wide and chosen once at start-up (``--lang``, ``CLINICBOX_LANG``);
``t(zh, en)`` picks the string for it. Keep both texts next to each other at the call site so
neither language falls behind.
"""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["zh", "en"]
SUPPORTED: tuple[Lang, ...] = ("zh", "en")

_current: Lang = "zh"


def normalize_lang(value: str | None) -> Lang:
    """Map user input such as ``zh_CN.UTF-8``, ``EN`` or ``english`` to a supported language."""
    if not value:
        return "zh"
    v = value.strip().lower()
    if v.startswith("en"):
        return "en"
    return "zh"


def set_lang(lang: str | None) -> Lang:
    global _current
    _current = normalize_lang(lang)
    return _current


def get_lang() -> Lang:
    return _current


def t(zh: str, en: str, lang: str | None = None) -> str:
    """Return the text for ``lang`` (default: the current process language)."""
    chosen = normalize_lang(lang) if lang else _current
    return en if chosen == "en" else zh


def lang_from_env() -> Lang:
    return normalize_lang(os.environ.get("CLINICBOX_LANG"))
