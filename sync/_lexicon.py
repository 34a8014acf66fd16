"""Name lexicons for de-identification, loaded once from ``sync/data`` (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Lexicon:
    surnames_zh: tuple[str, ...]  # longest first (compound surnames before single ones)
    given_chars_zh: frozenset[str]
    given_en: frozenset[str]
    surnames_en: frozenset[str]
    pinyin_surnames: frozenset[str]


def _lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    surnames = sorted(set(_lines("surnames_zh.txt")), key=lambda s: (-len(s), s))
    given = frozenset("".join(_lines("given_chars_zh.txt")))
    sections: dict[str, set[str]] = {}
    current = ""
    for line in _lines("names_en.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = set()
        else:
            sections[current].update(line.split())
    return Lexicon(
        surnames_zh=tuple(surnames),
        given_chars_zh=given,
        given_en=frozenset(sections["given"]),
        surnames_en=frozenset(sections["surname"]),
        pinyin_surnames=frozenset(sections["pinyin_surname"]),
    )
