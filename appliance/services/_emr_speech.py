"""Speech use cases of the voice EMR: a recording or the microphone → a corrected transcript.

Re-exported by :mod:`appliance.services.emr` (``transcribe``, ``dictate``, ``transcriber``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from appliance.config import Settings, load_settings
from appliance.errors import Cancelled, ClinicBoxError
from appliance.services._clinic_types import CancelToken, ProgressCallback, report
from appliance.services.ports import EnginePort

#: A model pass that takes longer is dropped (see appliance.services.emr).
LLM_TIMEOUT_S = 45.0


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise Cancelled()


def _engine_json(
    engine: EnginePort, timeout_s: float = LLM_TIMEOUT_S
) -> Callable[[list[dict[str, str]], dict[str, Any]], Any]:
    def chat(messages: list[dict[str, str]], schema: dict[str, Any]) -> Any:
        res = engine.chat(messages, task="emr", schema=schema, max_tokens=200, timeout_s=timeout_s)
        return res.data

    return chat


def transcriber(settings: Settings | None = None, context_words: Sequence[str] = ()) -> Any:
    from appliance.speech.models import select_model
    from appliance.speech.transcriber import Transcriber, cuda_available

    s = settings or load_settings()
    gpu = cuda_available()
    folder = select_model(s.resolved("models_dir"), s.speech_model, gpu=gpu)
    return Transcriber(folder, threads=s.llm_threads or 0, context=decode_context(context_words))


def decode_context(context_words: Sequence[str] = ()) -> Any:
    """The clinic prompt, hotwords (the patient's words, then the clinic's) and the patient's
    words for correction."""
    from appliance.speech.context import DEFAULT, make_context
    from appliance.speech.lexicon import clinic_hotwords

    prompt, hotwords = DEFAULT
    return make_context(
        prompt=prompt, hotwords=hotwords, patient=tuple(context_words), clinic=clinic_hotwords()
    )


def transcribe(
    audio_path: str | Path,
    *,
    settings: Settings | None = None,
    engine: EnginePort | None = None,
    llm_correct: bool = False,
    context_words: Sequence[str] = (),
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    llm_budget_s: float = LLM_TIMEOUT_S,
) -> dict[str, Any]:
    """An audio file → ``{"text", "language": "zh", "segments", "corrections", …}``.

    ``context_words``: the patient's complaint words, known diagnoses and drugs (decoder
    hotwords and lexicon terms for this dictation). With ``llm_correct`` and an engine, the
    model may pick lexicon words for the spans Whisper was unsure of, within ``llm_budget_s``.
    """
    from appliance.clinical.extract_numbers import normalize_numbers
    from appliance.speech.audio import load_audio

    audio = load_audio(Path(audio_path))
    _check(cancel)
    tr = transcriber(settings)
    started = time.monotonic()

    def on_progress(done: float, total: float) -> None:
        _check(cancel)
        elapsed = time.monotonic() - started
        eta = elapsed / done * (total - done) if done > 0 else None
        report(progress, fraction=done / total if total else None, message="asr", eta_s=eta)

    use_model = llm_correct and engine is not None
    ctx = decode_context(context_words)
    result = tr.transcribe_array(audio, progress=on_progress, context=ctx, confidence=use_model)
    out: dict[str, Any] = result.as_dict()
    if use_model and engine is not None and result.text and result.uncertain:
        from appliance.speech.lexicon import load_lexicon, with_context
        from appliance.speech.llm_correct import choose_corrections

        lexicon = with_context(tr.lexicon or load_lexicon(), ctx.words)
        try:
            fixed, changes = choose_corrections(
                result.steps["lexicon"],
                result.uncertain,
                _engine_json(engine, llm_budget_s),
                lexicon,
            )
            out["text"] = normalize_numbers(fixed)
            out["corrections"] += [c.as_dict() for c in changes]
            out["model_correction"] = {"spans": len(result.uncertain), "changed": len(changes)}
        except ClinicBoxError as exc:
            out["llm_error"] = exc.code
    return out


def dictate(
    *,
    settings: Settings | None = None,
    context_words: Sequence[str] = (),
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    max_seconds: float = 300.0,
) -> dict[str, Any]:
    """Record from the microphone until cancelled or ``max_seconds``, transcribing in chunks;
    ``context_words`` as for :func:`transcribe`."""
    from appliance.speech.mic import MicDictation, require_microphone

    require_microphone()  # a clear zh/en error before the model is loaded
    tr = transcriber(settings, context_words)
    session = MicDictation(tr)

    def stop() -> bool:
        return cancel is not None and cancel.cancelled

    def on_update(partial: str, level: float, elapsed: float) -> None:
        report(
            progress,
            fraction=min(1.0, elapsed / max_seconds),
            message="dictation",
            partial=partial,
            level=level,
        )

    return session.run(stop=stop, on_update=on_update, max_seconds=max_seconds).as_dict()
