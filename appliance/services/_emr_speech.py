"""Speech use cases of the voice EMR: a recording or the microphone → a corrected transcript.

Re-exported by :mod:`appliance.services.emr` (``transcribe``, ``dictate``, ``transcriber``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
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
    engine: EnginePort,
) -> Callable[[list[dict[str, str]], dict[str, Any]], Any]:
    def chat(messages: list[dict[str, str]], schema: dict[str, Any]) -> Any:
        res = engine.chat(
            messages, task="emr", schema=schema, max_tokens=200, timeout_s=LLM_TIMEOUT_S
        )
        return res.data

    return chat


def transcriber(settings: Settings | None = None) -> Any:
    from appliance.speech.models import select_model
    from appliance.speech.transcriber import Transcriber, cuda_available

    s = settings or load_settings()
    gpu = cuda_available()
    folder = select_model(s.resolved("models_dir"), s.speech_model, gpu=gpu)
    return Transcriber(folder, threads=s.llm_threads or 0)


def transcribe(
    audio_path: str | Path,
    *,
    settings: Settings | None = None,
    engine: EnginePort | None = None,
    llm_correct: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, Any]:
    """An audio file → ``{"text", "language": "zh", "segments", "corrections", …}``."""
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

    result = tr.transcribe_array(audio, progress=on_progress)
    out: dict[str, Any] = result.as_dict()
    if llm_correct and engine is not None and result.text:
        from appliance.speech.llm_correct import llm_correct as correct_with_model

        try:
            fixed, changes = correct_with_model(result.text, _engine_json(engine), tr.lexicon)
            out["text"] = fixed
            out["corrections"] += [c.as_dict() for c in changes]
        except ClinicBoxError as exc:
            out["llm_error"] = exc.code
    return out


def dictate(
    *,
    settings: Settings | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    max_seconds: float = 300.0,
) -> dict[str, Any]:
    """Record from the microphone until cancelled or ``max_seconds``, transcribing in chunks."""
    from appliance.speech.mic import MicDictation, require_microphone

    require_microphone()  # a clear zh/en error before the model is loaded
    tr = transcriber(settings)
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
