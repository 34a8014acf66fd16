"""Follow-up planner (国家基本公共卫生服务规范 第三版): every rule fires and stays quiet.
Test ids carry the rule and its source key."""

from __future__ import annotations

from datetime import date

import pytest

from appliance.clinical.followup import FollowupVisit, chronic_conditions, due_status, plan_followup
from appliance.knowledge.catalogs import followup_knowledge

KB = followup_knowledge()
DAY = date(2025, 3, 1)


def plan(cond, age=50, prev=0, **v):
    return plan_followup(
        cond, FollowupVisit(on=DAY, **v), age=age, previous_uncontrolled=prev, kb=KB
    )


@pytest.mark.parametrize(
    ("cond", "kwargs", "rule", "days", "refer"),
    [
        pytest.param(
            "hypertension",
            {"sbp": 132, "dbp": 82},
            "FU-HTN-CONTROLLED",
            90,
            False,
            id="htn-controlled[PHS3-HTN]",
        ),
        pytest.param(
            "hypertension",
            {"sbp": 146, "dbp": 88},
            "FU-HTN-UNCONTROLLED-RECHECK",
            14,
            False,
            id="htn-recheck-2w[PHS3-HTN]",
        ),
        pytest.param(
            "hypertension",
            {"sbp": 152, "dbp": 92, "prev": 1},
            "FU-HTN-REFER-TWO-UNCONTROLLED",
            14,
            True,
            id="htn-two-uncontrolled[PHS3-HTN]",
        ),
        pytest.param(
            "hypertension",
            {"sbp": 185, "dbp": 100},
            "FU-HTN-URGENT-BP",
            14,
            True,
            id="htn-urgent-sbp180[PHS3-HTN]",
        ),
        pytest.param(
            "hypertension",
            {"sbp": 160, "dbp": 112},
            "FU-HTN-URGENT-BP",
            14,
            True,
            id="htn-urgent-dbp110[PHS3-HTN]",
        ),
        pytest.param(
            "hypertension",
            {"sbp": 150, "dbp": 85, "symptoms": "头痛，视物模糊"},
            "FU-HTN-URGENT-SYMPTOM",
            14,
            True,
            id="htn-urgent-symptom[PHS3-HTN]",
        ),
        pytest.param(
            "hypertension",
            {"sbp": 145, "dbp": 85, "age": 70},
            "FU-HTN-CONTROLLED",
            90,
            False,
            id="htn-elderly-150[HTN-ELDERLY]",
        ),
        pytest.param(
            "hypertension",
            {"sbp": 152, "dbp": 85, "age": 70},
            "FU-HTN-UNCONTROLLED-RECHECK",
            14,
            False,
            id="htn-elderly-uncontrolled[HTN-ELDERLY]",
        ),
        pytest.param(
            "hypertension",
            {"sbp": 142, "dbp": 88, "pregnant_or_lactating": True},
            "FU-HTN-URGENT-PREGNANCY",
            14,
            True,
            id="htn-pregnancy[PHS3-HTN]",
        ),
        pytest.param(
            "hypertension", {}, "FU-HTN-NO-MEASUREMENT", 90, False, id="htn-no-data[PHS3-HTN]"
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 6.2},
            "FU-DM-CONTROLLED",
            90,
            False,
            id="dm-controlled[PHS3-DM]",
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 8.1},
            "FU-DM-UNCONTROLLED-RECHECK",
            14,
            False,
            id="dm-recheck[PHS3-DM]",
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 9.0, "prev": 1},
            "FU-DM-REFER-TWO-UNCONTROLLED",
            14,
            True,
            id="dm-two-uncontrolled[PHS3-DM]",
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 17.0},
            "FU-DM-URGENT-GLUCOSE",
            14,
            True,
            id="dm-urgent-high[PHS3-DM]",
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 3.8},
            "FU-DM-URGENT-GLUCOSE",
            14,
            True,
            id="dm-urgent-low[PHS3-DM]",
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 6.0, "hr": 110},
            "FU-DM-URGENT-HR",
            14,
            True,
            id="dm-urgent-hr[PHS3-DM]",
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 6.0, "temp": 39.5},
            "FU-DM-URGENT-FEVER",
            14,
            True,
            id="dm-urgent-fever[PHS3-DM]",
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 6.0, "symptoms": "呼气有烂苹果味，恶心"},
            "FU-DM-URGENT-SYMPTOM",
            14,
            True,
            id="dm-urgent-symptom[PHS3-DM]",
        ),
        pytest.param(
            "diabetes",
            {"fasting_glucose": 6.5, "sbp": 182, "dbp": 95},
            "FU-DM-URGENT-BP",
            14,
            True,
            id="dm-urgent-bp[PHS3-DM]",
        ),
    ],
)
def test_followup_rules(cond, kwargs, rule, days, refer):
    age = kwargs.pop("age", 50)
    prev = kwargs.pop("prev", 0)
    p = plan(cond, age=age, prev=prev, **kwargs)
    assert p.rule == rule
    assert p.interval_days == days and (p.next_due - DAY).days == days
    assert p.refer is refer
    assert "国家基本公共卫生服务规范" in p.source


@pytest.mark.parametrize(
    ("cond", "kwargs"),
    [
        pytest.param(
            "hypertension", {"sbp": 179, "dbp": 109}, id="htn-179-109-not-urgent[PHS3-HTN]"
        ),
        pytest.param(
            "hypertension",
            {"sbp": 130, "dbp": 80, "symptoms": "无头痛，无胸闷"},
            id="htn-negated-symptoms[PHS3-HTN]",
        ),
        pytest.param("diabetes", {"fasting_glucose": 16.6}, id="dm-16.6-not-urgent[PHS3-DM]"),
        pytest.param("diabetes", {"fasting_glucose": 4.0}, id="dm-4.0-not-urgent[PHS3-DM]"),
        pytest.param(
            "diabetes", {"fasting_glucose": 6.0, "hr": 100}, id="dm-hr-100-not-urgent[PHS3-DM]"
        ),
    ],
)
def test_followup_urgent_rules_stay_quiet(cond, kwargs):
    assert not plan(cond, **kwargs).urgent


def test_controlled_visit_resets_the_two_visit_count():
    assert plan("hypertension", prev=1, sbp=130, dbp=80).rule == "FU-HTN-CONTROLLED"


def test_at_least_four_visits_a_year_when_controlled():
    assert 365 // plan("diabetes", fasting_glucose=6.0).interval_days >= 4


@pytest.mark.parametrize(
    ("dx", "expected"),
    [
        ([("原发性高血压", "I10")], ["hypertension"]),
        ([("2型糖尿病", "E11.9")], ["diabetes"]),
        ([("高血压3级", ""), ("2型糖尿病伴周围神经病变", "")], ["hypertension", "diabetes"]),
        ([("1型糖尿病", "")], []),
        ([("急性上呼吸道感染", "J06.9")], []),
        ([("否认高血压", "")], []),
    ],
)
def test_chronic_conditions(dx, expected):
    assert chronic_conditions(dx, KB) == expected


def test_due_status():
    assert due_status(date(2025, 1, 1), date(2025, 1, 2)) == "overdue"
    assert due_status(date(2025, 1, 2), date(2025, 1, 2)) == "due"
    assert due_status(date(2025, 1, 3), date(2025, 1, 2)) is None
