"""Doctor-facing decision support end to end (rules): differentials, referral, next steps, checks.

The knowledge base and scorer have their own tests (test_condition_kb.py, test_differential.py);
this file checks what the doctor sees from a record.
"""

from __future__ import annotations

from typing import Any

import pytest

from appliance.services._assistant_advise import advise_record, record_facts


def _names(record: dict[str, Any]) -> list[str]:
    return [d["name"] for d in advise_record(None, record)["differentials"]]


def test_negated_findings_count_against() -> None:
    positive = advise_record(None, {"chief_complaint": "发热、咳嗽、咳黄痰，右下肺湿啰音"})
    negative = advise_record(
        None, {"chief_complaint": "咳嗽，无发热，双肺未闻及湿啰音，胸片未见异常"}
    )
    assert positive["differentials"][0]["name"] == "社区获得性肺炎"
    cap = [d for d in negative["differentials"] if d["name"] == "社区获得性肺炎"]
    assert not cap or "无肺部湿啰音/实变体征" in cap[0]["against"]


def test_numbers_from_record_and_text_become_findings() -> None:
    facts = record_facts(
        {"chief_complaint": "头晕", "physical_exam": "BP 170/100mmHg，体温38.6℃",
         "auxiliary_exams": "随机血糖 12.3mmol/L，糖化血红蛋白 7.8%",
         "vitals": {"spo2": 88}, "patient": {"age": 70}}
    )  # fmt: skip
    assert facts.numbers["sbp"] == 170 and facts.numbers["spo2"] == 88
    assert facts.numbers["age"] == 70 and facts.numbers["hba1c"] == 7.8
    assert "hb" not in facts.numbers  # HbA1c is not a haemoglobin of 7.8 g/L
    for finding in ("bp_high", "fever", "glucose_high", "hba1c_high", "hypoxia_severe", "old_age"):
        assert finding in facts.affirmed, finding


def test_a_stated_fever_wins_over_a_denial_when_the_thermometer_says_so() -> None:
    facts = record_facts({"chief_complaint": "咳嗽，自述无发热", "vitals": {"temp": 38.6}})
    assert "fever" in facts.affirmed and "fever" not in facts.negated


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"chief_complaint": "多饮多尿，体重下降", "vitals": {"glucose": 14.0}}, "2型糖尿病"),
        (
            {"chief_complaint": "尿频、尿急、尿痛", "auxiliary_exams": "尿常规白细胞++"},
            "泌尿道感染",
        ),
        ({"chief_complaint": "脐周痛转移至右下腹，麦氏点压痛"}, "急性阑尾炎"),
        ({"chief_complaint": "头晕", "vitals": {"sbp": 165, "dbp": 100}}, "原发性高血压"),
    ],
)
def test_top_differential(record: dict[str, Any], expected: str) -> None:
    assert _names(record)[0] == expected


def test_referral_rules() -> None:
    stroke = advise_record(None, {"chief_complaint": "突发右侧肢体无力，口角歪斜，言语不清"})
    assert stroke["refer"] and any("转诊" in s for s in stroke["next_steps"])
    assert stroke["must_not_miss"][0]["name"] == "急性脑卒中"
    urti = advise_record(
        None, {"chief_complaint": "鼻塞流涕咽痛2天", "physical_exam": "咽部充血，双肺呼吸音清"}
    )
    assert urti["differentials"][0]["name"] == "急性上呼吸道感染" and urti["refer"] is False
    assert urti["refer_reasons"] == [] and urti["must_not_miss"] == []
    crb65 = advise_record(
        None,
        {"chief_complaint": "发热咳嗽", "auxiliary_exams": "胸片右下肺斑片影",
         "physical_exam": "右下肺湿啰音", "vitals": {"rr": 32}, "patient": {"age": 50}},
    )  # fmt: skip
    assert crb65["refer"] and any("呼吸≥30" in s for s in crb65["refer_reasons"])


def test_a_must_not_miss_condition_refers_even_when_it_does_not_lead() -> None:
    # Exertional angina leads, but a prolonged crushing pain with sweating is an ACS until shown
    # otherwise (急性冠脉综合征急诊快速诊治指南 2019).
    out = advise_record(
        None,
        {"chief_complaint": "活动后胸闷1年，今日胸骨后压榨样疼痛，休息不缓解，伴大汗",
         "patient": {"age": 62, "sex": "M"}},
    )  # fmt: skip
    assert out["refer"] is True
    assert "急性冠脉综合征" in [m["name"] for m in out["must_not_miss"]]
    assert any(d["must_not_miss"] for d in out["differentials"])


def test_beyond_township_care_refers_with_the_reason() -> None:
    out = advise_record(
        None, {"chief_complaint": "进行性吞咽困难2月，消瘦8kg", "patient": {"age": 66}}
    )
    assert out["differentials"][0]["name"] == "胃癌/食管癌"
    assert out["refer"] and "胃癌" in out["refer_reasons"][0]


def test_thin_findings_say_what_to_ask_or_examine() -> None:
    out = advise_record(None, {"chief_complaint": "发热1天"})
    assert out["enough_information"] is False and out["ask"]
    assert any(s.startswith("信息不足——请询问/检查：") for s in out["next_steps"])


def test_treatment_options_are_checked_by_medication_rules() -> None:
    result = advise_record(
        None,
        {"chief_complaint": "发热咳嗽3天", "physical_exam": "右下肺湿啰音",
         "auxiliary_exams": "胸片右下肺斑片影", "allergy_history": "青霉素过敏"},
    )  # fmt: skip
    amoxicillin = [s for s in result["next_steps"] if s.startswith("治疗选项：阿莫西林")]
    assert amoxicillin and "警示" in amoxicillin[0]


def test_nothing_matching_says_so() -> None:
    result = advise_record(None, {"chief_complaint": "想咨询体检报告怎么看"})
    assert result["differentials"] == [] and result["refer"] is False
    assert any("知识库中没有" in s for s in result["next_steps"])
    assert result["enough_information"] is False


def test_suggested_exams_go_through_the_exam_ordering_rules() -> None:
    from appliance.services._assistant_advise_checks import exam_hint_steps

    hints = exam_hint_steps(
        {"chief_complaint": "头痛2天，无呕吐", "patient": {"age": 35}}, ["头颅CT、血常规"]
    )
    assert hints and "头颅CT" in hints[0]


def test_dangerous_differentials_below_the_top_are_to_be_ruled_out() -> None:
    result = advise_record(
        None,
        {"chief_complaint": "发热咳嗽3天，右侧胸痛，伴大汗", "physical_exam": "右下肺湿啰音",
         "auxiliary_exams": "胸片右下肺斑片影"},
    )  # fmt: skip
    assert result["differentials"][0]["name"] == "社区获得性肺炎"
    assert any(s.startswith("需排除急性冠脉综合征") for s in result["next_steps"])


def test_citations_name_the_source_and_the_guideline_passage(lexical_kb: Any) -> None:
    out = advise_record(
        lexical_kb,
        {"chief_complaint": "发热咳嗽", "physical_exam": "右下肺湿啰音",
         "auxiliary_exams": "胸片右下肺斑片影"},
    )  # fmt: skip
    cites = out["differentials"][0]["citations"]
    assert cites[0]["doc"] == "conditions/respiratory" and "基层诊疗指南" in cites[0]["text"]
    assert any(c["doc"] == "clinician/respiratory" for c in cites)


def test_teaching_case_wording_of_a_dissection() -> None:
    # Written out like a textbook case: pain site and quality apart, both arms' pressures.
    out = advise_record(
        None,
        {"chief_complaint": "胸背部疼痛3小时",
         "present_illness": "搬重物时突发胸骨后及背部持续性剧烈疼痛，向腰部放射，伴大汗。",
         "past_history": "高血压病史10年。否认糖尿病、冠心病病史。",
         "physical_exam": "左上肢BP 180/100mmHg，右上肢BP 150/90mmHg。双肺呼吸音清。",
         "auxiliary_exams": "胸片：纵隔增宽。", "patient": {"age": 55, "sex": "M"}},
    )  # fmt: skip
    assert out["differentials"][0]["name"] == "主动脉夹层" and out["refer"] is True
    assert "双上肢血压差>20mmHg/脉搏不对称" in out["differentials"][0]["for"]
    assert "原发性高血压" not in [d["name"] for d in out["differentials"][:1]]


def test_a_result_written_after_its_test_is_a_pertinent_negative() -> None:
    negative = record_facts({"chief_complaint": "头晕", "auxiliary_exams": "尿常规：尿蛋白阴性。"})
    assert "proteinuria" in negative.negated and "proteinuria" not in negative.affirmed
    positive = record_facts({"chief_complaint": "水肿", "auxiliary_exams": "尿蛋白++"})
    assert "proteinuria" in positive.affirmed
    out = advise_record(
        None,
        {"chief_complaint": "头晕1周", "physical_exam": "BP 168/102mmHg，双下肢无水肿",
         "auxiliary_exams": "尿常规：尿蛋白阴性", "patient": {"age": 56}},
    )  # fmt: skip
    assert out["differentials"][0]["name"] == "原发性高血压" and out["refer"] is False


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("已婚，孕2产1", "pregnant"),  # obstetric history is not a pregnancy
        ("腰部肌肉紧张，压痛", "anxiety"),  # muscle tension is not anxiety
        ("胸片：右下肺渗出影", "eczema_lesion"),
        ("上腹痛反复发作", "periodic_epigastric"),  # periodicity needs its pattern
        ("肠鸣音活跃", "bowel_sounds_high"),
        ("咳嗽伴畏寒", "cold_intolerance"),
        ("胸片：左上肺钙化灶", "cxr_cavity"),
    ],
)
def test_common_words_of_a_full_record_do_not_raise_unrelated_findings(
    text: str, finding: str
) -> None:
    assert finding not in record_facts({"chief_complaint": text}).affirmed


def test_pregnancy_weeks_from_the_text_make_a_pregnancy() -> None:
    facts = record_facts({"chief_complaint": "孕32周，头痛、视物模糊"})
    assert "pregnant" in facts.affirmed and facts.numbers["pregnancy_weeks"] == 32


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        # written out like textbook cases: the danger is named and referred
        ({"chief_complaint": "突发上腹部剧痛4小时",
          "present_illness": "饱餐后突发上腹部持续性刀割样疼痛，迅速蔓延至全腹。",
          "physical_exam": "腹肌紧张如板状，全腹压痛、反跳痛，肝浊音界缩小。"}, "消化道穿孔"),
        ({"chief_complaint": "术后发热、右上腹痛3天",
          "present_illness": "胃大部切除术后第7天，发热39℃，寒战，右上腹痛，呃逆。",
          "auxiliary_exams": "胸片：右膈肌抬高。"}, "膈下脓肿/腹腔脓肿"),
        ({"chief_complaint": "发热、呕吐1天", "present_illness": "8月龄，高热，嗜睡。",
          "physical_exam": "前囟饱满。", "patient": {"age": 0.7}}, "脑膜炎/脑炎"),
        ({"chief_complaint": "左侧肢体活动不利2小时", "past_history": "高血压10年。",
          "patient": {"age": 68}}, "急性脑卒中"),
        ({"chief_complaint": "突发气急、咳粉红色泡沫痰1小时",
          "physical_exam": "端坐位，双肺满布湿啰音。"}, "急性心力衰竭"),
        ({"chief_complaint": "皮肤巩膜黄染进行性加重1月", "present_illness": "伴消瘦，无腹痛。",
          "patient": {"age": 66}}, "胰腺癌/壶腹周围癌"),
    ],
)  # fmt: skip
def test_dangerous_pictures_in_teaching_case_wording(record: dict[str, Any], expected: str) -> None:
    out = advise_record(None, record)
    assert out["differentials"][0]["name"] == expected
    assert out["refer"] is True and expected in [m["name"] for m in out["must_not_miss"]]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"chief_complaint": "上腹痛1月", "auxiliary_exams": "胃镜示十二指肠球部溃疡（A1期），Hp阳性。"},
         "消化性溃疡"),
        ({"chief_complaint": "上腹胀1年", "auxiliary_exams": "胃镜：慢性非萎缩性胃炎。"},
         "慢性胃炎/功能性消化不良"),
        ({"chief_complaint": "摔倒后右腕肿痛2小时", "auxiliary_exams": "X线示右桡骨远端骨折线。"},
         "骨折"),
        ({"chief_complaint": "活动后气短3年", "auxiliary_exams": "肺功能：FEV1/FVC<70%。"},
         "慢性阻塞性肺疾病/慢阻肺急性加重"),
    ],
)  # fmt: skip
def test_a_diagnostic_test_report_in_the_record_is_weighed(
    record: dict[str, Any], expected: str
) -> None:
    assert advise_record(None, record)["differentials"][0]["name"] == expected
