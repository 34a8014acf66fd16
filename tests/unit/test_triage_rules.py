"""Triage rules: each vital-sign criterion and each red-flag complaint fires just past its
threshold / on its wording, and stays quiet inside the normal range / when negated.
Test ids carry the rule id and its source key."""

from __future__ import annotations

import pytest

from appliance.clinical.triage import triage_rules
from appliance.clinical.triage_model import TriageRequest
from appliance.knowledge.catalogs import load_toml
from appliance.knowledge.triage_catalog import triage_knowledge

KB = triage_knowledge()
VITALS = load_toml("triage_vitals.toml")
_FINDINGS = load_toml("triage_findings.toml")
_GROUPS = _FINDINGS.get("phrase_groups", {})
# each row with its "@name" phrase groups expanded, as the catalog reads it
COMPLAINTS = [
    {**r, "terms": [w for t in r["terms"] for w in (_GROUPS[t[1:]] if t[0] == "@" else [t])]}
    for r in _FINDINGS["finding"]
]
NORMAL = {"hr": 80, "rr": 16, "sbp": 125, "dbp": 80, "spo2": 98, "gcs": 15, "temp": 36.8,
          "glucose": 5.5, "pain": 0}  # fmt: skip


def run(complaint="头晕一天", age=40.0, **vitals):
    return triage_rules(TriageRequest(age=age, complaint=complaint, vitals=vitals), KB)


def rule_ids(result):
    return {r.rule for r in result.reasons}


def _past(op, value):
    step = 0.1 if isinstance(value, float) and value % 1 else 1
    return {"<": value - step, "<=": value, ">": value + step, ">=": value}[op]


def _vital_cases(section, age):
    for r in VITALS[section]:
        if r["vital"].startswith(("shock_index", "febrile_")):  # derived: tested below
            continue
        yield pytest.param(r, age, id=f"{r['id']}[{r['source'].split(';')[0]}]")


@pytest.mark.parametrize(
    ("hr", "sbp", "level", "rule"),
    [
        pytest.param(128, 72, 1, "V-SHOCK-INDEX-SEVERE", id="SI-1.8-severe[SHOCK-INDEX]"),
        pytest.param(96, 92, 2, "V-SHOCK-INDEX", id="SI-1.04[SHOCK-INDEX]"),
        pytest.param(165, 118, 2, None, id="fast-rhythm-normal-BP-no-SI[SHOCK-INDEX]"),
        pytest.param(140, 95, 2, "V-SHOCK-INDEX", id="SI-1.47-but-SBP-95[SHOCK-INDEX]"),
        pytest.param(80, 95, 3, None, id="SI-0.84-borderline-BP-only[SEPSIS-2018]"),
    ],
)
def test_shock_index_counts_only_with_a_low_blood_pressure(hr, sbp, level, rule):
    result = run(hr=hr, sbp=sbp)
    assert result.level == level
    fired = {r.rule for r in result.reasons if r.rule.startswith("V-SHOCK")}
    assert (rule in fired) if rule else not fired


@pytest.mark.parametrize(
    ("vitals", "age", "level", "rule"),
    [
        pytest.param(
            {"temp": 38.5, "hr": 96}, 68.0, 3, "V-FEVER-SIRS-2", id="fever+HR96[CTAS2016]"
        ),
        pytest.param(
            {"temp": 38.6, "rr": 24}, 40.0, 3, "V-FEVER-SIRS-2", id="fever+RR24[CTAS2016]"
        ),
        pytest.param({"temp": 35.5, "hr": 104}, 80.0, 3, "V-FEVER-SIRS-2", id="cold+HR104[SIRS]"),
        pytest.param({"temp": 38.5, "hr": 88, "rr": 18}, 40.0, 4, None, id="fever-alone[CTAS2016]"),
        pytest.param({"temp": 38.0, "hr": 96}, 40.0, 4, None, id="38.0-is-not-over-38[CTAS2016]"),
        pytest.param({"temp": 37.6, "hr": 110}, 40.0, 4, None, id="no-fever-no-SIRS-row[CTAS2016]"),
        pytest.param({"temp": 38.4, "hr": 96}, 6.0, 4, None, id="child-not-adult-SIRS[CTAS2016]"),
        # a pneumonia with HR 98 and RR 22, alert: three SIRS criteria, still level 3
        pytest.param({"temp": 38.5, "hr": 98, "rr": 22}, 64.0, 3, None, id="3-SIRS-is-3[ESI4]"),
        pytest.param(
            {"temp": 39.2, "hr": 118, "rr": 24, "gcs": 14},
            62.0,
            2,
            "V-FEVER-QSOFA",
            id="fever+RR24+GCS14[SEPSIS-2018]",
        ),
        pytest.param(
            {"temp": 38.8, "rr": 22, "sbp": 98}, 50.0, 2, "V-FEVER-QSOFA", id="fever+RR+SBP[qSOFA]"
        ),
        pytest.param({"temp": 36.8, "rr": 24, "gcs": 14}, 62.0, 3, None, id="qSOFA-needs-fever"),
    ],
)
def test_fever_is_graded_by_sirs_and_qsofa(vitals, age, level, rule):
    result = run(age=age, **vitals)
    assert result.level == level, result.reasons
    fired = {r.rule for r in result.reasons if r.rule.startswith("V-FEVER")}
    if rule:
        assert rule in fired
    if level > 2:
        assert "V-FEVER-QSOFA" not in fired
    if rule is None and level == 4:
        assert not fired


@pytest.mark.parametrize(
    ("rule", "age"), [*_vital_cases("adult", 40), *_vital_cases("any_age", 40)]
)
def test_vital_rule_fires_past_threshold_and_not_when_normal(rule, age):
    vitals = {**NORMAL, rule["vital"]: _past(rule["op"], rule["value"])}
    fired = run(age=age, **vitals)
    assert fired.level <= rule["level"], (fired.level, rule)
    assert any(r.rule.startswith("V-") and r.level <= rule["level"] for r in fired.reasons)
    quiet = run(age=age, **NORMAL)
    assert quiet.level == 4 and rule["id"] not in rule_ids(quiet)


def _complaint_cases():
    for r in COMPLAINTS:
        if not r["terms"]:  # a composite's finding has no words of its own (test_triage_composites)
            continue
        yield pytest.param(r, id=f"{r['id']}[{r['source'].split(';')[0]}]")


def _age_for(rule):
    if "max_age" in rule:
        return min(1.0, rule["max_age"] / 2)
    if "min_age" in rule:
        return rule["min_age"] + 10.0
    return 30.0


def _text_for(rule, term):
    if "with" in rule:
        return f"{term}，{rule['with'][0]}"
    return f"患者{term}" if not term.isascii() else f"patient reports {term}"


@pytest.mark.parametrize("rule", _complaint_cases())
def test_complaint_rule_fires_on_each_wording(rule):
    for term in rule["terms"]:
        result = run(_text_for(rule, term), age=_age_for(rule))
        assert rule["id"] in rule_ids(result) or result.level <= rule["level"], term
        assert result.level <= rule["level"], term


@pytest.mark.parametrize("rule", _complaint_cases())
def test_complaint_rule_quiet_when_negated(rule):
    term = next(t for t in rule["terms"] if not t.isascii())
    negated = f"否认{term}" if "with" not in rule else f"{term}，无{rule['with'][0]}"
    assert rule["id"] not in rule_ids(run(negated, age=_age_for(rule)))
    en = next((t for t in rule["terms"] if t.isascii()), None)
    if en and "with" not in rule:
        assert rule["id"] not in rule_ids(run(f"Denies {en}.", age=_age_for(rule)))


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("无胸痛", False),
        ("否认胸痛、胸闷", False),
        ("无发热、胸痛及呼吸困难", False),
        ("无明显诱因出现胸痛3小时", True),
        ("胸痛无放射", True),
        ("咳嗽，无咳痰，伴胸痛", True),
        ("no chest pain or shortness of breath", False),
        ("chest pain without radiation", True),
        ("denies fever, reports chest pain since morning", True),
    ],
)
def test_negation_scope(text, fires):
    assert ("C-CHEST-PAIN-ACS" in rule_ids(run(text))) is fires


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # "无力"/"无法"/"无反应" state findings; the list after them stays affirmed.
        ("突发右侧肢体无力、口角歪斜、言语不清1小时", "C-STROKE-BEFAST"),
        ("左侧肢体无力2小时", "C-STROKE-BEFAST"),
        ("四肢无力、胸痛30分钟", "C-CHEST-PAIN-ACS"),
        ("无法站立、呼之不应", "C-ARREST-UNRESPONSIVE"),
    ],
    ids=[
        "stroke-list-after-weakness[AHA-BEFAST]",
        "left-weakness[AHA-BEFAST]",
        "chest-pain-after-weakness[ACS-2019]",
        "unresponsive-after-cannot[WS/T390]",
    ],
)
def test_positive_words_with_negation_characters_do_not_negate(text, rule):
    assert rule in rule_ids(run(text, age=71))


def test_child_danger_signs_only_for_young_children():
    assert "C-CHILD-DANGER-SIGNS" in rule_ids(run("发热两天，不吃奶", age=0.5))
    assert "C-CHILD-DANGER-SIGNS" not in rule_ids(run("发热两天，不吃奶", age=30))


@pytest.mark.parametrize(
    ("age", "vitals", "rule", "level"),
    [
        pytest.param(0.1, {"temp": 38.2}, "V-INFANT-FEVER", 2, id="infant-fever[NICE-NG143]"),
        pytest.param(0.5, {"hr": 195}, "P-HR-HIGH-2", 2, id="infant-tachy[PALS2020]"),
        pytest.param(2, {"hr": 55}, "P-HR-BRADY-CRITICAL", 1, id="toddler-brady[PALS2020]"),
        pytest.param(1.5, {"rr": 45}, "P-RR-FAST-3", 3, id="fast-breathing[IMCI]"),
        pytest.param(4, {"sbp": 70}, "P-SBP-HYPOTENSION", 1, id="child-hypotension[PALS2020]"),
        pytest.param(8, {"rr": 42}, "P-RR-HIGH-2", 2, id="school-rr[PALS2020]"),
    ],
)
def test_paediatric_bands_fire(age, vitals, rule, level):
    result = run("发热咳嗽", age=age, **vitals)
    assert rule in rule_ids(result) and result.level <= level


@pytest.mark.parametrize(
    ("age", "vitals"),
    [
        pytest.param(0.5, {"hr": 140, "rr": 40, "temp": 37.5}, id="infant-normal[PALS2020]"),
        pytest.param(2, {"hr": 120, "rr": 30, "sbp": 90}, id="toddler-normal[PALS2020]"),
        pytest.param(8, {"hr": 95, "rr": 22, "sbp": 100}, id="school-normal[PALS2020]"),
        pytest.param(0.5, {"temp": 38.2}, id="no-infant-fever-rule-after-3mo[NICE-NG143]"),
    ],
)
def test_paediatric_normal_ranges_quiet(age, vitals):
    result = run("咳嗽两天", age=age, **vitals)
    assert result.level == 4, [r.rule for r in result.reasons]
    assert result.department_key == "paediatrics"


def test_adult_heart_rate_of_a_child_is_not_judged_by_adult_limits():
    # 150/min is normal-ish for an infant but level 2 for an adult
    assert run("咳嗽", age=0.5, hr=150).level == 4
    assert run("咳嗽", age=40, hr=150).level == 2


def test_outputs_level_1_call_120_and_refer():
    r = run("家属发现患者呼之不应", age=70)
    assert r.level == 1 and r.call_120 and r.refer and r.disposition == "emergency"


def test_departments_for_routine_complaints():
    assert run("牙痛三天").department_key == "dental"
    assert run("月经不调两个月", age=30).department_key == "obgyn"
    assert run("右手擦伤").department_key == "surgery"
    assert run("想打流感疫苗").department_key == "prevention"
    assert run("头晕乏力一周").department_key == "general"


def test_self_care_only_when_nothing_else():
    assert run("感冒，流鼻涕两天").disposition == "self_care"
    assert run("感冒，流鼻涕两天", temp=39.5).disposition == "urgent"
    assert run("感冒，流鼻涕两天", age=80).disposition == "routine"
    # unknown age: could be an infant or a frail elder, so no self-care advice
    assert run("感冒，流鼻涕两天", age=None).disposition == "routine"
    assert "未测生命体征" in run("感冒，流鼻涕两天").reasons[0].text_zh


def test_every_rule_cites_known_sources():
    srcs = load_toml("sources.toml")["sources"]
    rows = [*VITALS["adult"], *VITALS["any_age"], *VITALS["child_band"], *VITALS["pregnancy"]]
    rows += COMPLAINTS
    for r in rows:
        for key in r["source"].split(";"):
            assert key in srcs, (r.get("id", r.get("name")), key)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        pytest.param("陈旧性心梗，来开药", 4, id="old-MI-history[TRIAGE2011]"),
        pytest.param("脑梗后遗症，复诊拿药", 4, id="stroke-sequelae[STROKE-BEFAST]"),
        pytest.param("骨折术后复查", 4, id="fracture-follow-up[TRIAGE2011]"),
        pytest.param("既往哮喘病史，咳嗽两天", 4, id="asthma-history[ASTHMA-EXAC]"),
        pytest.param(
            "history of stroke, here for a refill", 4, id="stroke-history-en[STROKE-BEFAST]"
        ),
        pytest.param(
            "心梗病史，今日再发胸痛", 2, id="history-plus-new-chest-pain[CHEST-PAIN-2019]"
        ),
        pytest.param("突发心梗", 1, id="acute-MI[TRIAGE2011]"),
    ],
)
def test_history_mentions_are_not_acute_events(text, level):
    assert run(text, age=60).level == level


@pytest.mark.parametrize(
    ("vitals", "level"),
    [
        pytest.param({"sbp": 165, "dbp": 100}, 2, id="preg-severe-bp[OBSTETRIC]"),
        pytest.param({"sbp": 150, "dbp": 112}, 2, id="preg-severe-dbp[OBSTETRIC]"),
        pytest.param({"sbp": 145, "dbp": 85}, 3, id="preg-gestational-htn[OBSTETRIC]"),
        pytest.param({"sbp": 118, "dbp": 72}, 4, id="preg-normal-bp-quiet[OBSTETRIC]"),
    ],
)
def test_pregnancy_blood_pressure(vitals, level):
    req = TriageRequest(age=29, pregnant=True, complaint="产检", vitals=vitals)
    assert triage_rules(req, KB).level == level
    not_pregnant = TriageRequest(age=29, complaint="复查", vitals=vitals)
    assert triage_rules(not_pregnant, KB).level >= level
