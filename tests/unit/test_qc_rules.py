"""Every QC rule of the catalog fires on a record that breaks it and stays silent on one that
does not (sources are cited in appliance/knowledge/data/qc_rules.toml)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from appliance.clinical.qc import MedAlert, QcContext
from appliance.clinical.qc import run_qc as run_rules
from appliance.clinical.record import OutpatientRecord
from appliance.services.emr import icd_table, qc_catalog, run_qc

GOOD: dict[str, Any] = {
    "visit_type": "initial",
    "patient": {"age": 45, "sex": "M"},
    "chief_complaint": "咳嗽咳痰5天，发热2天",
    "present_illness": "患者5天前受凉后出现咳嗽，咳黄痰，2天前出现发热，最高体温38.9℃",
    "past_history": "既往体健",
    "allergy_history": "否认药物过敏史",
    "personal_history": "吸烟10年",
    "physical_exam": "体温38.5℃，血压126/80 mmHg，心率92次/分，右下肺可闻及湿啰音",
    "auxiliary_exams": "血常规白细胞13.5×10^9/L，中性粒细胞升高；胸片示右下肺斑片影",
    "diagnoses": [{"name": "社区获得性肺炎", "icd10": "J18.9"}],
    "treatment_plan": "阿莫西林胶囊0.5g口服每日3次，共7天，3天后复诊",
    "prescriptions": [
        {"drug": "阿莫西林胶囊", "dose_mg": 500, "frequency_per_day": 3, "route": "po"}
    ],
    "vitals": {"temp": 38.5, "sbp": 126, "dbp": 80, "hr": 92},
    "doctor": "张医生",
    "signed_at": "2026-11-26T09:00:00+08:00",
}


def _rules_of(record: dict[str, Any], ctx: QcContext | None = None) -> set[str]:
    rec = OutpatientRecord.model_validate(record)
    context = ctx or QcContext(icd=icd_table())
    return {f.rule for f in run_rules(rec, qc_catalog(), context).findings}


def _with(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(GOOD)
    record.update(changes)
    return record


def test_the_good_record_is_clean_and_passes() -> None:
    assert _rules_of(GOOD) == set()
    out = run_qc(GOOD)
    assert out["passed"] is True and out["score"] == 100 and out["grade"] == "甲"


# (rule, a record that breaks it, a near-identical record that does not)
CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("QC-C01", _with(chief_complaint=""), GOOD),
    ("QC-C02", _with(present_illness=""), _with(present_illness="", visit_type="followup")),
    ("QC-C03", _with(past_history=""), _with(past_history="既往体健")),
    ("QC-C04", _with(allergy_history=None), _with(allergy_history="否认药物过敏史")),
    ("QC-C05", _with(personal_history=""), GOOD),
    ("QC-C06", _with(physical_exam=""), GOOD),
    ("QC-C07", _with(diagnoses=[]), GOOD),
    ("QC-C08", _with(treatment_plan="", prescriptions=[]), _with(treatment_plan="")),
    (
        "QC-C09",
        _with(visit_type="followup", present_illness=""),
        _with(visit_type="followup", present_illness="咳嗽较前减轻"),
    ),
    (
        "QC-C10",
        _with(physical_exam="咽部充血，双肺呼吸音粗", vitals={}),
        _with(physical_exam="体温36.8℃，咽部充血", vitals={}),
    ),
    (
        "QC-C11",
        _with(diagnoses=[{"name": "某某综合征"}]),
        _with(diagnoses=[{"name": "社区获得性肺炎"}]),
    ),
    ("QC-C12", _with(doctor=None), GOOD),
    (
        "QC-F01",
        _with(chief_complaint="咳嗽咳痰5天伴发热2天伴胸痛乏力纳差头痛全身酸痛"),
        _with(chief_complaint="咳嗽咳痰5天，发热2天"),
    ),
    ("QC-F02", _with(chief_complaint="咳嗽咳痰伴发热"), GOOD),
    (
        "QC-F03",
        _with(chief_complaint="肺炎5天"),
        _with(chief_complaint="咳嗽5天"),
    ),
    (
        "QC-K01",
        _with(present_illness="患者2月前受凉后出现咳嗽，咳黄痰"),
        _with(present_illness="患者5天前受凉后出现咳嗽，咳黄痰"),
    ),
    (
        "QC-K02",
        _with(diagnoses=[{"name": "社区获得性肺炎"}, {"name": "痛经"}]),
        _with(
            patient={"age": 30, "sex": "F"},
            diagnoses=[{"name": "社区获得性肺炎"}, {"name": "痛经"}],
            present_illness="患者5天前受凉后出现咳嗽，月经期下腹痛",
        ),
    ),
    ("QC-K03", _with(vitals={"temp": 48.5, "sbp": 126, "dbp": 80}), GOOD),
    (
        "QC-K04",
        _with(present_illness="患者5天前受凉后出现咳嗽，自述青霉素过敏"),
        _with(present_illness="患者5天前受凉后出现咳嗽，咳黄痰"),
    ),
    (
        "QC-K05",
        _with(physical_exam="体温36.5℃，发热面容", vitals={"temp": 36.5}),
        _with(physical_exam="体温38.5℃，发热面容", vitals={"temp": 38.5}),
    ),
    (
        "QC-E01",
        _with(diagnoses=[{"name": "社区获得性肺炎"}, {"name": "2型糖尿病"}]),
        _with(
            diagnoses=[{"name": "社区获得性肺炎"}, {"name": "2型糖尿病"}],
            auxiliary_exams="血常规白细胞13.5，中性粒细胞升高；胸片示右下肺斑片影；空腹血糖8.9 mmol/L",
        ),
    ),
    (
        "QC-T01",
        _with(
            chief_complaint="流涕咽痛2天",
            present_illness="2天前出现流涕咽痛，无发热",
            physical_exam="体温36.8℃，咽部充血",
            auxiliary_exams="血常规未见异常",
            diagnoses=[{"name": "急性上呼吸道感染"}],
            vitals={"temp": 36.8},
        ),
        GOOD,
    ),
    ("QC-T02", _with(allergy_history="青霉素过敏"), _with(allergy_history="头孢过敏")),
    (
        "QC-T04",
        _with(
            prescriptions=[*GOOD["prescriptions"], {"drug": "二甲双胍", "dose_mg": 500}],
        ),
        _with(
            prescriptions=[*GOOD["prescriptions"], {"drug": "二甲双胍", "dose_mg": 500}],
            past_history="2型糖尿病5年",
        ),
    ),
    (
        "QC-W01",
        _with(diagnoses=[{"name": "社区获得性肺炎"}, {"name": "上感"}]),
        _with(diagnoses=[{"name": "社区获得性肺炎"}, {"name": "急性上呼吸道感染"}]),
    ),
    (
        "QC-W02",
        _with(physical_exam="体温38.5，血压126/80，心率92次/分"),
        _with(physical_exam="体温38.5℃，血压126/80 mmHg，心率92次/分"),
    ),
    (
        "QC-W03",
        _with(present_illness="患者大概5天前出现咳嗽，好像有发热"),
        GOOD,
    ),
    (
        "QC-W04",
        _with(diagnoses=[{"name": "社区获得性肺炎？"}]),
        _with(diagnoses=[{"name": "社区获得性肺炎可能"}]),
    ),
]


@pytest.mark.parametrize(("rule", "firing", "silent"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_and_stays_silent(rule: str, firing: dict, silent: dict) -> None:
    assert rule in _rules_of(firing), f"{rule} should fire"
    assert rule not in _rules_of(silent), f"{rule} should not fire"


def test_contraindication_alerts_from_the_medication_checks_become_qc_t03() -> None:
    major = MedAlert("interaction", "major", ("华法林", "阿司匹林"), "出血风险增加", "说明书")
    minor = MedAlert("interaction", "minor", ("A", "B"), "轻微", "")
    assert "QC-T03" in _rules_of(GOOD, QcContext(icd=icd_table(), med_alerts=[major]))
    assert "QC-T03" not in _rules_of(GOOD, QcContext(icd=icd_table(), med_alerts=[minor]))


def test_model_findings_never_fail_a_record_on_their_own() -> None:
    from appliance.clinical.qc import Hit

    rec = OutpatientRecord.model_validate(GOOD)
    hit = Hit("present_illness", "“咳嗽” ↔ “无咳嗽”", "前后矛盾")
    report = run_rules(rec, qc_catalog(), QcContext(icd=icd_table()), [hit])
    assert [f.origin for f in report.findings] == ["model"]
    assert report.findings[0].rule == "QC-M01"
    assert report.passed and report.score == 100


def test_every_catalog_rule_is_tested_and_cited() -> None:
    tested = {c[0] for c in CASES} | {"QC-T03", "QC-M01"}
    catalog = qc_catalog()
    assert {r.id for r in catalog.rules} == tested
    for rule in catalog.rules:
        assert rule.source and rule.message_zh and rule.message_en and rule.fix_zh


def test_errors_fail_and_score_drops_by_points() -> None:
    out = run_qc(_with(allergy_history="", chief_complaint=""))
    assert out["passed"] is False
    assert out["score"] == 100 - 20 - 15
    assert {f["rule"] for f in out["findings"]} >= {"QC-C01", "QC-C04"}
    for f in out["findings"]:
        assert set(f) >= {"rule", "severity", "field", "message", "evidence"}
        assert f["severity"] in ("error", "warning", "info")


def test_english_messages() -> None:
    out = run_qc(_with(chief_complaint=""), lang="en")
    assert "chief complaint" in out["findings"][0]["message"]


def test_batch_pass_rate() -> None:
    from appliance.services.emr import batch_qc

    items = [GOOD, _with(chief_complaint=""), {"id": "x", "record": GOOD}, "not a record"]
    out = batch_qc(items)
    assert out["checked"] == 3 and out["invalid"] == 1
    assert out["passed"] == 2 and out["pass_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert out["top_rules"][0]["rule"] in ("QC-C01", "QC-F02")


def test_duration_rule_reads_onsets_not_frequencies() -> None:
    record = _with(chief_complaint="便秘2月", present_illness="近2月排便3至4天1次，大便干结")
    assert "QC-K01" not in _rules_of(record)
    record = _with(chief_complaint="便秘2月", present_illness="排便3至4天1次")
    assert "QC-K01" not in _rules_of(record)  # no onset said: nothing to compare


def test_topical_antibiotics_are_not_systemic_use() -> None:
    record = _with(
        chief_complaint="双眼发红2天",
        present_illness="2天前出现双眼发红",
        physical_exam="双眼结膜充血",
        auxiliary_exams="",
        diagnoses=[{"name": "急性结膜炎"}],
        prescriptions=[{"drug": "左氧氟沙星滴眼液", "frequency_per_day": 4}],
        vitals={},
    )
    assert "QC-T01" not in _rules_of(record)
    record["prescriptions"] = [{"drug": "左氧氟沙星片", "dose_mg": 500}]
    assert "QC-T01" in _rules_of(record)


def test_model_contradictions_are_kept_only_with_both_quotes_in_the_record() -> None:
    from appliance.clinical.qc_llm import ground_contradictions

    rec = OutpatientRecord.model_validate(
        _with(present_illness="患者5天前出现胸痛，活动后加重", physical_exam="否认胸痛，心律齐")
    )
    answer = {
        "contradictions": [
            {
                "field": "physical_exam",
                "quote_a": "出现胸痛",
                "quote_b": "否认胸痛",
                "explanation": "胸痛前后矛盾",
            },
            {
                "field": "present_illness",
                "quote_a": "出现胸痛",
                "quote_b": "咯血",
                "explanation": "invented",
            },
        ]
    }
    hits = ground_contradictions(answer, rec)
    assert len(hits) == 1 and hits[0].detail == "胸痛前后矛盾"
    report = run_rules(rec, qc_catalog(), QcContext(icd=icd_table()), hits).as_dict()
    model = [f for f in report["findings"] if f["origin"] == "model"]
    assert model[0]["spans"][0] == {"field": "present_illness", "start": 5, "end": 9}
    assert ground_contradictions("not json", rec) == []
