"""Triage mechanisms of the fourteenth #16 batch (from the outside-written development sets dev14,
``triage_outside_dev14.toml``: the level 1/2 and 2/3 boundaries, and dev15,
``triage_outside_dev15.toml``: level 3 versus 4 by resources across the specialties, with their
emergencies), firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_stridor_in_lay_words_and_with_drooling() -> None:
    noisy = run("嗓子痛了一天，吸气的时候喉咙里嘶嘶响", 45)
    assert noisy["level"] <= 2 and "C-STRIDOR" in ids(noisy)
    closing = run("嗓子疼得口水都咽不下，只能吐在纸上，吸气有响声，坐着身子往前探", 45)
    assert closing["level"] == 1 and "C-AIRWAY-OBSTRUCTION-IMMINENT" in ids(closing)
    # drooling from a sore throat without stridor is not an airway about to close
    sore = run("喉咙右边痛了四天，吞口水痛到流口水，说话像含着东西，喘气正常", 15)
    assert "C-AIRWAY-OBSTRUCTION-IMMINENT" not in ids(sore)
    assert "C-STRIDOR" not in ids(run("咳嗽有痰，喘气没有响声", 45))


def test_a_dental_infection_spreading_into_the_neck() -> None:
    out = run("下牙疼了一个礼拜，这三天下巴底下肿到脖子上，嘴只能张开一指，发烧", 49)
    assert out["level"] <= 2 and "C-DEEP-NECK-SPREAD" in ids(out)
    tooth = run("牙疼三天，腮帮子有点肿，能吃饭，不发烧", 49)
    assert tooth["level"] == 3 and "C-DEEP-NECK-SPREAD" not in ids(tooth)


def test_eye_emergencies_open_globe_orbital_cellulitis_and_a_curtain() -> None:
    globe = run("敲钉子时铁渣子蹦进左眼，眼睛里流出点清水，瞳孔不圆了", 55)
    assert globe["level"] <= 2 and "C-OPEN-GLOBE" in ids(globe)
    surface = run("flake of rust flew into the right eye, watering, vision 6/6, pupil round", 38)
    assert "C-OPEN-GLOBE" not in ids(surface)
    orbit = run("感冒一周，左眼皮肿得睁不开，眼珠子有点往外鼓，往两边看就喊疼，发烧", 4)
    assert orbit["level"] <= 2 and "C-ORBITAL-CELLULITIS" in ids(orbit)
    assert "C-ORBITAL-CELLULITIS" not in ids(run("眼皮有点肿，不发烧，看东西正常", 4))
    curtain = run("right eye went dark like a curtain 40 minutes ago, no pain", 67)
    assert curtain["level"] <= 2


def test_necrotising_infection_and_a_violent_psychosis() -> None:
    nec = run("shin cut by a hoe, now dusky blisters, pain far worse than it looks, fever", 58)
    assert nec["level"] <= 2 and "C-NECROTISING-INFECTION" in ids(nec)
    assert "C-NECROTISING-INFECTION" not in ids(run("小腿划伤，红肿一小片，不疼", 58))
    violent = run("一个礼拜没睡觉，老说有人要害他，今天拿菜刀追着他爸砍，现在被捆着", 36)
    assert violent["level"] <= 2
    relapse = run("精神分裂症停药三个月，这阵子又说听见邻居在墙那边骂他，问啥答啥", 31)
    assert relapse["level"] == 3 and "C-ACUTE-PSYCHOSIS" in ids(relapse)


def test_a_suicide_plan_with_its_means_and_an_inhalation_burn() -> None:
    plan = run("这半年干啥都没意思，前几天买了木炭和胶带，说话很平静", 23)
    assert plan["level"] <= 2 and "C-SUICIDE-RISK" in ids(plan)
    assert "C-SUICIDE-RISK" not in ids(run("冬天买了木炭烤火，屋里开着窗，手上冻疮", 60))
    burn = run("液化气爆燃，脸烧伤，眉毛头发都燎焦了，鼻孔里有黑灰，嗓子越来越哑", 50)
    assert burn["level"] == 1 and "C-INHALATION-BURN" in ids(burn)


def test_a_limb_pulse_is_no_arrest_and_a_finger_that_can_bend_is_no_deformity() -> None:
    arm = run("从单杠上掉下来，胳膊肘肿得老粗变了形，手发白发凉，手腕上摸不到脉", 6)
    assert "C-ARREST-UNRESPONSIVE" not in ids(arm) and arm["level"] == 2
    assert run("倒在地上，脖子上摸不着脉，没气了", 60)["level"] == 1
    cut = run("切菜划了食指，一厘米多，压着止住了，手指头能弯能伸，不麻", 51)
    assert cut["level"] == 4 and "C-FRACTURE" not in ids(cut)
    bent = run("骑车摔了左手着地，小胳膊中间弯得变了形，不让碰", 8)
    assert bent["level"] == 3 and "C-FRACTURE" in ids(bent)


def test_shock_index_from_a_systolic_of_100_and_an_early_pregnancy_pain() -> None:
    kidney = run("右肾结石，今天寒战，人还清楚", 58, vitals={"temp": 39.4, "hr": 124, "sbp": 100})
    assert kidney["level"] <= 2
    ectopic = run("月经推迟十天，测了两道杠，左下腹一抽一抽地疼", 28)
    assert ectopic["level"] <= 2 and "C-PREGNANCY-EMERGENCY" in ids(ectopic)
    faint = run("站久了眼前一黑晕倒，几秒就醒了，现在好好的，月经推迟几天", 30)
    assert "C-PREGNANCY-EMERGENCY" not in ids(faint)


def test_chest_pain_with_breathing_in_and_a_chest_infection_is_level_3() -> None:
    pneumonia = run("cough with rusty sputum, fever, right-sided chest pain on deep breaths", 56)
    assert pneumonia["level"] == 3 and "C-CHEST-PAIN-ACS" not in ids(pneumonia)
    young = run("感冒一周，左边胸口刺着痛，深吸气和咳嗽时厉害，按着也痛，不喘", 24)
    assert young["level"] == 3 and "C-CHEST-PAIN-ACS" not in ids(young)
    acs = run("胸口压着痛，深吸气也痛，出了一身冷汗，咳嗽两天", 56)
    assert acs["level"] <= 2 and "C-CHEST-PAIN-ACS" in ids(acs)


def test_little_blood_shots_and_normal_words() -> None:
    nose = run("鼻子流血四十分钟，捏住也止不住，还吐出一点血，精神还可以", 78)
    assert nose["level"] == 3 and "C-MAJOR-BLEEDING" not in ids(nose)
    shot = run("切菜划了个小口子，不深，血止住了，想包一下，再打个破伤风", 47)
    assert shot["level"] == 4 and "C-TETANUS" not in ids(shot)
    pad = run("停经十周，内裤上有点咖啡色的血，一片卫生巾都没湿透", 27)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" not in ids(pad)


def test_children_acting_normally_after_a_bump_and_a_playing_croup() -> None:
    head = run("跑的时候脑门撞门框，破了个两公分的口子，没晕没吐，哭完就好了", 8)
    assert head["level"] == 4
    croup = run("咳嗽像小狗叫，安静的时候喘气没声音，能吃能玩", 3)
    assert croup["level"] == 4
    assert run("咳嗽像小狗叫，安静时也有喉鸣，肋骨下面往里凹", 3)["level"] <= 2
