"""Triage mechanisms of the fortieth #16 batch, read from the outside-written development sets
dev85 (``triage_outside_dev85.toml``: the Guizhou karst plateau), dev86
(``triage_outside_dev86.toml``: adults living with a long-term illness) and dev87
(``triage_outside_dev87.toml``: the night shift); firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_text import fold
from appliance.clinical.triage_semantic import clauses, denies_term
from tests.unit._triage_service import ids, run


def test_south_western_durative_qi_folds_to_zhe() -> None:
    assert fold("捏起也止不住") == "捏着也止不住"
    assert fold("活起没得意思") == "活着没得意思"
    # 起 as "up" and in fixed words stays
    assert fold("站起来") == "站起来" and fold("一起吃饭") == "一起吃饭"
    assert fold("坐起来就晕") == "坐起来就晕"


def test_life_not_worth_living_in_plain_and_dialect_words() -> None:
    out = run("跟家里吵了架，哭起说活起没得意思", 30)
    assert out["level"] == 2 and "C-SUICIDE-RISK" in ids(out)
    assert "C-SUICIDE-RISK" not in ids(run("退休了，说活着还挺有意思", 65))


def test_a_wish_not_to_wake_is_outside_the_semantic_bank() -> None:
    out = run("最近老说想睡着就不醒了", 50)
    assert out["level"] == 2 and "C-SUICIDE-RISK" in ids(out)
    # sleeplessness is no wish to die and no lowered consciousness
    sleepless = run("这半个月早上四五点就醒，醒了就睡不着", 50)
    assert sleepless["level"] == 4
    assert not {"C-SUICIDE-RISK", "C-ALTERED-CONSCIOUSNESS"} & ids(sleepless)


def test_a_semantic_match_is_refused_when_the_clause_negates_its_term() -> None:
    assert denies_term(fold("看东西不重影"), "看东西重影")
    assert not denies_term(fold("说不出话"), "说不出话")  # the term's own negation
    assert not denies_term(fold("看东西重影"), "看东西重影")
    assert clauses("看东西不重影")  # the clause itself is still read


def test_a_weapon_and_a_chase() -> None:
    out = run("停药以后整夜不睡，今天拿菜刀追他妈", 30)
    assert out["level"] == 2 and "C-VIOLENT-AGITATION" in ids(out)


def test_indrawing_above_the_collarbone_and_a_duck_cough() -> None:
    out = run("两岁，咳嗽像鸭子叫，吸气的时候锁骨上面往下凹", 2)
    assert out["level"] == 2 and "C-CHEST-INDRAWING" in ids(out) and "C-CROUP" in ids(out)
    mild = run("四岁，晚上咳得像鸭子叫，安静的时候喉咙不响，还在玩", 4)
    assert mild["level"] == 4


def test_an_asthma_attack_with_speech_cut_short_and_low_oxygen() -> None:
    out = run("哮喘犯了，喷了药不管用，一句话说不全", 25, vitals={"spo2": 86})
    assert out["level"] == 1 and "C-RESP-DISTRESS-SEVERE" in ids(out)


def test_an_eye_struck_that_sees_only_a_blur() -> None:
    out = run("被石头砸到左眼，左眼看东西一片模糊", 30)
    assert out["level"] == 2 and "C-EYE-EMERGENCY" in ids(out)


def test_something_in_the_eye_with_sight_unchanged() -> None:
    out = run("骑车有虫子飞进了右眼，磨得慌，看东西没影响", 30)
    assert out["level"] == 4 and "N-EYE-EAR-MINOR" in ids(out)
    metal = run("打磨铁件有铁屑崩进了右眼，看东西没影响", 30)
    assert metal["level"] <= 3 and "N-EYE-EAR-MINOR" not in ids(metal)


def test_mosquito_bites_all_over_are_no_mass_stings() -> None:
    assert "C-MASS-STINGS" not in ids(run("在河边被蚊子叮了一身包，痒", 20))
    assert "C-MASS-STINGS" in ids(run("被马蜂蜇了十几下", 20))


def test_a_nosebleed_not_stopping_told_across_the_hour() -> None:
    out = run("鼻子流血流了一个多钟头，捏起也止不住", 60)
    assert out["level"] == 3 and "C-EPISTAXIS-ACTIVE" in ids(out)


def test_renal_colic_in_plain_words() -> None:
    out = run("右边腰一阵一阵绞着疼，尿有点红", 40)
    assert out["level"] == 3 and "C-ACUTE-ABDOMINAL-PAIN" in ids(out)
    stone = run("腰部阵发性胀痛，以前得过结石", 40)
    assert stone["level"] == 3 and "C-ACUTE-ABDOMINAL-PAIN" in ids(stone)
    # colicky loin pain alone, or tiredness, is not renal colic
    assert "C-ACUTE-ABDOMINAL-PAIN" not in ids(run("腰上一阵阵酸痛，干活累的", 40))


def test_a_quiet_fistula_and_a_swollen_arm_with_a_line() -> None:
    out = run("透析的，内瘘今天摸不到震颤了", 60)
    assert out["level"] == 3 and "C-DIALYSIS-ACCESS-CLOTTED" in ids(out)
    line = run("带着PICC管化疗，这两天左胳膊肿起来了", 55)
    assert line["level"] == 3 and "C-DVT-SUSPECTED" in ids(line)
    assert "C-DVT-SUSPECTED" not in ids(run("胳膊肿了一个包，蚊子咬的", 40))


def test_a_sign_read_to_the_sentence_end_passes_a_list_comma() -> None:
    # 、 lists within a sentence; it no longer ends the reach of a site's sign
    out = run("右眼被树枝戳了，又红、又肿、看不见", 40)
    assert "N-EYE-CANNOT-SEE" in ids(out)
    assert "N-EYE-CANNOT-SEE" not in ids(run("右眼被树枝戳了。左边那个人看不见", 40))


def test_a_glucose_read_several_times() -> None:
    out = run("血糖仪测了好几回都二十几，口干", 58)
    assert out["vitals_used"]["glucose"]["value"] >= 20


def test_a_scald_of_the_chest_and_arm_in_south_western_words() -> None:
    out = run("胸口和右手杆烫起大泡，皮都脱了", 4)
    assert out["level"] == 2


def test_waking_breathless_is_no_sleeplessness() -> None:
    # the sleeplessness guard names sleeplessness only: waking to breathlessness is still read
    out = run("半夜醒了就喘不上来，要坐起来才好", 70)
    assert out["level"] <= 2 and "C-DYSPNOEA" in ids(out)
