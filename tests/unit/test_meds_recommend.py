"""Medication recommendation: guideline first-line options, filtered through every check."""

from __future__ import annotations

import pytest

from appliance.knowledge.catalogs import load_toml, meds_knowledge, recommend_entries
from appliance.services.safety import recommend_meds


def names(out, key="options"):
    return [o["drug"] for o in out[key]]


def test_every_option_is_in_the_formulary_and_cited():
    ids = {d.id for d in meds_knowledge().drugs}
    srcs = load_toml("sources.toml")["sources"]
    for entry in recommend_entries():
        assert entry.options, entry.key
        for key in entry.source.split(";"):
            assert key in srcs, (entry.key, key)
        for option in entry.options:
            assert option.drug in ids, (entry.key, option.drug)


@pytest.mark.parametrize(
    ("diagnosis", "first"),
    [
        pytest.param("原发性高血压", "氨氯地平", id="htn[HTN2018]"),
        pytest.param("2型糖尿病", "二甲双胍", id="t2dm[DM2020]"),
        pytest.param("社区获得性肺炎", "阿莫西林", id="cap[ABX2015]"),
        pytest.param("急性化脓性扁桃体炎", "阿莫西林", id="tonsillitis[ABX2015]"),
        pytest.param("流行性感冒", "奥司他韦", id="flu[FLU2020]"),
        pytest.param("急性膀胱炎", "呋喃妥因", id="cystitis[ABX2015]"),
        pytest.param("痛风急性发作", "秋水仙碱", id="gout[GOUT2016]"),
    ],
)
def test_first_line_for_a_typical_adult(diagnosis, first):
    out = recommend_meds({"diagnosis": diagnosis, "patient": {"age": 45, "sex": "F"}})
    assert names(out)[0] == first
    assert out["guideline"] and all(o["guideline"] for o in out["options"])


def test_common_cold_gets_no_antibiotic():
    out = recommend_meds({"diagnosis": "普通感冒", "patient": {"age": 30}})
    kb = meds_knowledge()
    assert not [n for n in names(out) if kb.index[n].is_antibiotic]
    assert "不使用抗菌药物" in out["note"]


def test_allergy_excludes_penicillins_and_flags_cephalosporin():
    out = recommend_meds(
        {"diagnosis": "社区获得性肺炎", "patient": {"age": 40, "allergies": ["青霉素"]}}
    )
    assert "阿莫西林" in names(out, "excluded") and "阿莫西林" not in names(out)
    assert "阿奇霉素" in names(out)


def test_pregnancy_excludes_raas_blockers():
    out = recommend_meds({"diagnosis": "高血压", "patient": {"age": 30, "pregnant": True}})
    assert {"依那普利", "氯沙坦", "缬沙坦"} <= set(names(out, "excluded"))
    assert "甲基多巴" in names(out)


def test_renal_failure_excludes_metformin():
    out = recommend_meds({"diagnosis": "2型糖尿病", "patient": {"age": 60, "egfr": 20}})
    assert "二甲双胍" in names(out, "excluded")


def test_current_medication_interaction_excludes_option():
    out = recommend_meds(
        {
            "diagnosis": "高脂血症",
            "patient": {"age": 60},
            "current_medications": [{"drug": "克拉霉素"}],
        }
    )
    assert "辛伐他汀" in names(out, "excluded")
    assert "瑞舒伐他汀" in names(out)


def test_child_gets_weight_based_dose_and_no_quinolone():
    out = recommend_meds({"diagnosis": "肺炎", "patient": {"age": 6, "weight_kg": 20}})
    amox = next(o for o in out["options"] if o["drug"] == "阿莫西林")
    assert amox["dose_mg"] == 600
    assert "左氧氟沙星" in names(out, "excluded")


def test_privilege_excludes_restricted_antibiotics():
    out = recommend_meds(
        {
            "diagnosis": "细菌性鼻窦炎",
            "icd10": "J01.9",
            "patient": {"age": 40},
            "prescriber": {"antibiotic_privilege": "non_restricted"},
        }
    )
    assert names(out)  # non-restricted first-line options remain


def test_unknown_diagnosis_is_explicit(cli):
    r = cli("meds", "recommend", "--json", stdin={"diagnosis": "某种罕见病"})
    assert r.rc == 0
    assert r.json()["matched"] is None and r.json()["options"] == []


def test_recommend_cli(cli):
    r = cli(
        "meds",
        "recommend",
        "--json",
        "--no-llm",
        stdin={"diagnosis": "2型糖尿病", "patient": {"age": 60}},
    )
    assert r.rc == 0 and r.json()["options"][0]["drug"] == "二甲双胍"


def test_recommended_doses_sit_inside_the_formulary_limits():
    """Our own first-line regimens must never trip our dose checks."""
    by_id = {d.id: d for d in meds_knowledge().drugs}
    for entry in recommend_entries():
        for o in entry.options:
            d = by_id[o.drug]
            if o.adult_dose_mg is not None and d.adult_dose_max_mg is not None:
                assert o.adult_dose_mg <= d.adult_dose_max_mg, (entry.key, o.drug)
                if d.adult_max_daily_mg is not None and o.frequency_per_day:
                    assert o.adult_dose_mg * o.frequency_per_day <= d.adult_max_daily_mg, (
                        entry.key,
                        o.drug,
                    )
            if o.ped_mg_per_kg is not None and d.ped_dose_mg_per_kg is not None:
                assert o.ped_mg_per_kg <= d.ped_dose_mg_per_kg, (entry.key, o.drug)
                if d.ped_max_daily_mg_per_kg is not None and o.frequency_per_day:
                    assert o.ped_mg_per_kg * o.frequency_per_day <= d.ped_max_daily_mg_per_kg, (
                        entry.key,
                        o.drug,
                    )
