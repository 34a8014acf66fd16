"""Triage mechanisms of the twenty-first #16 batch (from the outside-written development sets
dev29, ``triage_outside_dev29.toml``: level 2 against 3 in near-pairs by organ system; dev30,
``triage_outside_dev30.toml``: children 1-12 through their parents; dev31,
``triage_outside_dev31.toml``: work and road injuries), firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_bare_bu_chuanqi_denies_breathlessness_it_does_not_stop_breathing() -> None:
    denial = run("左腿肿了两天，走路痛，不喘气", 60)
    assert "C-ARREST-UNRESPONSIVE" not in ids(denial)
    stopped = run("孩子突然不喘气了", 3)
    assert stopped["level"] == 1
    episode = run("刚才好几秒不喘气，现在还是软的", 0.2)
    assert episode["level"] == 1


def test_words_that_hold_tou_name_no_head() -> None:
    wood = run("被木头砸到大腿，青了一块", 50)
    assert "C-HEAD-INJURY" not in ids(wood)
    brick = run("砖头掉下来砸到脚趾头，肿了", 30)
    assert "C-HEAD-INJURY" not in ids(brick)
    head = run("头被砖头砸到了，起了个包", 30)
    assert "C-HEAD-INJURY" in ids(head)
    ground = run("骑车摔了，脑壳碰地，晕了一下", 40)
    assert "C-HEAD-INJURY" in ids(ground)


def test_repeated_questions_after_a_blow_are_altered_consciousness() -> None:
    out = run("摔了一跤碰到头，一直问我们他怎么了，刚问过的又问", 45)
    assert out["level"] <= 2 and "C-ALTERED-CONSCIOUSNESS" in ids(out)


def test_responding_only_to_pain_is_level_1() -> None:
    out = run("喊他不应，掐他才哼了一声", 60)
    assert out["level"] == 1 and "C-PAIN-RESPONSIVE-ONLY" in ids(out)
    awake = run("喊他就应，就是有点迷糊", 60)
    assert "C-PAIN-RESPONSIVE-ONLY" not in ids(awake)


def test_a_battery_put_in_the_mouth_and_not_found() -> None:
    out = run("两岁娃把小圆电池塞嘴里了，到处找不到", 2)
    assert out["level"] == 2 and "C-BUTTON-BATTERY" in ids(out)
    toy = run("两岁娃把积木塞嘴里了，已经拿出来了", 2)
    assert "C-BUTTON-BATTERY" not in ids(toy)


def test_a_hernia_that_will_not_go_back() -> None:
    stuck = run("右边大腿根的疝气鼓出来推不回去了，有点痛", 62)
    assert stuck["level"] == 3 and "C-INCARCERATED-HERNIA" in ids(stuck)
    vomiting = run("右边大腿根的疝气鼓出来推不回去了，吐了两次", 62)
    assert vomiting["level"] == 2 and "C-STRANGULATED-HERNIA" in ids(vomiting)
    reducible = run("大腿根有个包，躺下就回去了", 62)
    assert "C-INCARCERATED-HERNIA" not in ids(reducible)


def test_a_limb_pale_and_cold_beyond_a_fracture() -> None:
    out = run("摔了一跤胳膊肘变形了，手指发白发凉", 7)
    assert out["level"] <= 2 and "C-LIMB-THREAT" in ids(out)
    pink = run("摔了一跤胳膊肘变形了，手指颜色正常能动", 7)
    assert pink["level"] == 3


def test_a_cast_with_escalating_pain() -> None:
    out = run("小腿骨折打了石膏，今晚越来越痛，脚背发麻", 30)
    assert out["level"] <= 2 and "C-COMPARTMENT-SYNDROME" in ids(out)
    calm = run("小腿骨折打了石膏一个月，来复查", 30)
    assert "C-COMPARTMENT-SYNDROME" not in ids(calm)


def test_high_pressure_injection_and_a_mangled_limb() -> None:
    gun = run("用高压喷漆枪打到手指，一个小眼，肿得发白", 30)
    assert gun["level"] <= 2 and "C-HIGH-PRESSURE-INJECTION" in ids(gun)
    blast = run("放炮把右手炸得血肉模糊", 40)
    assert blast["level"] <= 2 and "C-MANGLED-EXTREMITY" in ids(blast)
    tip = run("指头尖被门夹了，指甲底下一片血肉模糊", 40)
    assert "C-MANGLED-EXTREMITY" not in ids(tip)


def test_a_sharp_wound_of_the_neck() -> None:
    out = run("玻璃碎了划到脖子，口子两三公分，压着不出血了", 30)
    assert out["level"] <= 2 and "C-NECK-WOUND" in ids(out)
    scratch = run("脖子上被猫抓了一道", 30)
    assert "C-NECK-WOUND" not in ids(scratch)


def test_psychosis_with_a_knife_is_danger_to_others() -> None:
    armed = run("说有人要害他，拿着菜刀在院子里转", 35)
    assert armed["level"] <= 2 and "C-PSYCHOSIS-DANGEROUS" in ids(armed)
    calm = run("说有人要害他，但是听劝，跟着家里人来的", 35)
    assert "C-PSYCHOSIS-DANGEROUS" not in ids(calm)


def test_an_electric_shock_or_near_drowning_now_awake_is_level_2() -> None:
    shock = run("修电器被电了一下，现在清醒，心慌", 28)
    assert shock["level"] == 2 and "C-SUBMERSION-ELECTRIC-AWAKE" in ids(shock)
    down = run("被电了一下倒地，叫不醒", 28)
    assert down["level"] == 1


def test_hypotension_after_an_injury_is_shock() -> None:
    out = run("从房顶摔下来，腰背痛", 50, vitals={"sbp": 82, "hr": 118})
    assert out["level"] == 1 and "C-SHOCK" in ids(out)
    fine = run("从房顶摔下来，腰背痛", 50, vitals={"sbp": 128, "hr": 88})
    assert "C-SHOCK" not in ids(fine)


def test_stridor_with_a_burnt_face_is_an_airway_closing() -> None:
    out = run("锅炉蒸汽喷出来，脸烫伤了，吸气有嘶嘶的响声", 33)
    assert "C-AIRWAY-OBSTRUCTION-IMMINENT" in ids(out)
    assert out["level"] == 1


def test_late_mushroom_symptoms_and_alcohol_stopped() -> None:
    late = run("昨天中午吃了山上捡的菌子，到半夜才开始吐", 50)
    assert late["level"] <= 2 and "C-MUSHROOM-DELAYED" in ids(late)
    withdrawal = run("喝了十几年酒，前天断了，今天说看见虫子在墙上爬", 50)
    assert withdrawal["level"] <= 2 and "C-ALCOHOL-WITHDRAWAL" in ids(withdrawal)


def test_a_childs_soft_belly_is_no_limpness_and_pelvic_pain_is_central() -> None:
    belly = run("4岁，三天没拉大便，肚子软软的，还在跑着玩", 4)
    assert "C-CHILD-DANGER-SIGNS" not in ids(belly)
    pelvis = run("被车夹住胯骨，痛得站不起来", 39, vitals={"pain": 9})
    assert pelvis["level"] <= 2
