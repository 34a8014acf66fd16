"""Where the frozen held-out case files live and how their case text is read.

Held-out sets are written by someone other than the rules' author and frozen before the next
rule change (docs/accuracy.md, "How held-out sets are kept"). They live in
``tests/clinical_cases/heldout/`` and in any ``tests/fixtures/**/heldout*`` file or folder.
Two tests read them: ``tests/unit/test_heldout_leak.py`` (no data file may gain their phrasing)
and ``tests/clinical_cases/test_heldout_floors.py`` (accuracy floors through the CLI contracts).
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HELDOUT_DIR = ROOT / "tests" / "clinical_cases" / "heldout"
FIXTURES = ROOT / "tests" / "fixtures"
TEXT_SUFFIXES = {".toml", ".json", ".jsonl", ".csv", ".tsv", ".md", ".txt", ".yaml", ".yml"}

# Keys whose values are labels or bookkeeping, not the case's wording: expected answers must
# name catalog conditions, rule ids and levels, and references name the same guidelines the
# data files cite, so sharing them is not a leak.
LABEL_KEYS = frozenset(
    {
        "id", "ref", "refs", "source", "sources", "note", "notes", "comment", "comments",
        "description", "style", "author", "written_by", "written", "date", "expected",
        "expect", "allow", "level", "department", "disposition", "icd10", "refer", "type",
        "rule", "rules", "version", "frozen",
    }
)  # fmt: skip


def _files_under(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from (p for p in sorted(path.rglob("*")) if p.is_file())


def heldout_files() -> list[Path]:
    """Every held-out case file (README and Python files are not case files)."""
    found: set[Path] = set(_files_under(HELDOUT_DIR))
    if FIXTURES.is_dir():
        for hit in FIXTURES.rglob("heldout*"):
            found.update(_files_under(hit))
    return sorted(
        p
        for p in found
        if p.suffix.lower() in TEXT_SUFFIXES and not p.name.lower().startswith("readme")
    )


def parse(path: Path) -> Any:
    """The file's content as Python data (TOML, JSON, JSON lines, CSV/TSV rows) or its text."""
    text = path.read_text("utf-8")
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return tomllib.loads(text)
    if suffix == ".json":
        return json.loads(text)
    if suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if suffix in (".csv", ".tsv"):
        return list(csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ","))
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def case_strings(data: Any, key: str | None = None) -> Iterator[str]:
    """The wording in parsed case data: every string value except labels (``LABEL_KEYS``)."""
    if key is not None and key.lower() in LABEL_KEYS:
        return
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from case_strings(v, str(k))
    elif isinstance(data, list):
        for item in data:
            yield from case_strings(item, key)
