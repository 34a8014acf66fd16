"""Exam-ordering hints: each rule fires and stays quiet; ids carry the rule's source key."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from appliance.clinical.exams import PriorExam, duration_days, exam_hints
from appliance.knowledge.catalogs import exam_knowledge
from appliance.services.safety import exam_hints as exam_hints_service

KB = exam_knowledge()
TODAY = date(2026, 3, 1)


def hints(exams, complaint="", age=40, gcs=None, prior=(), window=30):
    found, _ = exam_hints(
        exams,
        complaint=complaint,
        age=age,
        gcs=gcs,
        duration_text_days=None,
        prior=list(prior),
        today=TODAY,
        default_window_days=window,
        kb=KB,
    )
    return {h.rule for h in found}


@pytest.mark.parametrize(
    ("exams", "complaint", "age", "gcs", "prior", "rule"),
    [
        pytest.param(
            ["头颅CT"],
            "头晕",
            50,
            None,
            [PriorExam("颅脑CT", TODAY - timedelta(days=10))],
            "EXAM-REPEAT-WITHIN-WINDOW",
            id="repeat-ct[REPEAT-IMAGING]",
        ),
        pytest.param(
            ["血常规"],
            "发热",
            30,
            None,
            [PriorExam("血常规", TODAY - timedelta(days=1))],
            "EXAM-REPEAT-WITHIN-WINDOW",
            id="repeat-cbc[REPEAT-IMAGING]",
        ),
        pytest.param(
            ["腰椎MRI"],
            "腰痛3天，弯腰搬重物后",
            40,
            None,
            [],
            "EXAM-LBP-NO-EARLY-IMAGING",
            id="lbp-mri-3d[ACR-LBP]",
        ),
        pytest.param(
            ["腰椎X线"],
            "low back pain for 2 weeks",
            35,
            None,
            [],
            "EXAM-LBP-NO-EARLY-IMAGING",
            id="lbp-xray-2w[ACR-LBP]",
        ),
        pytest.param(
            ["头颅CT"],
            "骑车摔倒撞到头，短暂意识丧失，无呕吐",
            30,
            15,
            [],
            "EXAM-CCHR-CT-NOT-NEEDED",
            id="cchr-cleared[CCHR]",
        ),
        pytest.param(
            ["头颅MRI"],
            "反复头痛1年，与劳累有关",
            30,
            None,
            [],
            "EXAM-HEADACHE-NO-IMAGING",
            id="headache[CHOOSING-WISELY-HEADACHE]",
        ),
        pytest.param(
            ["头颅CT"],
            "站立久后晕倒，很快清醒",
            25,
            None,
            [],
            "EXAM-SYNCOPE-NO-HEAD-CT",
            id="syncope[CHOOSING-WISELY-SYNCOPE]",
        ),
    ],
)
def test_exam_rule_fires(exams, complaint, age, gcs, prior, rule):
    assert rule in hints(exams, complaint, age, gcs, prior)


@pytest.mark.parametrize(
    ("exams", "complaint", "age", "gcs", "prior", "rule"),
    [
        pytest.param(
            ["头颅CT"],
            "头晕",
            50,
            None,
            [PriorExam("头颅CT", TODAY - timedelta(days=60))],
            "EXAM-REPEAT-WITHIN-WINDOW",
            id="repeat-outside-window[REPEAT-IMAGING]",
        ),
        pytest.param(
            ["胸片"],
            "咳嗽",
            50,
            None,
            [PriorExam("头颅CT", TODAY - timedelta(days=3))],
            "EXAM-REPEAT-WITHIN-WINDOW",
            id="different-exam[REPEAT-IMAGING]",
        ),
        pytest.param(
            ["腰椎MRI"],
            "腰痛3天，伴发热",
            40,
            None,
            [],
            "EXAM-LBP-NO-EARLY-IMAGING",
            id="lbp-fever-red-flag[ACR-LBP]",
        ),
        pytest.param(
            ["腰椎MRI"],
            "腰痛2个月，保守治疗无效",
            40,
            None,
            [],
            "EXAM-LBP-NO-EARLY-IMAGING",
            id="lbp-over-6-weeks[ACR-LBP]",
        ),
        pytest.param(
            ["腰椎MRI"],
            "腰痛1周，大小便失禁",
            40,
            None,
            [],
            "EXAM-LBP-NO-EARLY-IMAGING",
            id="lbp-cauda-equina[ACR-LBP]",
        ),
        pytest.param(
            ["腰椎X线"],
            "腰痛5天",
            75,
            None,
            [],
            "EXAM-LBP-NO-EARLY-IMAGING",
            id="lbp-age-70[ACR-LBP]",
        ),
        pytest.param(
            ["头颅CT"],
            "摔倒撞到头，呕吐3次",
            30,
            15,
            [],
            "EXAM-CCHR-CT-NOT-NEEDED",
            id="cchr-vomiting[CCHR]",
        ),
        pytest.param(
            ["头颅CT"], "摔倒撞到头", 70, 15, [], "EXAM-CCHR-CT-NOT-NEEDED", id="cchr-age-65[CCHR]"
        ),
        pytest.param(
            ["头颅CT"], "摔倒撞到头", 30, 14, [], "EXAM-CCHR-CT-NOT-NEEDED", id="cchr-gcs-14[CCHR]"
        ),
        pytest.param(
            ["头颅CT"],
            "撞到头，平时服用华法林",
            40,
            15,
            [],
            "EXAM-CCHR-CT-NOT-NEEDED",
            id="cchr-anticoagulant-excluded[CCHR]",
        ),
        pytest.param(
            ["头颅CT"],
            "从高处坠落撞到头",
            40,
            15,
            [],
            "EXAM-CCHR-CT-NOT-NEEDED",
            id="cchr-dangerous-mechanism[CCHR]",
        ),
        pytest.param(
            ["头颅CT"],
            "撞到头",
            8,
            15,
            [],
            "EXAM-CCHR-CT-NOT-NEEDED",
            id="cchr-child-excluded[PECARN]",
        ),
        pytest.param(
            ["头颅CT"],
            "突发剧烈头痛伴呕吐",
            30,
            None,
            [],
            "EXAM-HEADACHE-NO-IMAGING",
            id="headache-red-flag[CHOOSING-WISELY-HEADACHE]",
        ),
        pytest.param(
            ["头颅CT"],
            "晕倒后右侧肢体无力",
            60,
            None,
            [],
            "EXAM-SYNCOPE-NO-HEAD-CT",
            id="syncope-focal[CHOOSING-WISELY-SYNCOPE]",
        ),
    ],
)
def test_exam_rule_quiet(exams, complaint, age, gcs, prior, rule):
    assert rule not in hints(exams, complaint, age, gcs, prior)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("腰痛3天", 3),
        ("腰痛两周", 14),
        ("腰痛2个月", 60),
        ("back pain for 10 days", 10),
        ("腰痛半年", 182.5),
        ("无", None),
    ],
)
def test_duration_days(text, days):
    assert duration_days(text) == days


def test_service_reads_prior_exams_from_the_store(store, admin_session):
    from appliance.services import patients
    from appliance.services._visit_records import save_visit

    pid = patients.add_patient(admin_session, {"name": "赵六", "sex": "M"})["patient_id"]
    save_visit(
        admin_session,
        {
            "patient_id": pid,
            "sign": True,
            "record": {
                "chief_complaint": "头晕3天",  # signing needs a chief complaint and a diagnosis
                "diagnoses": [{"name": "头晕"}],
                "auxiliary_exams": "头颅CT：未见明显异常；血常规正常",
            },
        },
    )
    out = exam_hints_service(
        {"exams": ["头颅CT"], "complaint": "头晕", "age": 60, "patient_id": pid}, store=store
    )
    assert [h["rule"] for h in out["hints"]] == ["EXAM-REPEAT-WITHIN-WINDOW"]
    assert "未见明显异常" in out["hints"][0]["prior"]["result"]


def test_cli_contract(cli):
    r = cli(
        "exams",
        "check",
        "--json",
        stdin={"exams": ["腰椎CT", "某种新检查"], "complaint": "腰痛3天", "age": 30},
    )
    assert r.rc == 0, r.err
    out = r.json()
    assert out["hints"][0]["rule"] == "EXAM-LBP-NO-EARLY-IMAGING" and out["hints"][0]["source"]
    assert out["unrecognised_exams"] == ["某种新检查"]
