"""How Whisper searches for the words: beam, fallback, repetition guards, VAD, audio conditioning.

One frozen, typed record (:class:`DecodeOptions`) holds every decoder option the product sets;
its field defaults are the decoder as it was before the decoding study (beam 5, Whisper's best
hypothesis). :data:`DEFAULT_OPTIONS` is what the product decodes with, chosen on the
development clips (``clinicbox bench speech --decoding``, docs/accuracy.md "Voice EMR"): each
option was measured on its own against the field defaults, and only the wider beam with n-best
rescoring moved the CER by more than the ±1 point any perturbation gives on those 27 clips.

- ``condition_on_previous_text`` off: a misheard segment otherwise primes the next one.
- Temperature fallback capped (``temperatures``): uncapped fallback can loop and take RTF > 2.
- :class:`AudioConditioning`: peak normalisation, a high-pass filter and pre-emphasis applied to
  the 16 kHz samples before the model hears them (:func:`condition_audio`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: peak level the audio is scaled to when ``peak_normalize`` is on (dBFS −1)
PEAK_TARGET = 0.89


@dataclass(frozen=True)
class AudioConditioning:
    """Sample-level clean-up before decoding; all off = the samples as decoded from the file."""

    peak_normalize: bool = False
    highpass_hz: float = 0.0
    preemphasis: float = 0.0

    @property
    def active(self) -> bool:
        return self.peak_normalize or self.highpass_hz > 0 or self.preemphasis > 0


@dataclass(frozen=True)
class DecodeOptions:
    """faster-whisper's search options the product sets (the rest keep the library defaults)."""

    beam_size: int = 5
    patience: float = 1.0
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4)
    condition_on_previous_text: bool = False
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    vad_threshold: float = 0.5
    vad_min_silence_ms: int = 500
    vad_speech_pad_ms: int = 200
    audio: AudioConditioning = field(default_factory=AudioConditioning)
    #: hypotheses kept per beam search and rescored with the clinical prior (1 = Whisper's best)
    nbest: int = 1
    #: weight of the prior's log probability per character against Whisper's per token
    prior_weight: float = 0.0

    @property
    def rescoring(self) -> bool:
        return self.nbest > 1 and self.prior_weight > 0 and self.beam_size > 1

    def transcribe_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``WhisperModel.transcribe`` these options stand for."""
        return {
            "beam_size": self.beam_size,
            "patience": self.patience,
            "temperature": self.temperatures,
            "condition_on_previous_text": self.condition_on_previous_text,
            "repetition_penalty": self.repetition_penalty,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
            "vad_filter": True,
            "vad_parameters": {
                "threshold": self.vad_threshold,
                "min_silence_duration_ms": self.vad_min_silence_ms,
                "speech_pad_ms": self.vad_speech_pad_ms,
            },
        }


#: what the product decodes with (see the module docstring and docs/accuracy.md): a wider beam
#: whose 8 hypotheses are rescored with the clinical prior (:mod:`appliance.speech.rescore`);
#: dev CER after correction 6.5 % → 4.6 % against ``DecodeOptions()`` (beam 5, Whisper's best)
DEFAULT_OPTIONS = DecodeOptions(beam_size=8, nbest=8, prior_weight=0.3)


def _highpass(audio: np.ndarray, cutoff_hz: float, sample_rate: int) -> np.ndarray:
    """A zero-phase high-pass in the frequency domain with a half-octave cosine ramp."""
    spectrum = np.fft.rfft(audio)
    freqs = np.fft.rfftfreq(len(audio), 1.0 / sample_rate)
    low = cutoff_hz / np.sqrt(2.0)
    ramp = np.clip((freqs - low) / (cutoff_hz - low), 0.0, 1.0)
    gain = 0.5 - 0.5 * np.cos(np.pi * ramp)
    return np.fft.irfft(spectrum * gain, n=len(audio))


def condition_audio(
    audio: np.ndarray, conditioning: AudioConditioning, sample_rate: int = 16000
) -> np.ndarray:
    """``audio`` after the high-pass, pre-emphasis and peak normalisation ``conditioning``
    asks for (in that order); silence stays silence, the length never changes."""
    if not conditioning.active or audio.size == 0:
        return audio
    out = np.asarray(audio, dtype=np.float64)
    if conditioning.highpass_hz > 0:
        out = _highpass(out, conditioning.highpass_hz, sample_rate)
    if conditioning.preemphasis > 0:
        out = np.concatenate([out[:1], out[1:] - conditioning.preemphasis * out[:-1]])
    if conditioning.peak_normalize:
        peak = float(np.max(np.abs(out)))
        if peak > 1e-4:
            out = out * (PEAK_TARGET / peak)
    return out.astype(np.float32)
