"""Structuring a transcript: headings said in the flow of speech (commas, no colons) open their
sections, numbers become units, and every field points to its words."""

from __future__ import annotations

from appliance.services.emr import structure

SPOKEN = (
    "患者男，45岁，主诉反复胸闷2月，既往史高血压病史6年，规律服用缬沙坦80mg每日1次，"
    "过敏史对头孢过敏，查体血压一百五十比九十毫米汞柱，心律齐，心电图提示窦性心律，"
    "诊断冠心病，处理阿司匹林100毫克口服每日一次，两周后复诊"
)


def test_headings_said_in_the_flow_open_their_sections() -> None:
    rec = structure(SPOKEN, use_llm=False)
    assert rec["patient"] == {"sex": "M", "age": 45.0}
    assert rec["chief_complaint"] == "反复胸闷2月"
    # a drug taken for years stays history under 既往史, even with a dose
    assert rec["past_history"] == "高血压病史6年，规律服用缬沙坦80mg每日1次"
    assert rec["allergy_history"] == "对头孢过敏"
    assert rec["physical_exam"] == "血压150/90 mmHg，心律齐"
    assert rec["auxiliary_exams"] == "心电图提示窦性心律"
    assert rec["diagnoses"] == [{"name": "冠心病", "icd10": "I25.1"}]
    assert rec["treatment_plan"] == "阿司匹林100mg口服每日1次，2周后复诊"
    assert rec["vitals"]["sbp"] == 150 and rec["vitals"]["dbp"] == 90
    assert rec["prescriptions"][0]["drug"] == "阿司匹林"
    assert rec["prescriptions"][0]["dose_mg"] == 100
    assert rec["prescriptions"][0]["frequency_per_day"] == 1
    for field in ("chief_complaint", "past_history", "allergy_history", "physical_exam"):
        for span in rec["sources"][field]:
            assert SPOKEN[span["start"] : span["end"]] == span["text"]
            assert not span["text"].startswith(("主诉", "既往史", "过敏史", "查体"))


def test_a_heading_alone_before_a_comma_opens_the_section() -> None:
    rec = structure("咳嗽3天，查体，体温三十八度五，咽部充血，处理，多饮水", use_llm=False)
    assert rec["physical_exam"] == "体温38.5℃，咽部充血"
    assert rec["vitals"]["temp"] == 38.5
    assert rec["treatment_plan"] == "多饮水"


def test_a_child_dictation_opens_with_age_and_sex() -> None:
    rec = structure("患儿女，三岁，腹泻两天，每日五六次", use_llm=False)
    assert rec["patient"] == {"sex": "F", "age": 3.0}
    assert rec["chief_complaint"] == "腹泻2天"
