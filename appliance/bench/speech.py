"""``clinicbox bench speech``: transcription RTF per model, CER after each correction step,
structuring accuracy, and end-of-dictation → QC'd record latency (docs/benchmarks.md).

Uses the synthetic Mandarin clips and the written dictations of the test fixtures (a source
checkout); every number is measured in the same run on the same machine.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio"
DICTATIONS = ROOT / "tests" / "fixtures" / "emr"


CONTRACT_TEXT_FIELDS = (
    "chief_complaint",
    "present_illness",
    "past_history",
    "allergy_history",
    "personal_history",
    "physical_exam",
    "auxiliary_exams",
    "treatment_plan",
)


def _comparable(text: str) -> str:
    from appliance.clinical.extract_numbers import normalize_numbers

    return re.sub(r"[\s，,。；;、:：]", "", normalize_numbers(text or ""))


def score_record(record: dict[str, Any], expect: dict[str, Any]) -> dict[str, bool]:
    """Field → correct? for the 11 contract fields (a field not expected must be empty)."""
    from appliance.speech.metrics import edit_distance

    result: dict[str, bool] = {}
    for field in CONTRACT_TEXT_FIELDS:
        want, got = _comparable(expect.get(field, "")), _comparable(record.get(field, ""))
        if not want:
            result[field] = not got
        else:
            result[field] = edit_distance(want, got) <= max(1, len(want) // 10)
    want_codes = sorted(expect.get("diagnoses", []))
    got_codes = sorted(d.get("icd10") or d.get("name") for d in record.get("diagnoses", []))
    result["diagnoses"] = want_codes == got_codes
    want_vitals = {k: float(v) for k, v in expect.get("vitals", {}).items()}
    result["vitals"] = want_vitals == {k: float(v) for k, v in record.get("vitals", {}).items()}
    want_rx = [tuple(r) for r in expect.get("prescriptions", [])]
    got_rx = [
        (p["drug"], p.get("dose_mg"), p.get("frequency_per_day"))
        for p in record.get("prescriptions", [])
    ]

    def same(w: tuple[Any, ...], g: tuple[Any, ...]) -> bool:
        name_ok = w[0] in g[0] or g[0] in w[0]
        dose_ok = w[1] is None or (g[1] is not None and abs(float(w[1]) - float(g[1])) < 1e-6)
        return name_ok and dose_ok and (w[2] is None or g[2] == w[2])

    result["prescriptions"] = len(want_rx) == len(got_rx) and all(
        same(w, g) for w, g in zip(want_rx, got_rx, strict=True)
    )
    return result


def _clips() -> list[tuple[str, str]]:
    rows = []
    for line in (AUDIO / "scripts.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            rows.append((cols[0], cols[4]))
    return rows


def _asr(
    model_dir: Path, threads: int, engine: Any, beam_size: int | None = None
) -> dict[str, Any]:
    from appliance.clinical.extract_numbers import normalize_numbers
    from appliance.services._emr_speech import _engine_json, decode_context
    from appliance.speech.audio import load_audio
    from appliance.speech.llm_correct import choose_corrections
    from appliance.speech.metrics import corpus_cer
    from appliance.speech.transcriber import Transcriber

    started = time.monotonic()
    tr = Transcriber(model_dir, threads=threads, beam_size=beam_size, context=decode_context())
    load_s = time.monotonic() - started
    steps: dict[str, list[tuple[str, str]]] = {"raw": [], "t2s": [], "lexicon": [], "numbers": []}
    if engine is not None:
        steps["llm"] = []
    audio_s = asr_s = llm_s = 0.0
    per_clip = []
    for clip_id, script in _clips():
        if not clip_id.startswith("dict"):
            continue
        res = tr.transcribe_array(
            load_audio(AUDIO / f"{clip_id}.wav"), confidence=engine is not None
        )
        audio_s += res.duration_s
        asr_s += res.elapsed_s
        for step in ("raw", "t2s", "lexicon", "numbers"):
            steps[step].append((script, res.steps[step]))
        if engine is not None:
            t0 = time.monotonic()
            fixed, _changes = choose_corrections(
                res.steps["lexicon"], res.uncertain, _engine_json(engine), tr.lexicon
            )
            llm_s += time.monotonic() - t0
            steps["llm"].append((script, normalize_numbers(fixed)))
        per_clip.append({"clip": clip_id, "rtf": round(res.rtf, 3), "text": res.text})
    silent = {c: tr.transcribe_file(AUDIO / f"{c}.wav").text for c in ("silence", "noise")}
    return {
        "model": model_dir.name,
        "beam_size": tr.beam_size,
        "device": tr.device,
        "compute_type": tr.compute_type,
        "load_s": round(load_s, 2),
        "audio_s": round(audio_s, 1),
        "rtf": round(asr_s / audio_s, 3) if audio_s else None,
        "cer": {step: round(corpus_cer(pairs), 4) for step, pairs in steps.items()},
        "llm_correct_s_per_clip": round(llm_s / len(per_clip), 2) if engine else None,
        "silence_noise_text": silent,
        "clips": per_clip,
    }


def _structuring(engine: Any, llm_cases: int) -> dict[str, Any]:
    from appliance.services.emr import structure

    cases = json.loads((DICTATIONS / "dictations.json").read_text(encoding="utf-8"))

    def run(use_llm: bool, subset: list[dict[str, Any]]) -> dict[str, Any]:
        total = correct = 0
        started = time.monotonic()
        for case in subset:
            rec = structure(case["text"], visit_type=case["visit_type"], engine=engine,
                            use_llm=use_llm)  # fmt: skip
            scores = score_record(rec, case["expect"])
            total += len(scores)
            correct += sum(scores.values())
        elapsed = time.monotonic() - started
        return {
            "dictations": len(subset),
            "field_accuracy": round(correct / total, 4) if total else None,
            "s_per_dictation": round(elapsed / len(subset), 3) if subset else None,
        }

    out = {"rules": run(False, cases)}
    if engine is not None and llm_cases:
        out["rules+llm"] = run(True, cases[:llm_cases])
        out["rules_same_subset"] = run(False, cases[:llm_cases])
    return out


def _end_to_end(model_dir: Path, threads: int, engine: Any) -> dict[str, Any]:
    """Latency from the end of dictation to a QC'd record (visit01, ~23 s of speech)."""
    from appliance.services._emr_speech import decode_context
    from appliance.services.emr import run_qc, structure
    from appliance.speech.audio import load_audio
    from appliance.speech.mic import ChunkedDictation
    from appliance.speech.transcriber import Transcriber

    tr = Transcriber(model_dir, threads=threads, context=decode_context())
    audio = load_audio(AUDIO / "visit01.wav")
    out: dict[str, Any] = {"audio_s": round(len(audio) / 16000, 1)}
    # file: the whole recording arrives at the end
    t0 = time.monotonic()
    text = tr.transcribe_array(audio).text
    t1 = time.monotonic()
    record = structure(text, use_llm=False)
    qc = run_qc(record)
    t2 = time.monotonic()
    out["file"] = {"asr_s": round(t1 - t0, 2), "structure_qc_s": round(t2 - t1, 3),
                   "total_s": round(t2 - t0, 2), "qc_score": qc["score"]}  # fmt: skip
    # streaming: chunks are transcribed while the doctor talks; only the tail is left
    dictation = ChunkedDictation(tr)
    block = 1600
    for i in range(0, len(audio), block):
        dictation.feed(audio[i : i + block])
    t3 = time.monotonic()
    final = dictation.finish()
    record = structure(final.text, use_llm=False)
    run_qc(record)
    t4 = time.monotonic()
    out["streaming"] = {"after_last_word_s": round(t4 - t3, 2), "text": final.text}
    # voice → record accuracy: the record from the transcript against the record from the script
    script = next(text for clip, text in _clips() if clip == "visit01")
    ref = structure(script, use_llm=False)
    expect: dict[str, Any] = {k: ref[k] for k in CONTRACT_TEXT_FIELDS}
    expect["diagnoses"] = [d["icd10"] or d["name"] for d in ref["diagnoses"]]
    expect["vitals"] = ref["vitals"]
    expect["prescriptions"] = [
        [p["drug"], p["dose_mg"], p["frequency_per_day"]] for p in ref["prescriptions"]
    ]
    fields = score_record(record, expect)
    out["voice_to_record_fields"] = {"correct": sum(fields.values()), "of": len(fields),
                                     "wrong": [k for k, ok in fields.items() if not ok]}  # fmt: skip
    if engine is not None:
        t5 = time.monotonic()
        record = structure(final.text, engine=engine, use_llm=True)
        qc = run_qc(record, engine=engine, use_llm=True)
        out["streaming_with_llm"] = {
            "after_last_word_s": round(t4 - t3 + time.monotonic() - t5, 2),
            "model_findings": sum(1 for f in qc["findings"] if f["origin"] == "model"),
        }
    return out


def run_speech_bench(
    settings: Any,
    *,
    model_dirs: list[Path],
    threads: int,
    engine: Any,
    llm_cases: int,
    clips: int = 0,
) -> dict[str, Any]:
    if not AUDIO.is_dir():
        from appliance.errors import InputError

        raise InputError(
            "找不到基准测试音频（tests/fixtures/audio），请在源码目录中运行。",
            "Benchmark clips (tests/fixtures/audio) not found; run from a source checkout.",
        )
    import os
    import platform

    from appliance.bench.speech_asr import asr_steps

    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "threads": threads, "platform": platform.platform()},
        "cer_by_step": asr_steps(model_dirs[0], threads, clips),
        "asr": [_asr(d, threads, engine) for d in model_dirs]
        + [_asr(model_dirs[0], threads, None, beam_size=1)],
        "structuring": _structuring(engine, llm_cases),
        "end_to_end": _end_to_end(model_dirs[0], threads, engine),
        "llm_model": getattr(engine, "model", None) if engine else None,
    }
    return report
