"""Triage mechanisms of the thirty-seventh #16 batch, read from the outside-written development
sets dev76 (``triage_outside_dev76.toml``: an oasis county of southern Xinjiang), dev77
(``triage_outside_dev77.toml``: children at the level 1–3 boundaries) and dev78
(``triage_outside_dev78.toml``: injuries in adults); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_tablets_counted_after_a_comma_from_the_bottle() -> None:
    out = run("把爷爷的降压药吃了，药瓶里一共十五六片", 16)
    assert out["level"] == 2 and "M-TABLETS-OVERDOSE" in ids(out)


def test_an_eye_that_cannot_see_after_a_blast_or_a_blow() -> None:
    out = run("鞭炮崩到脸上，左眼肿着，说啥也看不见", 9)
    assert out["level"] == 2 and "C-EYE-EMERGENCY" in ids(out)
    # an old failing sight is no emergency, nor is a bang without the eye failing
    assert "C-EYE-EMERGENCY" not in ids(run("右眼白内障好几年了，看不见东西", 75))
    assert "C-EYE-EMERGENCY" not in ids(run("放鞭炮把手炸了个口子", 30))


def test_stridor_with_a_low_saturation_is_an_airway_closing() -> None:
    out = run("咳起来像狗叫，喉咙里嘶嘶的", 2, vitals={"spo2": 87})
    assert out["level"] == 1 and "C-AIRWAY-SEVERE-DYSPNOEA" in ids(out)
    calm = run("咳起来像狗叫，喉咙里嘶嘶的", 2, vitals={"spo2": 96})
    assert "C-AIRWAY-SEVERE-DYSPNOEA" not in ids(calm)


def test_dry_lips_are_no_cyanosis() -> None:
    out = run("拉肚子两天，嘴唇干起皮", 30)
    assert "C-AIRWAY-SEVERE-DYSPNOEA" not in ids(out)


def test_a_paint_gun_fired_into_a_finger() -> None:
    out = run("高压喷枪打到右手中指，只有个小眼", 28)
    assert out["level"] == 2 and "C-HIGH-PRESSURE-INJECTION" in ids(out)


def test_a_shock_told_by_its_voltage() -> None:
    out = run("检修时碰到380伏的电线，弹开了，现已清醒，能说话", 40)
    assert out["level"] == 2 and "C-SUBMERSION-ELECTRIC-AWAKE" in ids(out)


def test_thrown_off_a_motorbike() -> None:
    out = run("骑摩托拐弯太急，整个人飞出去，现在说腰疼", 22)
    assert out["level"] == 2 and "C-HIGH-RISK-MECHANISM" in ids(out)


def test_a_fall_from_a_height_named_after_the_number() -> None:
    out = run("从三米多高的房顶上摔下来", 50)
    assert out["level"] <= 2 and "M-FALL-HEIGHT" in ids(out)
    # a distance walked is no height
    assert "M-FALL-HEIGHT" not in ids(run("走了三米就摔了一跤", 50))


def test_neck_pain_and_numb_hands_after_a_fall() -> None:
    out = run("从架子上坠落，后颈疼，两只手发麻", 40)
    assert out["level"] <= 2 and "C-SPINAL-CORD-INJURY" in ids(out)


def test_a_belly_stabbed_told_place_first() -> None:
    out = run("后背让人捅了一刀，血不多", 35)
    assert out["level"] == 2 and "C-PENETRATING-TRAUMA" in ids(out)
    assert "C-PENETRATING-TRAUMA" not in ids(run("肚子上扎了一针胰岛素，有点青", 60))


def test_a_finger_cut_clean_off() -> None:
    out = run("铡草时把左手小指整根切掉了", 50)
    assert out["level"] == 2 and "C-SEVERE-TRAUMA-FRACTURE" in ids(out)
    assert "C-SEVERE-TRAUMA-FRACTURE" not in ids(run("断指再植术后两周来复查", 40))


def test_mushrooms_with_the_hours_told() -> None:
    out = run("前天晚上吃了山上的野蘑菇，十几个小时后开始拉肚子", 40)
    assert out["level"] == 2 and "C-MUSHROOM-DELAYED" in ids(out)


def test_a_cows_kick_to_the_lower_belly() -> None:
    out = run("被牛蹬了一下小肚子", 50)
    assert out["level"] == 3 and "N-KICK-TO-BELLY" in ids(out)
    assert "N-KICK-TO-BELLY" not in ids(run("孩子晚上蹬了被子，肚子疼", 6))


def test_something_felt_inside_a_wound() -> None:
    out = run("铁片划了个口子，里面像有东西硌着", 40)
    assert out["level"] == 3 and "C-WOUND-RETAINED-FB" in ids(out)


def test_a_fist_that_struck_a_tooth() -> None:
    out = run("喝多了打架，一拳打过去，指关节被牙齿划破了", 30)
    assert out["level"] == 3 and "C-FIGHT-BITE" in ids(out)


def test_a_coin_that_will_not_go_down() -> None:
    out = run("吞了个硬币，现在吃饭就干呕", 3)
    assert out["level"] == 3 and "C-FB-OESOPHAGEAL" in ids(out)
    fine = run("吞了个硬币，吃饭喝水都正常", 3)
    assert fine["level"] == 4 and "C-FB-OESOPHAGEAL" not in ids(fine)


def test_a_fever_of_three_days_with_a_cough() -> None:
    out = run("发烧三天了，咳嗽有痰", 4)
    assert out["level"] == 3 and "C-FEVER-COUGH-DAYS" in ids(out)
    short = run("发烧一天，咳嗽", 4)
    assert "C-FEVER-COUGH-DAYS" not in ids(short)
    no_fever = run("咳嗽五天了，不发烧", 30)
    assert "C-FEVER-COUGH-DAYS" not in ids(no_fever)
