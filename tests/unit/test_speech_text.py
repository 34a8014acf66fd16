"""Transcript clean-up without a model: t2s, loop and phantom guards, pinyin-aware lexicon
correction (every change marked, correct text left alone), CER, LLM post-pass safety."""

from __future__ import annotations

import json

import pytest

from appliance.speech.correct import correct_with_lexicon
from appliance.speech.llm_correct import apply_llm_corrections
from appliance.speech.metrics import cer, corpus_cer
from appliance.speech.normalize import clean_segment_text, collapse_repeats, is_hallucination
from tests._fixtures.speech import DICTATIONS


def test_traditional_becomes_simplified_and_punctuation_is_chinese() -> None:
    assert clean_segment_text("患者咳嗽,體溫38度 頭暈") == "患者咳嗽，体温38度，头晕"


def test_loops_are_collapsed_and_phantom_phrases_dropped() -> None:
    assert collapse_repeats("你不懂你不懂你不懂你不懂") == "你不懂"
    assert collapse_repeats("咳嗽咳痰") == "咳嗽咳痰"
    assert clean_segment_text("你不懂" * 28) == ""
    assert is_hallucination("请不吝点赞 订阅 转发 打赏支持明镜与点点栏目")
    assert not is_hallucination("咳嗽三天")


@pytest.mark.parametrize(
    ("heard", "fixed"),
    [
        ("血压170/100毫米公主", "血压170/100毫米汞柱"),
        ("口服2假伤刮0.5克", "口服二甲双胍0.5克"),
        ("心电图提示都信心率", "心电图提示窦性心律"),
        ("可速可谈一周", "咳嗽咳痰一周"),
        ("给予部落分混悬液", "给予布洛芬混悬液"),
        ("对清没素过敏", "对青霉素过敏"),
    ],
)
def test_misheard_medical_words_are_fixed_and_marked(heard: str, fixed: str) -> None:
    text, changes = correct_with_lexicon(heard)
    assert text == fixed
    assert changes and all(c.step == "lexicon" for c in changes)
    for c in changes:
        assert heard[c.start : c.start + len(c.original)] == c.original
        assert c.as_dict()["from"] == c.original and c.as_dict()["to"] == c.corrected


def test_correct_dictations_are_left_alone() -> None:
    """No false corrections on the 54 written (correct) development dictations."""
    cases = json.loads(DICTATIONS.read_text(encoding="utf-8"))
    changed = []
    for case in cases:
        _, changes = correct_with_lexicon(case["text"])
        changed += [(case["id"], c.original, c.corrected) for c in changes]
    assert changed == []


def test_cer_compares_after_number_normalisation() -> None:
    assert cer("血压一百七十比一百毫米汞柱", "血压170/100 mmHg") == 0
    assert cer("咳嗽三天", "咳嗽3天。") == 0
    assert cer("", "") == 0 and cer("", "你不懂") == 1
    assert cer("咳嗽咳痰", "可速可谈") == 1
    assert corpus_cer([("咳嗽", "咳嗽"), ("发热", "发")]) == pytest.approx(0.25)


def test_llm_corrections_must_sound_alike_and_exist() -> None:
    text = "口服二甲双瓜，血压正常"
    answer = {
        "corrections": [
            {"from": "二甲双瓜", "to": "二甲双胍"},  # same sound: applied
            {"from": "血压正常", "to": "血压很高"},  # a rewrite: refused
            {"from": "不存在", "to": "布洛芬"},  # not in the text: refused
        ]
    }
    fixed, changes = apply_llm_corrections(text, answer)
    assert fixed == "口服二甲双胍，血压正常"
    assert [(c.step, c.original, c.corrected) for c in changes] == [("llm", "二甲双瓜", "二甲双胍")]
    assert apply_llm_corrections(text, "nonsense")[0] == text


def test_no_microphone_is_a_clear_error_not_a_traceback(cli) -> None:  # type: ignore[no-untyped-def]
    """CI boxes have no input device (with or without PortAudio): dictation says so."""
    from appliance.speech.mic import microphone_available

    if microphone_available():
        pytest.skip("this machine has a microphone")
    res = cli("speech", "dictate", "--json", "--seconds", "1")
    assert res.rc == 69
    assert res.error()["code"] == "microphone_unavailable"
