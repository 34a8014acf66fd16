"""Triage mechanisms of the thirty-fourth #16 batch, read from the outside-written development sets
dev68 (``triage_outside_dev68.toml``: poisonings and exposures), dev69
(``triage_outside_dev69.toml``: babies in their first year) and dev70
(``triage_outside_dev70.toml``: the level 3 against level 4 boundary by resources); firing and
non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_cephalosporin_drip_or_a_first_jab_is_no_head_injury() -> None:
    drip = run("昨天打了头孢，今天喝了酒，脸红心慌", 40)
    assert "C-HEAD-INJURY" not in ids(drip)
    jab = run("疫苗只打了头一针，咳嗽", 0.4)
    assert "C-HEAD-INJURY" not in ids(jab)
    assert "C-HEAD-INJURY" in ids(run("被人打了头，头晕", 40))


def test_a_breathing_rate_of_eight_is_level_1() -> None:
    assert run("喝了酒叫不太醒", 40, vitals={"rr": 8})["level"] == 1
    assert run("咳嗽两天", 40, vitals={"rr": 10})["level"] == 2


def test_mushrooms_in_the_evening_and_the_first_symptoms_next_morning() -> None:
    late = run("昨晚吃了山上采的蘑菇，今天早上开始吐，拉水", 50)
    assert late["level"] == 2 and "C-MUSHROOM-DELAYED" in ids(late)


def test_pufferfish_or_shellfish_with_numbness() -> None:
    out = run("中午吃了河豚，现在嘴唇发麻", 45)
    assert out["level"] == 2 and "C-MARINE-NEUROTOXIN" in ids(out)
    severe = run("吃了贝类，手脚没劲，喘气很浅", 45)
    assert severe["level"] == 1 and "C-POISONING-SEVERE" in ids(severe)
    assert "C-MARINE-NEUROTOXIN" not in ids(run("吃了扇贝，身上起了疹子", 45))


def test_infant_whooping_cough_told_by_the_count_and_the_colour() -> None:
    out = run("4个月，一咳就连着咳几十声，咳完脸憋得通红", 0.33)
    assert out["level"] == 2 and "C-PERTUSSIS-INFANT" in ids(out)


def test_a_feverish_baby_too_sleepy_to_feed() -> None:
    out = run("发烧，今天特别能睡，奶也不吃", 0.6)
    assert out["level"] == 2 and "C-CHILD-DANGER-SIGNS" in ids(out)
    eyes = run("发烧，叫他眼睛睁了一下就闭上了", 0.6)
    assert "C-CHILD-DANGER-SIGNS" in ids(eyes)


def test_a_bitten_tablet_of_a_grandparent_in_a_toddler() -> None:
    out = run("把爷爷的氨氯地平咬了，一板少了一片", 1.5)
    assert out["level"] == 2 and "C-CHILD-TOXIC-INGESTION" in ids(out)


def test_a_grape_choked_on_with_noisy_breathing() -> None:
    out = run("吃葡萄呛着了，现在喘气喉咙有响声", 1.2)
    assert out["level"] == 2 and "C-FB-ASPIRATION-NOISY" in ids(out)


def test_a_toddler_who_will_not_stand_on_the_leg() -> None:
    out = run("腿别了一下，现在不肯踩地", 1.5)
    assert out["level"] == 3 and "C-INJURY-CANNOT-BEAR-WEIGHT" in ids(out)
    finger = run("手指被床单别了一下，伸不直，不疼", 40)
    assert "C-INJURY-CANNOT-BEAR-WEIGHT" not in ids(finger)


def test_less_urine_than_usual_with_diarrhoea() -> None:
    out = run("拉肚子，尿比平时少", 0.7)
    assert out["level"] == 3 and "C-PERSISTENT-VOMITING-DEHYDRATION" in ids(out)


def test_a_long_jaundice_with_pale_stools() -> None:
    out = run("出生一个月了还黄，大便发白", 0.08)
    assert out["level"] <= 3 and "C-JAUNDICE" in ids(out)


def test_a_recovered_febrile_seizure_told_as_watching_cartoons() -> None:
    out = run("发烧抽了一下，一分钟就好了，现在在看动画", 1.5)
    assert out["level"] == 3


def test_thrush_and_a_soft_belly_are_no_emergency() -> None:
    thrush = run("嘴里舌头上一层白的，擦不掉", 0.3)
    assert thrush["level"] == 4 and "C-STROKE-BEFAST" not in ids(thrush)
    belly = run("三天没拉，肚子软软的，吃得好", 0.5)
    assert belly["level"] == 4


def test_a_feverish_baby_with_smelly_urine() -> None:
    out = run("发烧两天，尿很臭，尿的时候哭", 0.7)
    assert out["level"] == 3 and "C-UTI-INFANT" in ids(out)
    assert "C-UTI-INFANT" not in ids(run("尿很臭，吃奶好", 0.7))


def test_blood_and_mucus_in_a_babys_diarrhoea() -> None:
    out = run("拉肚子，大便带血丝", 0.6)
    assert out["level"] == 3 and "C-BLOODY-DIARRHOEA-INFANT" in ids(out)


def test_double_vision_after_a_punch_to_the_eye() -> None:
    out = run("左眼眶挨了一拳，看东西重影", 30)
    assert out["level"] == 3 and "C-ORBITAL-INJURY" in ids(out)
    stroke = run("突然看东西重影，说话不清", 60)
    assert stroke["level"] == 2 and "C-STROKE-BEFAST" in ids(stroke)


def test_chest_pain_on_coughing_with_a_chest_infection() -> None:
    out = run("咳嗽黄痰三天，发烧，一咳胸口就疼", 50)
    assert out["level"] == 3 and "C-CHEST-PAIN-ACS" not in ids(out)
