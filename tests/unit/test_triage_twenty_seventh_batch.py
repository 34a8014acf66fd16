"""Triage mechanisms of the twenty-seventh #16 batch, read from the outside-written development
sets dev47 (``triage_outside_dev47.toml``: notes that carry lab numbers), dev48
(``triage_outside_dev48.toml``: acute pain in adults) and dev49 (``triage_outside_dev49.toml``:
fever and infection at every age), and from dev44's phoned-in potassium; firing and non-firing
(wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_critical_lab_value_in_the_note_is_level_2() -> None:
    out = run("肾不好，医院打电话说化验出来K 7.1mmol/L，让赶紧来", 66)
    assert out["level"] == 2 and "M-LAB-K-HIGH" in ids(out)
    low_na = run("村医转诊单：血钠 116 mmol/L，精神差", 79)
    assert low_na["level"] <= 2 and "M-LAB-NA-LOW" in ids(low_na)
    plt = run("体检血常规回报血小板 15×10^9/L，腿上有出血点", 40)
    assert plt["level"] <= 2 and "M-LAB-PLT-LOW" in ids(plt)
    # vitamin K is no potassium, and a normal result is nothing
    assert "M-LAB-K-HIGH" not in ids(run("医生让吃维生素K 10mg，来拿药", 50))
    normal = run("来复查，血钾4.2，血钠140，没啥不舒服", 50)
    assert normal["level"] == 4 and not {i for i in ids(normal) if i.startswith("M-LAB")}


def test_an_abnormal_but_not_critical_lab_value_is_a_work_up() -> None:
    k = run("老病号来复查，血钾5.7，没啥不舒服", 63)
    assert k["level"] == 3 and "M-LAB-K-ABNORMAL-HIGH" in ids(k)
    hb = run("这两个月没劲，村里查血红蛋白82g/L", 58)
    assert hb["level"] == 3 and "M-LAB-HB-MODERATE" in ids(hb)
    # children's limits differ: the adult rows do not read them
    assert "M-LAB-K-ABNORMAL-HIGH" not in ids(run("化验血钾5.7", 8))


def test_a_percentage_of_a_vital_sign_is_no_burn_area() -> None:
    after = run("上周肺炎输了液，今天复查，不烧了，指脉氧98%", 54)
    assert not {i for i in ids(after) if i.startswith("M-BURN")} and after["level"] == 4
    febrile = run("发烧了三天，血氧95%，咳嗽", 30)
    assert not {i for i in ids(febrile) if i.startswith("M-BURN")}
    assert "M-BURN-MAJOR" in ids(run("烧伤面积约30%", 30))


def test_a_hot_drink_is_no_scald() -> None:
    tooth = run("后槽牙喝冷水热水都疼，两天了，脸不肿", 45)
    assert tooth["level"] == 4 and not {i for i in ids(tooth) if i.startswith("M-BURN")}
    assert "M-BURN-MODERATE" in ids(run("被热水烫了右手和整条胳膊", 45))


def test_an_acid_burn_needs_contact() -> None:
    assert "C-CHEMICAL-BURN" not in ids(run("尿急尿痛，尿常规亚硝酸盐阳性", 28))
    assert "C-CHEMICAL-BURN" not in ids(run("盐酸二甲双胍吃完了，来开药", 60))
    acid = run("电镀厂的，硫酸溅到手背上，皮肤发白", 35)
    assert acid["level"] <= 2 and "C-CHEMICAL-BURN" in ids(acid)
    hf = run("氢氟酸漏进手套，指头痛得厉害", 30)
    assert "C-CHEMICAL-BURN" in ids(hf)


def test_a_tight_chest_told_apart_is_cardiac() -> None:
    out = run("上个月放了支架，今天下午胸口又发紧", 64)
    assert out["level"] <= 2 and "C-CHEST-PAIN-ACS" in ids(out)
    assert "C-CHEST-PAIN-ACS" not in ids(run("胸口的皮肤发紧发痒，起了疹子", 30))


def test_a_fever_with_both_danger_zone_rates_is_level_2() -> None:
    sick = run("发烧两天，右边腰痛，发冷打颤", 30, vitals={"temp": 39.1, "hr": 116, "rr": 23})
    assert sick["level"] == 2
    reasons = {r["rule"] for r in sick["reasons"]}
    assert "V-FEVER-DANGER-ZONE" in reasons
    pneumonia = run("咳嗽三天，黄痰，发烧", 45, vitals={"temp": 38.6, "hr": 96, "rr": 22})
    assert pneumonia["level"] == 3


def test_a_faint_after_palpitations_is_a_high_risk_syncope() -> None:
    out = run("早上上厕所心里一阵发慌，接着就晕倒了，几秒钟醒过来", 70)
    assert out["level"] == 2 and "C-SYNCOPE-ARRHYTHMIC" in ids(out)
    near = run("心慌了一阵，差点晕倒，现在好了", 40)
    assert "C-SYNCOPE-ARRHYTHMIC" not in ids(near)
    faint = run("站久了晕倒一次，很快就醒了", 25)
    assert "C-SYNCOPE-ARRHYTHMIC" not in ids(faint) and faint["level"] == 3


def test_shock_in_a_child_needs_a_slow_refill_with_cold_or_mottled_skin() -> None:
    shock = run("两个月，发烧一天，不吃奶，皮肤花斑，毛细血管充盈5秒", 0.17)
    assert shock["level"] == 1 and "C-SHOCK" in ids(shock)
    mottled = run("两个月，不吃奶，皮肤花斑，手脚凉", 0.17)
    assert mottled["level"] == 2 and "C-SHOCK" not in ids(mottled)


def test_a_count_of_another_specimen_is_no_blood_value() -> None:
    # found on the own read of the batch: "尿常规白细胞0" had read as agranulocytosis (level 2)
    urine = run("尿常规：白细胞0，红细胞0，尿蛋白阴性，来看结果", 40)
    assert urine["level"] == 4 and not {i for i in ids(urine) if i.startswith("M-LAB")}
    assert "M-LAB-WBC-LOW" not in ids(run("尿检白细胞 1 个/HP", 40))
    assert "M-LAB-NA-LOW" not in ids(run("尿钠 20 mmol/L", 40))
    blood = run("尿常规正常，血常规白细胞0.8，发烧", 40)
    assert "M-LAB-WBC-LOW" in ids(blood)


def test_dengue_with_a_warning_sign_is_level_2() -> None:
    out = run("镇上在闹登革热，烧了四天刚退，今天肚子痛，牙龈出血", 35, vitals={"temp": 37.4})
    assert out["level"] == 2 and "C-DENGUE-WARNING" in ids(out)
    calm = run("确诊登革热第二天，发烧身上酸痛，能吃能喝", 35, vitals={"temp": 38.5})
    assert "C-DENGUE-WARNING" not in ids(calm)


def test_a_meal_told_as_the_moment_of_a_scald_is_still_a_scald() -> None:
    # found on the before-stop read: the drink guard also took "吃饭时被热油溅到" for a drink
    out = run("吃饭时被热油溅到两条胳膊，一大片", 40)
    assert {i for i in ids(out) if i.startswith("M-BURN")}
