"""ICD-10 lookup for common primary-care diagnoses (pure; rows are loaded by the caller).

Diagnoses are matched by name or synonym after removing qualifiers ("考虑", "待查", "？",
"可能"), then by the longest name or synonym contained in the diagnosis text ("高血压病2级
极高危" → I10). Each entry also carries the words that support it (for the diagnosis–evidence
QC rule), whether it is a bacterial infection (antibiotic indication) and a sex restriction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_QUALIFIERS = re.compile(r"^(?:考虑|疑似|可疑|可能)|(?:待查|待排|可能|？|\?|（.*?）|\(.*?\))+$")


@dataclass(frozen=True)
class IcdEntry:
    code: str
    name_zh: str
    name_en: str
    synonyms: tuple[str, ...]
    evidence: tuple[str, ...]
    bacterial: bool
    sex: str | None
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_zh, *self.synonyms)


def entry_from_row(row: Mapping[str, str]) -> IcdEntry:
    def split(value: str | None) -> tuple[str, ...]:
        return tuple(v.strip() for v in (value or "").split("|") if v.strip())

    return IcdEntry(
        code=row["code"].strip(),
        name_zh=row["name_zh"].strip(),
        name_en=row.get("name_en", "").strip(),
        synonyms=split(row.get("synonyms")),
        evidence=split(row.get("evidence")),
        bacterial=row.get("bacterial", "").strip().lower() in ("yes", "true", "1"),
        sex=(row.get("sex") or "").strip() or None,
        source=row.get("source", "").strip(),
    )


def clean_diagnosis(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    previous = None
    while previous != name:
        previous = name
        name = _QUALIFIERS.sub("", name)
    return name


class Icd10Table:
    def __init__(self, entries: Iterable[IcdEntry]) -> None:
        self.entries = tuple(entries)
        self._exact: dict[str, IcdEntry] = {}
        self._by_code = {e.code: e for e in self.entries}
        for entry in self.entries:
            for name in entry.names:
                self._exact.setdefault(name.lower(), entry)
        self._contained = sorted(self._exact.items(), key=lambda kv: -len(kv[0]))

    def lookup(self, name: str) -> IcdEntry | None:
        key = clean_diagnosis(name).lower()
        if not key:
            return None
        if key in self._exact:
            return self._exact[key]
        for known, entry in self._contained:
            if len(known) >= 2 and known in key:
                return entry
        return None

    def by_code(self, code: str) -> IcdEntry | None:
        return self._by_code.get(code.strip().upper())

    def is_valid_code(self, code: str) -> bool:
        return bool(re.fullmatch(r"[A-Z]\d{2}(?:\.\d{1,4})?", code.strip().upper()))
