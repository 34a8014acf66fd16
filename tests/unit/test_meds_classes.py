"""Class- and mechanism-keyed medication rules (issue #17): every interaction, count and
patient rule fires on a member of its classes and stays quiet without them or outside the
population its source names; release forms are their own products; model text cannot invent
facts; a 10-drug check stays fast."""

from __future__ import annotations

import statistics
import time
import tomllib
from pathlib import Path

import pytest

from appliance.clinical.meds import check_prescriptions
from appliance.clinical.meds_interact import matches, parse_targets
from appliance.clinical.meds_model import Drug, PatientInfo, PrescriptionItem
from appliance.knowledge.catalogs import formulary, load_toml, meds_knowledge, resolve_drug

KB = meds_knowledge()
SAFE = "paracetamol"  # matches no interaction target


def _member(spec: str, avoid: set[str] = frozenset()) -> Drug:
    for d in KB.drugs:
        if matches(d, spec) and (d.parent or d.id) not in avoid and d.id not in avoid:
            return d
    raise AssertionError(f"no formulary drug matches {spec}")


def _fired(rule_id: str, drugs: list[Drug], **patient: object) -> bool:
    items = [PrescriptionItem(drug=d.name_zh) for d in drugs]
    alerts = check_prescriptions(PatientInfo.model_validate(patient), items, None, knowledge=KB)
    return any(a.rule == rule_id for a in alerts)


def _population(rule) -> dict[str, object]:
    p: dict[str, object] = {"age": 50}
    if rule.min_age is not None:
        p["age"] = rule.min_age + 5
    if rule.egfr_below is not None:
        p["egfr"] = rule.egfr_below - 10
    if rule.sex:
        p["sex"] = rule.sex
    return p


def _cond_terms(spec: str) -> list[str]:
    return [KB.condition_groups[g][0] for g in parse_targets(spec)[2]]


DRUG_RULES = [r for r in KB.interactions if not r.b.startswith("cond:")]
COND_RULES = [r for r in KB.interactions if r.b.startswith("cond:")]


def test_no_safe_drug_is_in_any_interaction():
    safe = resolve_drug("对乙酰氨基酚")
    assert safe is not None and safe.id == SAFE
    assert not any(matches(safe, r.a) or matches(safe, r.b) for r in KB.interactions)


@pytest.mark.parametrize("rule", DRUG_RULES, ids=[r.id for r in DRUG_RULES])
def test_interaction_rule_fires_and_stays_quiet(rule):
    a = _member(rule.a)
    b = _member(rule.b, {a.parent or a.id})
    drugs = [a, b]
    if rule.c:
        drugs.append(_member(rule.c, {a.parent or a.id, b.parent or b.id}))
    pop = _population(rule)
    assert _fired(rule.id, drugs, **pop), (rule.id, [d.id for d in drugs])
    safe = resolve_drug("对乙酰氨基酚")
    assert not _fired(rule.id, [a, safe, *drugs[2:]] if not rule.c else [a, b, safe], **pop)
    if rule.min_age is not None:
        assert not _fired(rule.id, drugs, **{**pop, "age": rule.min_age - 20})
    if rule.egfr_below is not None:
        assert not _fired(rule.id, drugs, **{**pop, "egfr": 90})
    if rule.sex:
        assert not _fired(rule.id, drugs, **{**pop, "sex": "M" if rule.sex == "F" else "F"})
    assert rule.source and all(k.strip() in KB.sources for k in rule.source.split(";"))


@pytest.mark.parametrize("rule", COND_RULES, ids=[r.id for r in COND_RULES])
def test_condition_rule_fires_only_with_the_condition(rule):
    a = _member(rule.a)
    assert _fired(rule.id, [a], age=50, conditions=_cond_terms(rule.b))
    assert not _fired(rule.id, [a], age=50, conditions=["体检"])


@pytest.mark.parametrize("rule", KB.count_rules, ids=[r.id for r in KB.count_rules])
def test_count_rule_fires_at_its_threshold_only(rule):
    members: list[Drug] = []
    for d in KB.drugs:
        if matches(d, rule.target) and all(
            (d.parent or d.id) != (m.parent or m.id) for m in members
        ):
            members.append(d)
        if len(members) == rule.min_count:
            break
    age = (rule.min_age or 40) + 5
    assert _fired(rule.id, members, age=age)
    assert not _fired(rule.id, members[:-1], age=age)
    if rule.min_age is not None:
        assert not _fired(rule.id, members, age=rule.min_age - 25)


PATIENT_RULES = [r for r in KB.patient_rules if r.kind in ("renal", "pregnancy", "age")]


def _patient_for(rule) -> tuple[dict[str, object], dict[str, object]]:
    if rule.kind == "renal":
        return {"age": 50, "egfr": rule.egfr_below - 1}, {"age": 50, "egfr": 120}
    if rule.kind == "pregnancy":
        return {"age": 28, "sex": "F", "pregnant": True}, {"age": 28, "sex": "F"}
    if rule.min_age_years is not None:
        return {"age": rule.min_age_years + 1}, {"age": 40}
    return {"age": rule.below_age_years - 0.5, "weight_kg": 10}, {"age": 40}


@pytest.mark.parametrize("rule", PATIENT_RULES, ids=[r.id for r in PATIENT_RULES])
def test_patient_rule_fires_for_its_population_only(rule):
    drug = (
        _member(rule.target.lstrip("="))
        if rule.target.startswith("=") is False
        else next(d for d in KB.drugs if d.id == rule.target[1:])
    )
    yes, no = _patient_for(rule)
    alerts = check_prescriptions(
        PatientInfo.model_validate(yes), [PrescriptionItem(drug=drug.name_zh)], None, knowledge=KB
    )
    # One finding per drug and kind: this rule or a more severe one of the same kind.
    kind = {"age": "age", "pregnancy": "pregnancy", "renal": "renal"}[rule.kind]
    assert any(a.type == kind and drug.name_zh in a.drugs for a in alerts), rule.id
    quiet = check_prescriptions(
        PatientInfo.model_validate(no), [PrescriptionItem(drug=drug.name_zh)], None, knowledge=KB
    )
    assert not any(a.rule == rule.id for a in quiet)


# ------------------------------------------------------------------ formulary data
def test_formulary_covers_the_essential_list_and_is_cited():
    drugs = formulary()
    assert len(drugs) >= 480 and sum(d.essential for d in drugs) >= 360
    sources = load_toml("sources.toml")["sources"]
    ids = {d.id for d in drugs}
    for d in drugs:
        assert d.atc and d.name_zh and d.inn, d.id
        assert all(k in sources for k in d.source.split(";")), d.id
        assert not d.parent or d.parent in ids, d.id
        assert d.release in ("", "ir", "sr", "cr", "ec"), d.id
    for r in KB.patient_rules:
        assert all(k.strip() in sources for k in r.source.split(";")), r.id


@pytest.mark.parametrize(
    ("name", "product"),
    [
        ("拜新同", "nifedipine_cr"),
        ("硝苯地平控释片", "nifedipine_cr"),
        ("伲福达", "nifedipine_sr"),
        ("硝苯地平片", "nifedipine"),
        ("盐酸吗啡缓释片", "morphine_sr"),
        ("格列齐特缓释片", "gliclazide_mr"),
        ("阿司匹林肠溶片", "aspirin"),
        ("氯化钾缓释片", "potassium_chloride_sr"),
        ("碳酸锂", "lithium"),
        ("加巴喷丁", "gabapentin"),
    ],
)
def test_release_forms_are_their_own_products(name, product):
    drug = resolve_drug(name)
    assert drug is not None and drug.id == product


def _check(patient: dict[str, object], items: list[dict[str, object]]):
    return check_prescriptions(
        PatientInfo.model_validate(patient),
        [PrescriptionItem.model_validate(i) for i in items],
        None,
        knowledge=KB,
    )


def test_release_forms_have_their_own_dose_limits():
    # 拜新同 30 mg once daily is right; the same 30 mg three times a day is not.
    ok = _check({"age": 60}, [{"drug": "拜新同", "dose_mg": 30, "frequency_per_day": 1}])
    assert not [a for a in ok if a.type == "dose"]
    bad = _check({"age": 60}, [{"drug": "拜新同", "dose_mg": 30, "frequency_per_day": 3}])
    assert any(a.rule == "MED-DOSE-FREQUENCY" for a in bad)
    # immediate-release nifedipine: 60 mg in one dose is over its single-dose limit
    ir = _check({"age": 60}, [{"drug": "硝苯地平片", "dose_mg": 60, "frequency_per_day": 1}])
    assert any(a.rule == "MED-DOSE-SINGLE-MAX" for a in ir)


def test_modified_release_without_its_own_row_is_not_judged_on_ir_limits():
    out = _check({"age": 60}, [{"drug": "卡托普利缓释片", "dose_mg": 75, "frequency_per_day": 1}])
    assert [a.rule for a in out if a.type == "dose"] == ["MED-DOSE-RELEASE-UNVERIFIED"]


def test_same_molecule_in_two_release_forms_is_a_duplicate():
    out = _check({"age": 60}, [{"drug": "硝苯地平片"}, {"drug": "拜新同"}])
    assert any(a.type == "duplicate" for a in out)


# ------------------------------------------------------------------ speed
def test_ten_drug_check_p95_under_50ms_cpu():
    names = ["华法林", "胺碘酮", "辛伐他汀", "克拉霉素", "碳酸锂", "依那普利", "呋塞米",
             "布洛芬", "舍曲林", "曲马多"]  # fmt: skip
    items = [PrescriptionItem(drug=n, dose_mg=10, frequency_per_day=1) for n in names]
    patient = PatientInfo.model_validate({"age": 78, "egfr": 40, "allergies": ["青霉素"]})
    check_prescriptions(patient, items, None, knowledge=KB)  # warm caches
    samples = []
    for _ in range(40):
        t0 = time.process_time()
        check_prescriptions(patient, items, None, knowledge=KB)
        samples.append(time.process_time() - t0)
    p95 = statistics.quantiles(samples, n=20)[-1]
    assert p95 < 0.05, f"p95 {p95 * 1000:.1f} ms CPU"


def test_source_dev_set_is_written_from_the_tables():
    text = Path(__file__).parents[1].joinpath("clinical_cases", "meds_source_cases.toml")
    cases = tomllib.loads(text.read_text("utf-8"))["case"]
    assert len(cases) >= 50 and all(c["ref"] for c in cases)
