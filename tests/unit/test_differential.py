"""The pure differential scorer on hand-made conditions and facts (no data files)."""

from __future__ import annotations

from appliance.clinical.differential import ConditionDef, FindingDef, assess, rank
from appliance.clinical.differential_facts import Facts, parse_measures

NAMES = {f: FindingDef(f, f"<{f}>") for f in
         ("cough", "fever", "crackles", "chest_pain", "sweat", "rash", "exposure", "shock", "preg")}  # fmt: skip


def cond(cid: str, **kw: object) -> ConditionDef:
    base: dict[str, object] = dict(
        id=cid, name=cid.upper(), icd10="X00", scope="township", key=("cough",),
        findings_for={"cough": 3.0, "fever": 2.0}, findings_against={}, tests=("t",),
        manage="m", referral="r", source="S",
    )  # fmt: skip
    base.update(kw)
    return ConditionDef(**base)  # type: ignore[arg-type]


def facts(*affirmed: str, negated: tuple[str, ...] = (), **numbers: float) -> Facts:
    return Facts({f: f for f in affirmed}, set(negated), dict(numbers))


def test_key_finding_is_needed_and_denials_count_against() -> None:
    c = cond("a")
    assert rank((c,), facts("fever"), NAMES) == []  # no cardinal finding → not a candidate
    with_fever = rank((c,), facts("cough", "fever"), NAMES)[0]
    denied = rank((c,), facts("cough", negated=("fever",)), NAMES)[0]
    assert with_fever.score == 5 and denied.score == 2
    assert denied.found_against == ["无<fever>"]


def test_against_findings_and_ordering() -> None:
    a = cond("a", findings_against={"rash": 2.0})
    b = cond("b", findings_for={"cough": 3.0, "rash": 1.0})
    ranked = rank((a, b), facts("cough", "fever", "rash"), NAMES)
    assert [s.condition.id for s in ranked] == ["b", "a"]
    assert ranked[1].found_against == ["<rash>"]


def test_sex_age_and_require_any_exclude() -> None:
    c = cond("p", sex="F", age=(12.0, 55.0), require_any=("preg",))
    assert rank((c,), Facts({"cough": "x", "preg": "x"}, set(), {"age": 30}, "M"), NAMES) == []
    assert rank((c,), Facts({"cough": "x", "preg": "x"}, set(), {"age": 70}, "F"), NAMES) == []
    assert rank((c,), Facts({"cough": "x"}, set(), {"age": 30}, "F"), NAMES) == []
    assert rank((c,), Facts({"cough": "x", "preg": "x"}, set(), {"age": 30}, "F"), NAMES)


def test_must_not_miss_refers_at_its_alarm_level_whatever_its_rank() -> None:
    common = cond("common", key=("cough",), findings_for={"cough": 3.0, "fever": 2.0,
                                                          "crackles": 4.0})  # fmt: skip
    mi = cond("mi", scope="refer", must_not_miss=True, alarm=4.0, key=("chest_pain",),
              findings_for={"chest_pain": 3.0, "sweat": 2.0})  # fmt: skip
    quiet = assess((common, mi), facts("cough", "fever", "crackles", "chest_pain"), NAMES)
    assert not quiet.refer and quiet.must_not_miss == []
    loud = assess((common, mi), facts("cough", "fever", "crackles", "chest_pain", "sweat"), NAMES)
    assert loud.ranked[0].condition.id == "common"
    assert [s.condition.id for s in loud.must_not_miss] == ["mi"]
    assert loud.refer and "MI" in loud.refer_reasons[0]


def test_beyond_township_refers_only_when_close_to_the_lead() -> None:
    lead = cond("lead", findings_for={"cough": 3.0, "fever": 2.0, "crackles": 5.0})
    far = cond("far", scope="refer", findings_for={"cough": 3.0})
    assert not assess((lead, far), facts("cough", "fever", "crackles"), NAMES).refer
    assert assess((far,), facts("cough"), NAMES).refer  # leading → refers


def test_township_referral_criteria_and_danger_signs() -> None:
    c = cond("a", refer_if=("crackles",))
    assert not assess((c,), facts("cough", "fever"), NAMES).refer
    crit = assess((c,), facts("cough", "fever", "crackles"), NAMES)
    assert crit.refer and "<crackles>" in crit.refer_reasons[0]
    danger = assess((c,), facts("cough", "fever", "shock"), NAMES, danger_signs=("shock",))
    assert danger.refer and "危险征象" in danger.refer_reasons[-1]


def test_thin_findings_ask_for_the_strongest_missing_ones() -> None:
    c = cond("a", findings_for={"cough": 3.0, "fever": 2.0, "crackles": 4.0, "rash": 1.0})
    thin = assess((c,), facts("cough"), NAMES)
    assert thin.thin and thin.ask[:2] == ["<crackles>", "<fever>"]  # strongest first, not rash
    asked = assess((c,), facts("cough", negated=("crackles",)), NAMES)
    assert "<crackles>" not in asked.ask  # already examined


def test_measures_parse_and_hold() -> None:
    (low_sbp, low_dbp) = parse_measures("sbp<90|dbp<60")
    assert low_sbp.holds({"sbp": 85}) and not low_sbp.holds({"sbp": 95})
    assert low_dbp.holds({"dbp": 50}) and not low_dbp.holds({})


def test_unexplained_objective_abnormalities_refer() -> None:
    names = {
        **NAMES,
        "jaundice": FindingDef("jaundice", "黄疸"),
        "mass": FindingDef("mass", "包块"),
    }
    c = cond("a")
    one = assess((c,), facts("cough", "fever", "jaundice"), names, unexplained=("jaundice", "mass"))
    assert not one.refer
    two = assess((c,), facts("cough", "jaundice", "mass"), names, unexplained=("jaundice", "mass"))
    assert two.refer and "不能用A解释" in two.refer_reasons[0]
    explained = cond("a", findings_for={"cough": 3.0, "jaundice": 2.0, "mass": 2.0})
    ok = assess((explained,), facts("cough", "jaundice", "mass"), names,
                unexplained=("jaundice", "mass"))  # fmt: skip
    assert not ok.refer


def test_site_and_quality_apart_in_one_clause() -> None:
    from appliance.clinical.findings_near import NearRule, arm_pressure_gap, near_findings

    rules = (NearRule("chest_pain", ("胸骨后", "胸部"), ("痛", "疼", "闷")),
             NearRule("rlq_pain", ("右下腹",), ("痛", "疼")))  # fmt: skip
    found = near_findings("突发胸骨后及背部持续性剧烈疼痛，无右下腹疼痛。否认胸部闷", rules)
    assert found["chest_pain"] == ("胸骨后及背部持续性剧烈疼", False)
    assert found["rlq_pain"][1] is True  # denied
    assert near_findings("胸部CT未见异常，腹痛", rules) == {}  # different clause, no head nearby
    assert arm_pressure_gap("左上肢BP 180/100mmHg，右上肢BP 150/90mmHg") == 30
    assert arm_pressure_gap("BP 120/80mmHg") is None


def test_durations_after_a_symptom() -> None:
    from appliance.clinical.findings_near import DurationRule, duration_findings

    rules = (DurationRule("chronic", ("咳嗽",), 56), DurationRule("two_weeks", ("咳嗽",), 14),
             DurationRule("stiff", ("晨僵",), 1 / 24))  # fmt: skip
    assert set(duration_findings("反复咳嗽、咳痰10余年，加重1周", rules)) == {
        "chronic",
        "two_weeks",
    }
    assert duration_findings("咳嗽一个月", rules) == {"two_weeks": "咳嗽一个月"}
    assert duration_findings("咳嗽3天", rules) == {}
    assert duration_findings("无咳嗽3年", rules) == {}  # denied
    assert duration_findings("晨僵约2小时", rules) == {"stiff": "晨僵约2小时"}
    assert duration_findings("晨僵10分钟", rules) == {}


def test_near_findings_are_denied_by_a_negation_between_or_a_negative_result_after() -> None:
    from appliance.clinical.findings_near import NearRule, near_findings

    rules = (NearRule("flank", ("肾区",), ("叩击痛", "叩痛")),
             NearRule("ua", ("尿常规",), ("白细胞",), window=10))  # fmt: skip
    assert near_findings("双肾区无叩击痛", rules)["flank"][1] is True
    assert near_findings("右肾区叩击痛阳性", rules)["flank"][1] is False
    assert near_findings("尿常规：白细胞（-）", rules)["ua"][1] is True
    assert near_findings("尿常规：白细胞（+++）", rules)["ua"][1] is False
