"""Triage mechanisms of the eighteenth #16 batch (from the outside-written development sets dev22,
``triage_outside_dev22.toml``: level-2 situations decided by history, mechanism or context, and
dev23, ``triage_outside_dev23.toml``: one-line registration-desk notes), firing and non-firing
(wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_measures import extract_measures
from appliance.clinical.findings_text import fold
from appliance.clinical.findings_vitals import extract_vitals
from tests.unit._triage_service import ids, run


def test_fever_in_an_immunosuppressed_patient_told_or_measured() -> None:
    chemo = run("乳腺癌化疗病人，上次化疗是9天前，自己说没啥不舒服", 47, vitals={"temp": 38.3})
    assert chemo["level"] == 2 and "C-NEUTROPENIC-FEVER" in ids(chemo)
    spleen = run("三年前车祸把脾切了，今天发冷，烧到39度", 30)
    assert spleen["level"] == 2 and "C-NEUTROPENIC-FEVER" in ids(spleen)
    no_fever = run("化疗后第五天，有点恶心，吃得少", 55, vitals={"temp": 36.8})
    assert "C-NEUTROPENIC-FEVER" not in ids(no_fever)
    steroid = run("吃泼尼松治肾病半年，咳嗽两天，有点发烧", 60, vitals={"temp": 38.0})
    assert "C-NEUTROPENIC-FEVER" not in ids(steroid)


def test_a_shunt_patient_with_headache_and_vomiting() -> None:
    out = run("孩子有脑室腹腔分流管，今天头疼，吐了两次", 7)
    assert out["level"] == 2 and "C-SHUNT-MALFUNCTION" in ids(out)
    check = run("分流管术后来复查，没有不舒服", 7)
    assert "C-SHUNT-MALFUNCTION" not in ids(check)


def test_strangulation_and_a_baby_who_cannot_roll_with_a_bruise() -> None:
    neck = run("昨晚被人掐住脖子，现在嗓子疼", 30, vitals={"pain": 4})
    assert neck["level"] == 2 and "C-STRANGULATION" in ids(neck)
    assert "C-STRANGULATION" not in ids(run("脖子落枕了，转头疼", 30))
    baby = run("两个月的宝宝，还不会翻身，大腿上有一块淤青", 0.17)
    assert baby["level"] == 2 and "C-CHILD-ABUSE-NONMOBILE" in ids(baby)
    toddler = run("一岁半，会走了，摔了一跤膝盖淤青", 1.5)
    assert "C-CHILD-ABUSE-NONMOBILE" not in ids(toddler)


def test_a_rider_thrown_by_a_vehicle_and_a_fall_height_told_in_brackets() -> None:
    thrown = run("骑电动车被面包车撞飞了，自己爬起来的，腿有点疼", 25)
    assert thrown["level"] == 2 and "C-HIGH-RISK-MECHANISM" in ids(thrown)
    fall = extract_measures("fell from a scaffold (about 5 m) and landed on his feet")
    assert fall["fall_height_m"].value == 5
    assert "fall_height_m" not in extract_measures("fell over at home, about 5 min ago")


def test_tablets_counted_loosely_and_a_bottle_drunk() -> None:
    assert extract_measures("吃了二十多片扑热息痛")["tablets"].value == 20
    assert extract_measures("喝了半瓶安眠药")["tablets"].value == 10
    out = run("吵架后吃了二十多片扑热息痛，现在没事", 19)
    assert out["level"] <= 2
    assert "tablets" not in extract_measures("喝了三口水")


def test_one_blood_pressure_number_is_the_systolic() -> None:
    read = extract_vitals("心跳一百八 血压七十 人发飘").values
    assert read["sbp"].value == 70 and "dbp" not in read
    assert read["hr"].value == 180
    assert "sbp" not in extract_vitals("血压高十年，吃着血压药").values
    pair = extract_vitals("血压150/90").values
    assert pair["sbp"].value == 150 and pair["dbp"].value == 90


def test_a_registration_desk_note_separated_by_spaces() -> None:
    assert fold("倒地 没脉") == "倒地，没脉"
    assert fold("血压 一百五") == "血压 一百五"  # a label and its spoken value stay together
    out = run("男58 胸痛后倒地 没脉 村医一路按压", 58)
    assert out["level"] == 1


def test_kussmaul_breathing_in_a_diabetic_and_a_listless_baby() -> None:
    dka = run("糖尿病，这两天吐，大喘气", 16, vitals={"glucose": 28})
    assert dka["level"] <= 2 and "C-DKA-RISK" in ids(dka)
    flat = run("1岁，拉稀一天十几回，蔫了，不爱哭", 1)
    assert flat["level"] <= 2 and "C-CHILD-DANGER-SIGNS" in ids(flat)
    bit = run("2岁，拉肚子一天，有点蔫，还会笑", 2)
    assert "C-CHILD-DANGER-SIGNS" not in ids(bit)


def test_dialysis_chest_ache_going_into_the_jaw() -> None:
    out = run("HD pt, central chest ache since 5 am going into the jaw", 59)
    assert out["level"] == 2 and "C-CHEST-PAIN-ACS" in ids(out)
