"""Property tests of the dictation parsers: any text in, a valid record out (no crash), number
normalisation idempotent, provenance spans always point into the text."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from appliance.clinical.extract_numbers import normalize_numbers
from appliance.services.emr import run_qc, structure
from appliance.speech.correct import correct_with_lexicon

PIECES = [
    "一", "二", "两", "三", "十", "百", "千", "点", "五", "零", "比", "度", "克", "毫克", "毫升",
    "次每分", "毫米汞柱", "毫摩尔每升", "百分之", "天", "周", "月", "年", "岁", "前", "后",
    "主诉", "现病史", "既往史", "过敏史", "查体", "诊断", "处理", "复诊", "给予", "口服",
    "阿莫西林", "二甲双胍", "青霉素", "过敏", "咳嗽", "发热", "血压", "体温", "心率", "否认",
    "高血压", "肺炎", "，", "。", "：", "？", "；", " ", "\n", "1", "38.5", "/", "mg", "℃",
]  # fmt: skip
dictation = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(dictation)
@example("38.5十克")  # a Chinese number glued to digits is left alone, not read as "10g"
@example("38.5℃38.5")  # found by hypothesis: the digit after a written ℃ was eaten as "38度5"
@example(
    "38.5十比一"
)  # found by hypothesis: a ratio glued to digits read as 38.510/1, then 38.51/1
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_numbers(text)
    assert normalize_numbers(once) == once


@settings(max_examples=120, deadline=None)
@given(dictation)
@example("复诊阿莫西林 ")  # a drug at the end of the text: its span stops at its clause
@example("阿莫西林 阿莫西林复诊")  # found by hypothesis in CI: a span ending in a space
def test_any_dictation_gives_a_valid_record_with_true_spans(text: str) -> None:
    if not text.strip():
        return
    record = structure(text, use_llm=False)
    for spans in record["sources"].values():
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"]
    report = run_qc(record)
    assert 0 <= report["score"] <= 100


@settings(max_examples=120, deadline=None)
@given(dictation)
@example(
    "口服复诊阿莫西林"
)  # found by hypothesis: a second correction over a first one's characters
def test_lexicon_corrections_point_at_what_they_replace(text: str) -> None:
    fixed, changes = correct_with_lexicon(text)
    assert len(fixed) == len(text)  # same-length replacements only
    for change in changes:
        assert text[change.start : change.start + len(change.original)] == change.original
        assert fixed[change.start : change.start + len(change.corrected)] == change.corrected
