"""faster-whisper transcription with the guards Chinese dictation needs.

- ``language="zh"``, VAD on (silence and noise in → empty text out),
  ``condition_on_previous_text=False`` (stops loops from carrying over); the search options are
  one typed :class:`~appliance.speech.decoding.DecodeOptions` (default: beam 8 whose n-best is
  rescored with a clinical-text prior, :mod:`appliance.speech.rescore`).
- Decoding context (:mod:`appliance.speech.context`): a clinic-dictation prompt of 病历 headings
  and hotwords from the patient's context; a segment that only echoes them is dropped.
- Temperature fallback capped at (0.0, 0.2, 0.4): uncapped fallback can loop and take RTF > 2.
- A wall-clock budget per file (``max_rtf`` × duration + a few seconds) stops a runaway decode.
- Each segment: OpenCC t2s, punctuation, repetition collapse, phantom-phrase filter; then the
  whole text: lexicon correction (pinyin-aware, with the patient's words) and number/unit
  normalisation. Every step's text is kept (``steps``) so accuracy is measured after each one.
- With ``confidence`` the words Whisper was unsure of (probability < 0.5) are kept as spans of
  the final text (``uncertain``): the only places a model may later pick a lexicon word.
- CPU: int8; GPU (CUDA visible to CTranslate2): float16.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from appliance.errors import SpeechModelMissing
from appliance.speech.audio import SAMPLE_RATE, load_audio
from appliance.speech.context import DEFAULT as DEFAULT_CONTEXT
from appliance.speech.context import DecodeContext, is_prompt_echo, make_context
from appliance.speech.correct import Correction, Term, correct_with_lexicon
from appliance.speech.decoding import DEFAULT_OPTIONS, DecodeOptions, condition_audio
from appliance.speech.lexicon import load_lexicon, with_context
from appliance.speech.normalize import (
    clean_segment_text,
    join_segments,
    normalize_numbers,
    to_simplified,
)

Progress = Callable[[float, float], None]  # (seconds of audio done, total seconds)

_MODELS: dict[tuple[str, str, str, int], Any] = {}
_MODELS_LOCK = threading.Lock()


def cuda_available() -> bool:
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count()) > 0
    except Exception:
        return False


@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Transcript:
    text: str
    segments: list[Segment]
    language: str = "zh"
    model: str = ""
    duration_s: float = 0.0
    elapsed_s: float = 0.0
    truncated: bool = False
    corrections: list[Correction] = field(default_factory=list)
    steps: dict[str, str] = field(default_factory=dict)
    uncertain: list[tuple[int, int]] = field(default_factory=list)

    @property
    def rtf(self) -> float:
        return self.elapsed_s / self.duration_s if self.duration_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The contract (text, language, segments) plus model, timing and marked changes."""
        return {
            "text": self.text,
            "language": self.language,
            "segments": [
                {"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text}
                for s in self.segments
            ],
            "model": self.model,
            "duration_s": round(self.duration_s, 2),
            "rtf": round(self.rtf, 3),
            "truncated": self.truncated,
            "corrections": [c.as_dict() for c in self.corrections],
            "uncertain": [{"start": a, "end": b} for a, b in self.uncertain],
        }


class Transcriber:
    """One loaded model; ``transcribe`` may be called from several threads (CTranslate2 is)."""

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str | None = None,
        threads: int = 0,
        lexicon: tuple[Term, ...] | None = None,
        max_rtf: float = 1.5,
        beam_size: int | None = None,
        context: DecodeContext | None = None,
        options: DecodeOptions | None = None,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.device = device or ("cuda" if cuda_available() else "cpu")
        self.compute_type = "float16" if self.device == "cuda" else "int8"
        self.threads = threads
        self.lexicon = lexicon
        self.max_rtf = max_rtf
        options = options or DEFAULT_OPTIONS
        if beam_size is not None and beam_size != options.beam_size:
            options = replace(options, beam_size=beam_size)
        self.options = options
        prompt, hotwords = DEFAULT_CONTEXT
        self.context = context or make_context(prompt=prompt, hotwords=hotwords)
        self._model = self._load()
        if self.options.rescoring:
            from appliance.speech.rescore import with_rescoring

            self._model = with_rescoring(self._model, self.options.nbest, self.options.prior_weight)

    def _load(self) -> Any:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            from appliance.speech.audio import _speech_missing

            raise _speech_missing() from None

        key = (str(self.model_dir), self.device, self.compute_type, self.threads)
        with _MODELS_LOCK:
            if key not in _MODELS:
                try:
                    _MODELS[key] = WhisperModel(
                        str(self.model_dir),
                        device=self.device,
                        compute_type=self.compute_type,
                        cpu_threads=self.threads,
                        local_files_only=True,
                    )
                except (RuntimeError, ValueError, OSError) as exc:
                    raise SpeechModelMissing(
                        f"语音模型 {self.model_dir.name} 无法加载（{exc.__class__.__name__}），"
                        "文件可能不完整。",
                        f"Speech model {self.model_dir.name} cannot be loaded "
                        f"({exc.__class__.__name__}); the files may be incomplete.",
                        hint_zh="请运行 clinicbox speech install 重新安装。",
                        hint_en="Run clinicbox speech install to reinstall it.",
                    ) from None
            return _MODELS[key]

    @property
    def beam_size(self) -> int:
        return self.options.beam_size

    @property
    def model_name(self) -> str:
        return self.model_dir.name

    def _decode(
        self, audio: np.ndarray, context: DecodeContext, confidence: bool = False
    ) -> Iterable[Any]:
        segments, _info = self._model.transcribe(
            audio,
            language="zh",
            task="transcribe",
            compression_ratio_threshold=2.4,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
            initial_prompt=context.prompt,
            hotwords=context.hotwords,
            without_timestamps=False,
            word_timestamps=confidence,
            **self.options.transcribe_kwargs(),
        )
        return segments  # type: ignore[no-any-return]

    def transcribe_array(
        self,
        audio: np.ndarray,
        progress: Progress | None = None,
        offset_s: float = 0.0,
        *,
        context: DecodeContext | None = None,
        confidence: bool = False,
    ) -> Transcript:
        """Decode ``audio`` (16 kHz mono) with ``context`` (default: the transcriber's)."""
        started = time.monotonic()
        ctx = context if context is not None else self.context
        duration = len(audio) / SAMPLE_RATE
        budget = self.max_rtf * duration + 5.0
        segments: list[Segment] = []
        raw: list[str] = []
        unsure: list[str] = []
        truncated = False
        heard = condition_audio(audio, self.options.audio, SAMPLE_RATE)
        for seg in self._decode(heard, ctx, confidence):
            raw.append(str(seg.text))
            text = clean_segment_text(str(seg.text))
            keep = text and float(getattr(seg, "no_speech_prob", 0.0)) < 0.9
            if keep and not is_prompt_echo(text, ctx):
                segments.append(Segment(seg.start + offset_s, seg.end + offset_s, text))
                unsure += [
                    to_simplified(str(w.word).strip())
                    for w in getattr(seg, "words", None) or ()
                    if float(w.probability) < LOW_CONFIDENCE and str(w.word).strip()
                ]
            if progress is not None:
                progress(min(float(seg.end), duration), duration)
            if time.monotonic() - started > budget:
                truncated = True
                break
        lexicon = self.lexicon if self.lexicon is not None else load_lexicon()
        if ctx.words:
            lexicon = with_context(lexicon, ctx.words)
        result = postprocess(join_segments([s.text for s in segments]), lexicon)
        # segments show the corrected words too (changes listed once): every correction keeps
        # the length and never crosses the punctuation between segments, so each segment is
        # its slice of the corrected text
        corrected, at = result.steps["lexicon"], 0
        for seg in segments:
            at = result.steps["t2s"].find(seg.text, at)
            if at < 0:  # not expected; fall back to correcting the segment on its own
                seg.text, at = postprocess(seg.text, lexicon).text, 0
                continue
            seg.text, at = normalize_numbers(corrected[at : at + len(seg.text)]), at + len(seg.text)
        result.steps = {"raw": "".join(raw), **result.steps}
        result.segments = segments
        result.model = self.model_name
        result.duration_s = duration
        result.elapsed_s = time.monotonic() - started
        result.truncated = truncated
        result.uncertain = locate(result.steps["lexicon"], unsure)
        return result

    def transcribe_file(self, path: Path, progress: Progress | None = None) -> Transcript:
        return self.transcribe_array(load_audio(path), progress)


#: a word Whisper gives a lower probability is a place a model may pick a lexicon word
LOW_CONFIDENCE = 0.5


def locate(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Spans of ``words`` found in order in ``text`` (a word not found is skipped)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in words:
        at = text.find(word, cursor)
        if at >= 0:
            spans.append((at, at + len(word)))
            cursor = at + len(word)
    return spans


def postprocess(cleaned: str, lexicon: tuple[Term, ...] | None = None) -> Transcript:
    """Lexicon correction then number/unit normalisation of a cleaned (t2s) transcript."""
    corrected, changes = correct_with_lexicon(cleaned, lexicon)
    normalized = normalize_numbers(corrected)
    return Transcript(
        text=normalized,
        segments=[],
        corrections=changes,
        steps={"t2s": cleaned, "lexicon": corrected, "numbers": normalized},
    )
