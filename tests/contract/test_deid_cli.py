"""`clinicbox deid --json` per the contract in DESIGN.md."""

from __future__ import annotations

PATIENT = {
    "name": "张伟",
    "sex": "M",
    "birth_date": "1958-03-02",
    "id_number": "11010519491231002X",
    "phone": "13812345678",
    "address": "浙江省杭州市淳安县千岛湖镇青溪村3组12号",
}
RECORD = {
    "chief_complaint": "头痛3天",
    "present_illness": "患者张伟2024年3月5日起头痛，其子李强陪同，电话13912345678。",
    "past_history": "高血压10年",
    "allergy_history": "青霉素过敏",
    "personal_history": "",
    "physical_exam": "BP 150/95mmHg",
    "auxiliary_exams": "",
    "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],
    "treatment_plan": "氨氯地平5mg qd",
    "prescriptions": [{"drug": "氨氯地平", "dose_mg": 5, "frequency_per_day": 1, "route": "po"}],
    "vitals": {"sbp": 150, "dbp": 95},
}


def test_deid_contract_shape_and_no_identifiers(cli):
    r = cli("deid", "--json", stdin={"patient": PATIENT, "record": RECORD})
    assert r.rc == 0, r.err
    out = r.json()
    assert set(out) == {"patient", "record", "deid"}
    assert set(out["record"]) == set(RECORD)
    assert set(PATIENT) <= set(out["patient"])
    assert out["deid"]["replaced"] >= 8 and out["deid"]["method"]
    text = r.out
    for value in (
        "张伟",
        "11010519491231002X",
        "13812345678",
        "13912345678",
        "李强",
        "青溪村",
        "2024年3月5日",
    ):
        assert value not in text
    assert out["record"]["diagnoses"] == RECORD["diagnoses"]
    assert out["record"]["vitals"] == RECORD["vitals"]
    assert out["patient"]["address"] == "浙江省杭州市淳安县"


def test_deid_pseudonym_stable_across_runs(cli):
    a = cli("deid", "--json", stdin={"patient": PATIENT, "record": {}}).json()
    b = cli("deid", "--json", stdin={"patient": PATIENT, "record": {}}).json()
    assert a["patient"]["name"] == b["patient"]["name"] == a["deid"]["pseudonym"]


def test_deid_bad_input_clear_error(cli):
    r = cli("deid", "--json", stdin="[1, 2]")
    assert r.rc == 2
    assert r.error()["code"] == "bad_input"
    r = cli("--lang", "en", "deid", "--json", stdin='{"patient": "x"}')
    assert r.rc == 2 and "patient" in r.error()["message"]
    assert "Traceback" not in r.err
