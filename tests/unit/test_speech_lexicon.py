"""Speech correction mechanisms without a model: the lexicon's sources, pinyin costs, phrase
templates, anchored literals, headings, number guards, decoding context, and the model's
multiple choice. Every case here is a mechanism check with its own wording; the accuracy
figures come from `clinicbox bench speech` (dev clips and the held-out clips)."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.speech.context import (
    CLINIC_PROMPT,
    MAX_HOTWORD_CHARS,
    hotword_text,
    is_prompt_echo,
    make_context,
    patient_words,
)
from appliance.speech.correct import correct_with_lexicon, window_cost
from appliance.speech.lexicon import (
    anchors,
    clinic_hotwords,
    load_lexicon,
    make_term,
    with_context,
)
from appliance.speech.llm_correct import KEEP, choose_corrections
from appliance.speech.phonetics import confusions, syllable_cost
from appliance.speech.transcriber import locate, postprocess


def _fixed(heard: str) -> str:
    text, changes = correct_with_lexicon(heard)
    for c in changes:  # every change points at the words it replaced
        assert heard[c.start : c.start + len(c.original)] == c.original
        assert len(c.original) == len(c.corrected)
    return text


def test_the_lexicon_holds_the_formulary_icd10_names_and_phrase_templates() -> None:
    terms = {t.text: t.category for t in load_lexicon()}
    assert terms["头孢克肟"] == "drug" and terms["奥格门汀"] == "drug"  # generic + brand
    assert terms["急性支气管炎"] == "diagnosis"  # ICD-10 table
    assert terms["否认肝炎病史"] == "phrase"  # 否认{history}病史 expanded
    assert terms["每日两次"] == "phrase" and terms["患儿女"] == "section"
    assert "安灵" not in terms  # two-character brands sound like everyday words
    assert {a.literal for a in anchors()} >= {"给予", "口服", "诊断"}
    assert len(terms) > 1000


def test_confusion_costs_come_from_the_table_and_merges_cost_nothing() -> None:
    assert ("f", "h") in confusions()
    assert syllable_cost("zhi", "zi") == 0.0  # z/zh merge
    assert syllable_cost("fu", "hu") < syllable_cost("fu", "gu")  # f/h dialect confusion
    assert syllable_cost("ni", "nv") < 0.8  # ü read as i
    assert syllable_cost("ma", "ke") > 1.0


@pytest.mark.parametrize(
    ("heard", "fixed"),
    [
        ("病人难，七十岁", "病人男，七十岁"),  # a heading-like opening cue at the start
        ("所认食物过敏史", "否认食物过敏史"),  # a whole phrase, two syllables off
        ("双废呼吸音低", "双肺呼吸音低"),
        ("急于头孢克肟口服", "给予头孢克肟口服"),  # literal anchored to a drug heard right
        ("体温39多5", "体温39度5"),  # a misheard 度 between the digits of a temperature
        ("空腹血糖酒.1", "空腹血糖9.1"),  # a digit before a decimal point
        ("处理，阿莫西林", "处理，阿莫西林"),
    ],
)
def test_mechanisms_fix_what_sounds_like_a_lexicon_word(heard: str, fixed: str) -> None:
    assert _fixed(heard) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "他急于求成",  # 急于 is only 给予 before a drug
        "每日1次口服",  # a number is never changed into another number or a word
        "心肺未见异常",  # 异 belongs to 异常: "见异" is not 建议
        "头痛伴右侧肢体无力",  # 右 belongs to 右侧: "伴右" is not 伴有
        "既往高血压病史五年",  # 既往 is not 否认 (two neighbours wrong = another word)
        "体温39℃",
    ],
)
def test_correct_text_is_left_alone(text: str) -> None:
    assert correct_with_lexicon(text) == (text, [])


def test_two_character_terms_need_the_same_tone() -> None:
    term = make_term("病史", "record")
    assert window_cost(term, "病使") == 0.0  # shǐ = shǐ
    assert window_cost(term, "病时") is None  # shí ≠ shǐ: only a longer phrase can fix it
    assert _fixed("否认糖尿病病时") == "否认糖尿病病史"


def test_patient_words_join_the_lexicon_for_one_dictation() -> None:
    base = load_lexicon()
    extra = with_context(base, ("瑞舒伐他汀钙", "x"))
    assert any(t.text == "瑞舒伐他汀钙" and t.category == "context" for t in extra)
    assert with_context(base, ()) is base
    assert correct_with_lexicon("口服瑞书伐他汀盖", extra)[0] == "口服瑞舒伐他汀钙"


def test_decoding_context_prompt_hotwords_and_echo_guard() -> None:
    ctx = make_context(patient=patient_words("反复咳嗽三天", ["慢性支气管炎"], ["氨溴索"]),
                       clinic=clinic_hotwords())  # fmt: skip
    assert ctx.prompt == CLINIC_PROMPT and "查体" in CLINIC_PROMPT
    assert ctx.hotwords and ctx.hotwords.startswith("反复咳嗽三天、慢性支气管炎、氨溴索")
    assert len(ctx.hotwords) <= MAX_HOTWORD_CHARS
    assert make_context(prompt=False, hotwords=False).prompt is None
    assert hotword_text(["甲" * 12] * 20) == "甲" * 12  # distinct words only
    assert is_prompt_echo("主诉，现病史，既往史", ctx)
    assert is_prompt_echo("慢性支气管炎、氨溴索", ctx)
    assert not is_prompt_echo("咳嗽三天", ctx)  # the patient's own words, said
    assert not is_prompt_echo("查体，双肺呼吸音粗", ctx)
    assert not is_prompt_echo("主诉，现病史", None)


def test_uncertain_spans_are_located_in_order() -> None:
    assert locate("咳嗽咳嗽发热", ["咳嗽", "咳嗽", "不在"]) == [(0, 2), (2, 4)]


def test_postprocess_keeps_every_step() -> None:
    result = postprocess("患者女，体温38多2，血压一百七十比一百毫米公主")
    assert result.steps["lexicon"] == "患者女，体温38度2，血压一百七十比一百毫米汞柱"
    assert result.text == "患者女，体温38.2℃，血压170/100 mmHg"


def test_model_can_only_pick_a_listed_lexicon_word_or_keep() -> None:
    text = "诊断急性知气管炎，给予氨溴索"
    seen: dict[str, Any] = {}

    def chat(messages: list[dict[str, str]], schema: dict[str, Any]) -> Any:
        seen["schema"] = schema
        return {"c1": "急性支气管炎", "c2": "随便写的词"}

    spans = [(2, 6), (10, 13)]
    fixed, changes = choose_corrections(text, spans, chat)
    options = seen["schema"]["properties"]["c1"]["enum"]
    assert options[0] == KEEP and "急性支气管炎" in options
    assert fixed == "诊断急性支气管炎，给予氨溴索"
    assert [(c.step, c.original, c.corrected) for c in changes] == [
        ("llm", "急性知气管炎", "急性支气管炎")
    ]
    assert choose_corrections(text, spans, lambda m, s: {"c1": KEEP})[0] == text
    assert choose_corrections(text, [], chat) == (text, [])
    assert choose_corrections(text, spans, lambda m, s: None) == (text, [])


def test_bench_reads_a_heldout_set_when_present(tmp_path: Any, monkeypatch: Any) -> None:
    import json

    from appliance.bench import speech_asr as bench

    monkeypatch.setattr(bench, "HELDOUT_FILE", tmp_path / "none.json")
    assert bench.heldout_clips() == []
    audio = tmp_path / "audio"
    audio.mkdir()
    (audio / "h1.wav").write_bytes(b"")
    (audio / "h2.wav").write_bytes(b"")
    cases = [
        {"id": "h1", "text": "咳嗽三天", "context": ["氨溴索"]},
        {"name": "h2", "reference": "发热", "audio": "h2.wav"},
        {"id": "h3", "text": "音频不存在"},
    ]
    (tmp_path / "set.json").write_text(json.dumps({"cases": cases}), encoding="utf-8")
    monkeypatch.setattr(bench, "HELDOUT_FILE", tmp_path / "set.json")
    monkeypatch.setattr(bench, "HELDOUT_AUDIO", audio)
    clips = bench.heldout_clips()
    assert [(c.id, c.reference, c.context) for c in clips] == [
        ("h1", "咳嗽三天", ("氨溴索",)),
        ("h2", "发热", ()),
    ]
    dev = bench.dev_clips()
    assert len(dev) >= 27 and all(c.path.is_file() for c in dev)


def test_a_long_utterance_is_cut_at_its_quietest_moment_not_mid_word() -> None:
    import numpy as np

    from appliance.speech.mic import ChunkedDictation
    from appliance.speech.transcriber import Transcript

    cuts: list[float] = []

    class Recorder:
        lexicon = ()
        model_name = "fake"

        def transcribe_array(self, audio: Any, offset_s: float = 0.0) -> Transcript:
            cuts.append(round(offset_s + len(audio) / 16000, 1))
            return Transcript(text="", segments=[])

    rng = np.random.default_rng(1)
    loud = [rng.standard_normal(1600).astype(np.float32) * 0.3 for _ in range(160)]  # 16 s
    loud[135] = loud[135] * 0.05  # a short dip at 13.5–13.6 s (between two words)
    dictation = ChunkedDictation(Recorder(), max_chunk_s=15.0, search_s=3.0)  # type: ignore[arg-type]
    for block in loud:
        dictation.feed(block)
    dictation.finish()
    assert cuts[0] == 13.6  # cut after the dip (13.5–13.6 s), not at 15.0
    assert cuts[-1] == 16.0  # the rest is the next utterance, nothing lost
