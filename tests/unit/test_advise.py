"""Doctor-facing decision support: condition scoring, negation, vitals, referral, med checks."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.knowledge.kb_conditions import conditions, rank_conditions, vitals_from
from appliance.services._assistant_advise import advise_record


def _names(text: str, vitals: dict[str, float] | None = None) -> list[str]:
    return [s.condition.name for s in rank_conditions(text, vitals or {})]


def test_catalog_rows_cite_guideline_sections(lexical_kb: Any) -> None:
    docs = {info.doc_key for info in lexical_kb.documents()}
    for cond in conditions():
        assert cond.doc in docs, cond.id
        sections = [s for s, _ in lexical_kb.chunks_of(cond.doc)]
        assert any(s.startswith(cond.section + " > 诊断要点") for s in sections), cond.id
        assert cond.findings_for and cond.next_steps, cond.id


def test_negated_findings_count_against() -> None:
    positive = rank_conditions("发热、咳嗽、咳黄痰，右下肺湿啰音", {})
    negative = rank_conditions("咳嗽，无发热，双肺未闻及湿啰音，胸片未见异常", {})
    assert positive[0].condition.id == "cap"
    cap = [s for s in negative if s.condition.id == "cap"]
    assert not cap or "无肺部湿啰音/实变体征" in cap[0].found_against


def test_vitals_from_record_and_text() -> None:
    record = {"vitals": {"spo2": 88}, "patient": {"age": 70}}
    vitals = vitals_from(record, "查体：BP 170/100mmHg，体温38.6℃，血糖 12.3mmol/L")
    assert vitals == {"sbp": 170, "dbp": 100, "temp": 38.6, "glucose": 12.3, "spo2": 88, "age": 70}


@pytest.mark.parametrize(
    ("text", "vitals", "expected"),
    [
        ("多饮多尿，体重下降", {"glucose": 14.0}, "2型糖尿病"),
        ("尿频、尿急、尿痛，尿常规白细胞++", {}, "泌尿道感染"),
        ("脐周痛转移至右下腹，麦氏点压痛", {}, "急性阑尾炎"),
        ("头晕", {"sbp": 165, "dbp": 100}, "原发性高血压"),
    ],
)
def test_top_differential(text: str, vitals: dict[str, float], expected: str) -> None:
    assert _names(text, vitals)[0] == expected


def test_referral_rules(lexical_kb: Any) -> None:
    stroke = advise_record(lexical_kb, {"chief_complaint": "突发右侧肢体无力，口角歪斜，言语不清"})
    assert stroke["refer"] and any("转诊" in s for s in stroke["next_steps"])
    urti = advise_record(
        lexical_kb,
        {"chief_complaint": "鼻塞流涕咽痛2天", "physical_exam": "咽部充血，双肺呼吸音清"},
    )
    assert urti["differentials"][0]["name"] == "急性上呼吸道感染" and urti["refer"] is False
    crb65 = advise_record(
        lexical_kb,
        {"chief_complaint": "发热咳嗽", "auxiliary_exams": "胸片右下肺斑片影",
         "physical_exam": "右下肺湿啰音", "vitals": {"rr": 32}},
    )  # fmt: skip
    assert crb65["refer"] and any("呼吸≥30" in s for s in crb65["next_steps"])


def test_treatment_options_are_checked_by_medication_rules(lexical_kb: Any) -> None:
    result = advise_record(
        lexical_kb,
        {"chief_complaint": "发热咳嗽3天", "physical_exam": "右下肺湿啰音",
         "auxiliary_exams": "胸片右下肺斑片影", "allergy_history": "青霉素过敏"},
    )  # fmt: skip
    amoxicillin = [s for s in result["next_steps"] if "阿莫西林" in s]
    assert amoxicillin and "警示" in amoxicillin[0]


def test_nothing_matching_says_so(lexical_kb: Any) -> None:
    result = advise_record(lexical_kb, {"chief_complaint": "左手小指甲旁红肿"})
    assert result["differentials"] == [] and result["refer"] is False
    assert "知识库中没有" in result["next_steps"][0]


def test_suggested_exams_go_through_the_exam_ordering_rules() -> None:
    from appliance.services._assistant_advise import _exam_hint_steps

    hints = _exam_hint_steps(
        {"chief_complaint": "头痛2天，无呕吐", "patient": {"age": 35}}, ["头颅CT、血常规"]
    )
    assert hints and "头颅CT" in hints[0]


def test_dangerous_differentials_below_the_top_are_to_be_ruled_out(lexical_kb: Any) -> None:
    result = advise_record(
        lexical_kb,
        {"chief_complaint": "发热咳嗽3天，右侧胸痛", "physical_exam": "右下肺湿啰音",
         "auxiliary_exams": "胸片右下肺斑片影"},
    )  # fmt: skip
    assert result["differentials"][0]["name"] == "社区获得性肺炎"
    assert any(s.startswith("需排除急性冠脉综合征") for s in result["next_steps"])
