"""Mine the clinic's own written words for the speech lexicon → speech_kb_words.csv.

    PYTHONPATH=. python firmware_scripts/dev/mine_speech_words.py

Segments the Chinese text of the knowledge base and catalogs under ``appliance/knowledge``
(``*.md``, ``*.toml``, ``*.csv``; not ``docs/eval``, the question sets) with jieba's dictionary
(no HMM, so no invented words) and keeps words of 2–8 characters seen at least twice, without
numerals (numbers are never a correction target). These are the words a township clinic writes;
the corrector uses them only when the sentence around a near miss agrees
(:mod:`appliance.speech.correct_context`). No dictation set is read.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "appliance" / "knowledge"
OUT = KNOWLEDGE / "data" / "speech_kb_words.csv"
SOURCE = "mined: appliance/knowledge text (jieba)"
_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千万]")


def main() -> int:
    import jieba

    counts: Counter[str] = Counter()
    for path in sorted(KNOWLEDGE.rglob("*")):
        if path.suffix not in (".md", ".toml", ".csv") or not path.is_file():
            continue
        if "eval" in path.relative_to(KNOWLEDGE).parts or path == OUT:
            continue
        for run in re.findall(r"[\u4e00-\u9fff]+", path.read_text(encoding="utf-8")):
            counts.update(w for w in jieba.cut(run, HMM=False) if 2 <= len(w) <= 8)
    rows = sorted((w, n) for w, n in counts.items() if n >= 2 and not _NUMERALS.search(w))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["term", "category", "count", "source"])
        writer.writerows([w, "kb", n, SOURCE] for w, n in rows)
    print(f"{len(rows)} words → {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
