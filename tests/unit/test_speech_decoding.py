"""Decoder options, audio conditioning and n-best rescoring (appliance/speech/decoding.py,
appliance/speech/rescore.py): what they change, and that they change nothing when off."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from appliance.speech.decoding import (
    DEFAULT_OPTIONS,
    PEAK_TARGET,
    AudioConditioning,
    DecodeOptions,
    condition_audio,
)
from appliance.speech.rescore import CharLM, RescoringModel, clinical_prior

RATE = 16000


def tone(freq: float, seconds: float = 1.0, amp: float = 0.1) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def level(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio[RATE // 10 : -RATE // 10]))))


def test_default_options_keep_the_guards_chinese_dictation_needs() -> None:
    assert DEFAULT_OPTIONS.rescoring  # the product rescores its n-best (docs/accuracy.md)
    assert DEFAULT_OPTIONS.nbest <= DEFAULT_OPTIONS.beam_size
    kwargs = DEFAULT_OPTIONS.transcribe_kwargs()
    assert kwargs["condition_on_previous_text"] is False
    assert max(kwargs["temperature"]) <= 0.4  # uncapped fallback loops and takes RTF > 2
    assert kwargs["vad_filter"] is True
    assert kwargs["beam_size"] == DEFAULT_OPTIONS.beam_size
    assert not DEFAULT_OPTIONS.audio.active


def test_conditioning_off_returns_the_samples_untouched() -> None:
    audio = tone(440)
    assert condition_audio(audio, AudioConditioning()) is audio


def test_highpass_removes_hum_and_keeps_speech_band() -> None:
    hp = AudioConditioning(highpass_hz=80.0)
    assert level(condition_audio(tone(30), hp)) < 0.01 * level(tone(30))
    assert level(condition_audio(tone(1000), hp)) == pytest.approx(level(tone(1000)), rel=0.01)


def test_peak_normalisation_raises_quiet_audio_and_leaves_silence_silent() -> None:
    quiet = tone(300, amp=0.02)
    out = condition_audio(quiet, AudioConditioning(peak_normalize=True))
    assert float(np.max(np.abs(out))) == pytest.approx(PEAK_TARGET, rel=1e-3)
    assert len(out) == len(quiet) and out.dtype == np.float32
    silence = np.zeros(RATE, dtype=np.float32)
    assert not np.any(condition_audio(silence, AudioConditioning(peak_normalize=True)))


def test_preemphasis_boosts_highs_against_lows() -> None:
    pre = AudioConditioning(preemphasis=0.97)
    low, high = condition_audio(tone(100), pre), condition_audio(tone(4000), pre)
    assert level(high) / level(low) > 10


def test_rescoring_is_on_only_with_hypotheses_a_weight_and_a_beam() -> None:
    assert not DecodeOptions().rescoring
    assert not DecodeOptions(nbest=5).rescoring
    assert not DecodeOptions(nbest=5, prior_weight=0.3, beam_size=1).rescoring
    assert DecodeOptions(nbest=5, prior_weight=0.3).rescoring


def test_clinical_prior_prefers_record_words_to_sound_alikes() -> None:
    prior = clinical_prior()
    for right, heard in [
        ("否认药物过敏史", "所认要无过迷史"),
        ("双肺呼吸音清", "双费呼吸音清"),
        ("对青霉素过敏", "对青梅塑过敏"),
    ]:
        assert prior.mean_logprob(right) > prior.mean_logprob(heard)  # type: ignore[operator]
    assert prior.mean_logprob("BP 120/80") is None


def test_char_lm_backs_off_to_unseen_characters() -> None:
    lm = CharLM(["头痛三天", "头晕两天"])
    seen, unseen = lm.mean_logprob("头痛"), lm.mean_logprob("脚冷")
    assert seen is not None and unseen is not None and seen > unseen


VOCAB = {0: "对青梅塑过敏", 1: "对青霉素过敏", 2: "<|0.00|>"}
EOT = 2


class FakeWhisper:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def generate(self, features: Any, prompts: Any, **kwargs: Any) -> list[Any]:
        self.calls.append(kwargs)
        # the acoustically best hypothesis is the sound-alike one
        return [SimpleNamespace(sequences_ids=[[0, 2], [1, 2]], scores=[-0.50, -0.52],
                                no_speech_prob=0.01)]  # fmt: skip


def rescorer(weight: float) -> tuple[RescoringModel, FakeWhisper]:
    fake = FakeWhisper()
    decode = lambda ids: "".join(VOCAB[i] for i in ids)  # noqa: E731
    return RescoringModel(fake, decode, EOT, 5, weight, clinical_prior()), fake


def test_rescoring_picks_the_clinical_hypothesis_and_keeps_its_acoustic_score() -> None:
    model, fake = rescorer(0.3)
    (best,) = model.generate(None, [[1]], beam_size=5)
    assert best.sequences_ids[0] == [1, 2]
    assert best.scores[0] == pytest.approx(-0.52)
    assert fake.calls[0]["num_hypotheses"] == 5


def test_rescoring_with_no_weight_keeps_whispers_choice() -> None:
    model, _fake = rescorer(0.0)
    (best,) = model.generate(None, [[1]], beam_size=5)
    assert best.sequences_ids[0] == [0, 2]


def test_sampling_fallback_is_not_rescored() -> None:
    model, fake = rescorer(0.3)
    (result,) = model.generate(None, [[1]], beam_size=1, sampling_temperature=0.2)
    assert result.sequences_ids[0] == [0, 2]
    assert "num_hypotheses" not in fake.calls[0]


def test_an_option_change_is_a_new_value_not_a_mutation() -> None:
    changed = replace(DEFAULT_OPTIONS, beam_size=3)
    assert DEFAULT_OPTIONS.beam_size != 3 and changed.beam_size == 3


def test_study_variants_are_named_once_and_refused_by_an_unknown_name() -> None:
    from appliance.bench.speech_decode import VARIANTS, decoding_study
    from appliance.errors import InputError

    names = [n for n, _ in VARIANTS]
    assert len(names) == len(set(names))
    assert dict(VARIANTS)["product_default"] == DEFAULT_OPTIONS
    assert dict(VARIANTS)["before"] == DecodeOptions()
    with pytest.raises(InputError):
        decoding_study(Path("nowhere"), 1, names=("beam99",))
