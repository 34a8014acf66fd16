"""Loader for the assistant's safety rules (``kb_safety.toml``): emergency phrases in patients'
own words, and the questions that ask for a diagnosis or a prescription."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from appliance.knowledge.kb_text import normalize


@dataclass(frozen=True)
class SafetyRule:
    id: str
    kind: str
    pattern: re.Pattern[str]
    source: str
    label_zh: str = ""
    label_en: str = ""


@lru_cache(maxsize=1)
def safety_rules() -> tuple[SafetyRule, ...]:
    text = resources.files("appliance.knowledge").joinpath("kb_safety.toml").read_text("utf-8")
    data = tomllib.loads(text)
    rules: list[SafetyRule] = []
    for kind in ("emergency", "no_diagnosis", "no_prescription"):
        for row in data.get(kind, []):
            rules.append(
                SafetyRule(
                    id=row["id"],
                    kind=kind,
                    pattern=re.compile(row["pattern"], re.I),
                    source=row["source"],
                    label_zh=row.get("label_zh", ""),
                    label_en=row.get("label_en", ""),
                )
            )
    return tuple(rules)


def matching_rules(text: str, kind: str) -> list[SafetyRule]:
    """Rules of ``kind`` whose pattern occurs in ``text`` (normalised: full-width, case)."""
    norm = normalize(text)
    return [r for r in safety_rules() if r.kind == kind and r.pattern.search(norm)]
