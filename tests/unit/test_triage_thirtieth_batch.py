"""Triage mechanisms of the thirtieth #16 batch, read from the outside-written development sets
dev56 (``triage_outside_dev56.toml``: problems with medicines), dev57
(``triage_outside_dev57.toml``: skin, eyes, ears, nose, throat and teeth) and dev58
(``triage_outside_dev58.toml``: heart, blood pressure and chest); firing and non-firing (wording
ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_drooling_with_noisy_breathing_is_an_airway_closing() -> None:
    out = run("高烧半天，嘴张着流口水，喘气有嘶嘶声", 3)
    assert out["level"] == 1 and "C-AIRWAY-OBSTRUCTION-IMMINENT" in ids(out)
    # an asthmatic leaning forward with a wheeze is no closing upper airway
    asthma = run("哮喘，喘了一夜，往前趴着坐，喘气呼呼响", 9)
    assert "C-AIRWAY-OBSTRUCTION-IMMINENT" not in ids(asthma)


def test_a_tongue_pushed_up_with_drooling_closes_the_airway_only_when_saturation_falls() -> None:
    told = "牙痛一个星期，下巴底下到脖子都肿硬了，舌头被顶起来，口水咽不下去"
    low = run(told, 46, vitals={"spo2": 88})
    assert low["level"] == 1 and "C-AIRWAY-OBSTRUCTION-IMMINENT" in ids(low)
    ok = run(told, 46, vitals={"spo2": 97})
    assert "C-AIRWAY-OBSTRUCTION-IMMINENT" not in ids(ok) and ok["level"] == 2


def test_swelling_or_hives_with_breathing_and_circulation_signs_is_anaphylaxis() -> None:
    lips = run("吃降压药，今早嘴唇肿，喘气有响声", 67)
    assert lips["level"] == 1 and "C-ANAPHYLAXIS" in ids(lips)
    hives = run("吃了花生饼干，满身起疹子，喘气嘶嘶响，现在叫不太醒", 4)
    assert hives["level"] == 1 and "C-ANAPHYLAXIS" in ids(hives)
    itch = run("身上起疹子，痒，喘气不费劲", 30)
    assert "C-ANAPHYLAXIS" not in ids(itch)


def test_blisters_with_the_mouth_or_eyes_taken_after_a_drug_is_sjs() -> None:
    out = run("吃卡马西平半个月，全身起红斑起水疱，一碰皮就掉，嘴里全烂了，眼睛红", 47)
    assert out["level"] == 2 and "C-SEVERE-DRUG-REACTION" in ids(out)
    hfm = run("手上脚上起水疱，嘴里烂了", 3)  # hand-foot-mouth in a toddler
    assert "C-SEVERE-DRUG-REACTION" not in ids(hfm)


def test_aconite_taken_with_numbness_or_palpitations() -> None:
    out = run("附子泡酒喝了一小杯，嘴皮子发麻，心慌", 45)
    assert out["level"] == 2 and "C-ACONITE-POISONING" in ids(out)
    assert "C-ACONITE-POISONING" not in ids(run("问问附子能不能泡酒", 45))


def test_a_toddler_who_drank_camphor_oil_but_not_washing_up_liquid() -> None:
    out = run("一岁半的娃把风油精喝了几口，吐了一回", 1.5)
    assert out["level"] == 2 and "C-CHILD-INGESTION" in ids(out)
    soap = run("三岁，喝了一口洗洁精，吐了点泡泡，现在没事了", 3)
    assert "C-CHILD-INGESTION" not in ids(soap)


def test_an_antithyroid_drug_with_a_fever_is_agranulocytosis_until_counted() -> None:
    out = run("甲亢吃甲巯咪唑两个月，这三天喉咙痛，发烧39度多", 57)
    assert out["level"] == 2 and "C-NEUTROPENIC-FEVER" in ids(out)
    assert run("甲亢吃甲巯咪唑，来开药，没发烧", 57)["level"] >= 3


def test_a_nosebleed_on_warfarin_not_a_little_gum_blood() -> None:
    nose = run("房颤吃华法林，今早鼻子流血流了二十来分钟才止住", 71)
    assert nose["level"] == 3 and "C-ANTICOAG-MUCOSAL-BLEED" in ids(nose)
    gums = run("吃华法林，刷牙牙龈出一点血，别的没事", 72)
    assert "C-ANTICOAG-MUCOSAL-BLEED" not in ids(gums)


def test_prevention_and_a_relative_s_death_are_no_heart_attack() -> None:
    ask = run("听人说吃阿司匹林能防心梗，想问问该不该吃", 55)
    assert "C-KNOWN-MI" not in ids(ask) and ask["level"] == 4
    family = run("吃完火锅胸口烧得慌，泛酸水，他爸五十多岁心梗走的", 40)
    assert "C-KNOWN-MI" not in ids(family)
    assert "C-KNOWN-MI" in ids(run("昨天县医院说是心梗，今天又胸痛", 60))
    # 走的 in the middle of a clause is walking, not dying
    walking = run("他妈说他走的时候晕倒了", 40)
    assert "N-SYNCOPE-TOLD" in ids(walking)
    # a vaccination (预防针) is an event: what follows it is real
    jab = run("打了预防针后发烧抽了一下", 1)
    assert "C-SEIZURE" in ids(jab) and jab["level"] <= 2


def test_an_implanted_defibrillator_is_no_resuscitation() -> None:
    out = run("身上装了除颤器，今天被电了三下，人是清醒的", 61)
    assert "C-CPR-IN-PROGRESS" not in ids(out) and out["level"] == 2


def test_gasping_now_and_then_is_agonal_breathing() -> None:
    out = run("刚才还说胸口痛，坐下就不动了，隔好半天才倒一口气", 58)
    assert out["level"] == 1 and "C-ARREST-UNRESPONSIVE" in ids(out)


def test_a_near_fall_is_no_faint() -> None:
    out = run("上厕所站起来差点栽倒，扶着门框才没倒", 76)
    assert "N-SYNCOPE-TOLD" not in ids(out) and "N-FALL-TOLD" not in ids(out)


def test_a_seizure_told_as_once_or_a_while() -> None:
    out = run("有癫痫，药断了五六天，今早抽了一回，两三分钟就停了，现在清醒", 30)
    assert "N-SEIZURE-RESOLVED" in ids(out) and out["level"] == 3


def test_chest_pain_made_by_moving_in_a_young_adult_is_chest_wall() -> None:
    out = run("前天搬家，今天左边胸口扭身子也痛，别的没啥", 34)
    assert "N-CHEST-WALL-PAIN" in ids(out) and out["level"] == 4


def test_ramsay_hunt_is_no_bells_palsy() -> None:
    out = run("右耳朵疼了三天，今天右边脸歪了，眼睛闭不严，耳朵眼里有小水疱", 62)
    assert "N-BELLS-PALSY" not in ids(out) and out["level"] == 2
    bell = run("今早右边脸歪了，额头皱不起来，眼睛闭不严，别的都好", 40)
    assert "N-BELLS-PALSY" in ids(bell)


def test_shingles_on_the_forehead_threatens_the_eye() -> None:
    out = run("左边额头到头顶起了一串水疱，疼了三天", 68)
    assert out["level"] == 3 and "C-ZOSTER-EYE" in ids(out)
    waist = run("左边腰上起了一串小水泡，针扎一样痛，眼睛脸上都没有", 52)
    assert "C-ZOSTER-EYE" not in ids(waist) and waist["level"] == 4
    chemo = run("正在做化疗，腰上长了带状疱疹", 59)
    assert chemo["level"] == 3 and "C-COMORBID-NEW-SYMPTOM" in ids(chemo)


def test_a_permanent_tooth_knocked_out() -> None:
    out = run("骑车摔了，门牙整颗磕掉了，拿牛奶泡着带来的", 9)
    assert out["level"] == 3 and "C-TOOTH-AVULSION" in ids(out)
    baby = run("摔了一跤，门牙整颗磕掉了", 3)  # a milk tooth is not replanted
    assert "C-TOOTH-AVULSION" not in ids(baby)


def test_a_red_streak_or_an_infected_wound_with_fever() -> None:
    streak = run("手背挂了三天水，现在从针眼往上一条红线，胳膊又肿又痛", 42)
    assert streak["level"] == 3 and "C-LYMPHANGITIS" in ids(streak)
    wound = run("上个月装的起搏器，刀口这几天红肿流黄水，今天发烧", 64, vitals={"temp": 38.1})
    assert wound["level"] == 3 and "C-SKIN-INFECTION-FEVER" in ids(wound)
    foot = run("脚背被蚊子咬了抓破，整个脚背红肿发热，走路疼", 44, vitals={"temp": 38.3})
    assert foot["level"] == 3


def test_hardly_passing_urine_is_dehydration_a_urinary_complaint_is_not() -> None:
    out = run("扁桃体发炎烧了三天，不肯吃不肯喝，今天就尿了一回", 7)
    assert out["level"] == 3 and "C-DEHYDRATION-TOLD" in ids(out)
    uti = run("尿尿烧得慌，一会儿就想尿，每次尿不多，没发烧", 27)
    assert uti["level"] == 4


def test_a_steroid_hidden_in_a_folk_remedy_stopped_at_once() -> None:
    out = run("吃了大半年风湿药，村医说里头有激素，上个月全停了，这阵子没力气、恶心", 60)
    assert out["level"] == 3 and "C-COMORBID-NEW-SYMPTOM" in ids(out)
