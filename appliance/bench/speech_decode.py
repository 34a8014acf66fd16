"""The decoding study: each decoder option on its own against the product default.

``clinicbox bench speech --decoding`` decodes the development clips once per entry of
:data:`VARIANTS` (the product's default context: no prompt, no hotwords, the patient's words in
the lexicon) and reports CER after each step and CPU seconds per audio second.
With ``--devb`` the same on dev-b (:func:`appliance.bench.speech_asr.devb_clips`: new texts, the
voice changed and noisy); ``--variant NAME`` limits the study to the named variants.
``--decoding-heldout NAME`` decodes the held-out clips for the named variants only and returns
their aggregate CER alone — no clip, no text, no per-clip edits.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from appliance.bench.speech_asr import Clip
from appliance.speech.decoding import DEFAULT_OPTIONS, AudioConditioning, DecodeOptions

#: the decoder before the study (beam 5, Whisper's best hypothesis): what each option changes
_D = DecodeOptions()

#: (name, options): the decoder before the study, one change at a time, then the product default
VARIANTS: tuple[tuple[str, DecodeOptions], ...] = (
    ("before", _D),
    ("condition_on_previous_text", replace(_D, condition_on_previous_text=True)),
    ("beam1", replace(_D, beam_size=1)),
    ("beam8", replace(_D, beam_size=8)),
    ("beam5_patience2", replace(_D, patience=2.0)),
    ("beam10", replace(_D, beam_size=10)),
    ("temperature_0_only", replace(_D, temperatures=(0.0,))),
    ("temperature_0-1.0", replace(_D, temperatures=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0))),
    ("no_repeat_ngram_3", replace(_D, no_repeat_ngram_size=3)),
    ("repetition_penalty_1.1", replace(_D, repetition_penalty=1.1)),
    ("vad_silence_250_pad_400", replace(_D, vad_min_silence_ms=250, vad_speech_pad_ms=400)),
    ("vad_silence_1000", replace(_D, vad_min_silence_ms=1000)),
    ("vad_silence_2000_pad_400", replace(_D, vad_min_silence_ms=2000, vad_speech_pad_ms=400)),
    ("vad_pad_400", replace(_D, vad_speech_pad_ms=400)),
    ("vad_threshold_0.35", replace(_D, vad_threshold=0.35)),
    ("peak_normalize", replace(_D, audio=AudioConditioning(peak_normalize=True))),
    ("highpass_80", replace(_D, audio=AudioConditioning(highpass_hz=80.0))),
    ("preemphasis_0.97", replace(_D, audio=AudioConditioning(preemphasis=0.97))),
    ("beam8_vad_pad_400", replace(_D, beam_size=8, vad_speech_pad_ms=400)),
    ("nbest5_prior0.3", replace(_D, nbest=5, prior_weight=0.3)),
    ("beam8_nbest8_prior0.1", replace(_D, beam_size=8, nbest=8, prior_weight=0.1)),
    ("beam8_nbest8_prior0.3", replace(_D, beam_size=8, nbest=8, prior_weight=0.3)),
    ("beam8_nbest8_prior1.0", replace(_D, beam_size=8, nbest=8, prior_weight=1.0)),
    ("product_default", DEFAULT_OPTIONS),
)


def _dev() -> list[Clip]:
    from appliance.bench.speech_asr import dev_clips

    return [c for c in dev_clips() if c.id.startswith(("dict", "visit"))]


def measure(
    model_dir: Path, threads: int, clips: list[Clip], options: DecodeOptions
) -> dict[str, Any]:
    """Corpus CER after each step and CPU s per audio s for ``options`` on ``clips``."""
    from appliance.services._emr_speech import decode_context
    from appliance.speech.audio import load_audio
    from appliance.speech.metrics import comparable, corpus_cer, edit_distance
    from appliance.speech.transcriber import Transcriber

    tr = Transcriber(model_dir, threads=threads, options=options)
    pairs: dict[str, list[tuple[str, str]]] = {"raw": [], "t2s": [], "lexicon": [], "numbers": []}
    seconds = cpu = wall = 0.0
    for clip in clips:
        audio = load_audio(clip.path)
        seconds += len(audio) / 16000
        started, cpu_started = time.monotonic(), time.process_time()
        res = tr.transcribe_array(audio, context=decode_context(clip.context))
        wall += time.monotonic() - started
        cpu += time.process_time() - cpu_started
        for step, got in pairs.items():
            got.append((clip.reference, res.steps[step]))
    final = pairs["numbers"]
    return {
        "clips": len(clips),
        "audio_s": round(seconds, 1),
        "reference_chars": sum(len(comparable(r)) for r, _ in final),
        "cer": {step: round(corpus_cer(p), 4) for step, p in pairs.items()},
        # edits per clip after correction (development clips only: the held-out report keeps
        # the aggregate alone), for a per-clip comparison of two variants
        "clip_edits": [edit_distance(comparable(r), comparable(h)) for r, h in final],
        "cpu_s_per_audio_s": round(cpu / seconds, 3) if seconds else None,
        "rtf": round(wall / seconds, 3) if seconds else None,
    }


def decoding_study(
    model_dir: Path,
    threads: int,
    *,
    names: tuple[str, ...] = (),
    skip_dev: bool = False,
    heldout: tuple[str, ...] = (),
    devb: bool = False,
) -> dict[str, Any]:
    """Dev CER per variant (``names``: a subset), on dev-b too with ``devb``; held-out
    aggregate CER for ``heldout``."""
    from appliance.bench.speech_asr import devb_clips, heldout_clips
    from appliance.errors import InputError

    chosen = dict(VARIANTS)
    unknown = [n for n in (*names, *heldout) if n not in chosen]
    if unknown:
        raise InputError(
            f"未知的解码配置：{', '.join(unknown)}",
            f"Unknown decoding variant: {', '.join(unknown)} (see appliance/bench/speech_decode.py)",
        )
    dev = [] if skip_dev else _dev()
    report: dict[str, Any] = {"dev": {}, "heldout": {}}
    second = devb_clips() if devb and not skip_dev else []
    if second:
        report["devb"] = {}
    for name, options in VARIANTS:
        if not names or name in names:
            if dev:
                report["dev"][name] = measure(model_dir, threads, dev, options)
            if second:
                report["devb"][name] = measure(model_dir, threads, second, options)
    held = heldout_clips() if heldout else []
    for name in heldout:
        result = measure(model_dir, threads, held, chosen[name])
        report["heldout"][name] = {k: result[k] for k in ("clips", "cer", "cpu_s_per_audio_s")}
    return report
