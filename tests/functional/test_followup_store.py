"""``followup due`` on a real SQCipher store: the plans the box computes when a visit is signed
come back when due, with the rule; chronic patients without a plan are listed for enrolment;
the CLI contract holds.

The box computes the plan itself (a plan a client sends is ignored), as of the day of the
visit: "a month later" is asked of ``followup due`` with its date (``--date``)."""

from __future__ import annotations

from datetime import date, timedelta

from appliance.services import patients
from appliance.services._visit_records import save_visit
from appliance.services.safety import followup_due, followup_plan


def a_month_later() -> date:
    """30 days after today, read when the test runs (a module constant read at collection went
    stale when the suite crossed midnight: overdue by 15 days instead of 16)."""
    return date.today() + timedelta(days=30)


def _visit(session, pid, record, *, sign=True):
    record = {"chief_complaint": "慢病随访", **record}  # a signed record needs a chief complaint
    return save_visit(session, {"patient_id": pid, "record": record, "sign": sign})


def _setup(admin_session):
    a = patients.add_patient(
        admin_session, {"name": "张三", "sex": "M", "birth_date": "1950-02-03"}
    )["patient_id"]
    b = patients.add_patient(
        admin_session, {"name": "李四", "sex": "F", "birth_date": "1960-05-06"}
    )["patient_id"]
    c = patients.add_patient(
        admin_session, {"name": "王五", "sex": "M", "birth_date": "1970-01-01"}
    )["patient_id"]
    htn = {
        "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],
        "vitals": {"sbp": 150, "dbp": 95},
    }
    plan_a = _visit(admin_session, a, htn)["followup_plan"]  # the box's plan
    assert plan_a["rule"] == "FU-HTN-UNCONTROLLED-RECHECK"
    dm = {"diagnoses": [{"name": "2型糖尿病", "icd10": "E11.9"}], "vitals": {"glucose": 6.1}}
    _visit(admin_session, b, dm)  # due in 90 days
    _visit(admin_session, c, htn, sign=False)  # diagnosed, never planned (a draft has no plan)
    return a, b, c


def test_followup_due_lists_due_overdue_and_unplanned(store, admin_session):
    a, b, c = _setup(admin_session)
    out = followup_due(store, session=admin_session, today=a_month_later())
    by_patient = {i["patient_id"]: i for i in out["patients"]}
    assert by_patient[a]["status"] == "uncontrolled" and by_patient[a]["overdue"]
    assert by_patient[a]["overdue_days"] == 16
    assert by_patient[a]["rule"] == "FU-HTN-UNCONTROLLED-RECHECK" and by_patient[a]["source"]
    assert by_patient[a]["name"] == "张三"
    assert b not in by_patient
    assert by_patient[c]["rule"] == "FU-ENROL-NO-PLAN"
    later = followup_due(store, today=date.today() + timedelta(days=91))
    assert b in {i["patient_id"] for i in later["patients"]}


def test_second_uncontrolled_visit_refers_using_store_history(store, admin_session):
    a, _, _ = _setup(admin_session)
    htn = {"diagnoses": [{"name": "高血压", "icd10": "I10"}], "vitals": {"sbp": 155, "dbp": 96}}
    plan = followup_plan({"patient_id": a, "age": 75}, htn, store=store)
    assert plan["rule"] == "FU-HTN-REFER-TWO-UNCONTROLLED" and plan["refer"] is True


def test_followup_due_cli(cli, store_env, store_settings):
    from appliance.services.session import system_session
    from appliance.store import open_store
    from tests._fixtures.store import PASSPHRASE

    with open_store(store_settings, PASSPHRASE) as store:
        _setup(system_session(store))
    r = cli("followup", "due", "--json", "--no-llm", "--date", a_month_later().isoformat())
    assert r.rc == 0, r.err
    out = r.json()
    assert {i["rule"] for i in out["patients"]} >= {
        "FU-HTN-UNCONTROLLED-RECHECK",
        "FU-ENROL-NO-PLAN",
    }
    for item in out["patients"]:
        assert {"patient_id", "condition", "due_date", "status", "rule", "source"} <= set(item)


def test_followup_due_cli_locked_store_is_a_clean_error(cli, data_dir):
    r = cli("followup", "due", "--json")
    assert r.rc != 0 and "Traceback" not in r.err
    assert r.error()["code"]


def test_followup_plan_cli(cli):
    r = cli(
        "followup",
        "plan",
        "--json",
        stdin={
            "patient": {"age": 60},
            "record": {
                "diagnoses": [{"name": "2型糖尿病", "icd10": "E11"}],
                "vitals": {"glucose": 18},
            },
        },
    )
    assert r.rc == 0, r.err
    assert r.json()["rule"] == "FU-DM-URGENT-GLUCOSE" and r.json()["refer"] is True


def test_an_amendment_does_not_count_its_own_visit_as_the_previous_one(store, admin_session):
    from appliance.services.visits import amend_visit

    pid = patients.add_patient(
        admin_session, {"name": "赵六", "sex": "M", "birth_date": "1970-01-01"}
    )["patient_id"]
    htn = {
        "chief_complaint": "慢病随访",
        "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],
        "vitals": {"sbp": 150, "dbp": 95},
    }
    first = _visit(admin_session, pid, htn)
    assert first["followup_plan"]["rule"] == "FU-HTN-UNCONTROLLED-RECHECK"
    corrected = {**htn, "treatment_plan": "调整降压药，2周后复查血压"}
    amended = amend_visit(admin_session, first["visit_id"], corrected, "补充治疗方案")
    assert amended["status"] == "amended"
    assert amended["followup_plan"]["rule"] == "FU-HTN-UNCONTROLLED-RECHECK"  # still one visit
    second = _visit(admin_session, pid, htn)  # the next uncontrolled visit: refer
    assert second["followup_plan"]["rule"] == "FU-HTN-REFER-TWO-UNCONTROLLED"
