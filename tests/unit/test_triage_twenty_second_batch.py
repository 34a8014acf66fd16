"""Triage mechanisms of the twenty-second #16 batch (from the outside-written development sets
dev32, ``triage_outside_dev32.toml``: stable injuries at level 3 against 4 by resources; dev33,
``triage_outside_dev33.toml``: older adults presenting vaguely; dev34,
``triage_outside_dev34.toml``: environmental and toxic emergencies), firing and non-firing
(wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_measures import extract_measures
from tests.unit._triage_service import ids, run


def test_breath_no_longer_coming_out_told_as_a_change_is_an_arrest() -> None:
    out = run("坐着坐着人一歪，现在不出气了", 70)
    assert out["level"] == 1 and "C-ARREST-UNRESPONSIVE" in ids(out)
    short = run("心慌，有点透不到气", 57)
    assert "C-ARREST-UNRESPONSIVE" not in ids(short)
    holding = run("一岁半，摔了一跤哭着就憋住不出气，几秒钟自己缓过来了，现在好好的", 1.5)
    assert holding["level"] >= 3


def test_a_quarter_of_an_hour_is_fifteen_minutes() -> None:
    assert extract_measures("快一刻钟了，一直没停")["ongoing_min"].value == 15
    assert extract_measures("抽了两刻钟")["seizure_min"].value == 30
    out = run("抽到现在快一刻钟了，一直没停，口吐白沫", 70)
    assert out["level"] == 1 and "C-STATUS-EPILEPTICUS" in ids(out)


def test_a_wound_five_centimetres_or_longer_is_level_3() -> None:
    assert extract_measures("口子八公分长")["wound_cm"].value == 8
    assert extract_measures("划了个四五公分的口子")["wound_cm"].value == 4  # a range's lower end
    assert extract_measures("a 6 cm laceration")["wound_cm"].value == 6
    assert "wound_cm" not in extract_measures("走了三公里")
    long_cut = run("镰刀砍到小腿，口子七公分，血压住了", 45)
    assert long_cut["level"] == 3 and "M-WOUND-LONG" in {r["rule"] for r in long_cut["reasons"]}
    short_cut = run("手指划了个两公分的口子，血压住了", 45)
    assert short_cut["level"] == 4


def test_gcs_13_is_level_2() -> None:
    assert run("喝了酒摔了，有点迷糊", 40, vitals={"gcs": 13})["level"] == 2
    assert run("喝了酒摔了", 40, vitals={"gcs": 14})["level"] == 3


def test_lightning_is_an_electric_injury_and_awake_after_it_is_level_2() -> None:
    out = run("躲雨时被雷打了，倒在地上，过一会儿自己醒了，腿发麻", 30)
    assert out["level"] == 2 and "C-SUBMERSION-ELECTRIC-AWAKE" in ids(out)


def test_an_older_adults_fall_with_a_long_lie() -> None:
    lie = run("夜里摔倒起不来，今早才发现，右腿短了一截", 84)
    assert lie["level"] == 2 and "C-FALL-LONG-LIE" in ids(lie)
    young = run("夜里摔倒起不来，今早才发现，右腿短了一截", 40)
    assert "C-FALL-LONG-LIE" not in ids(young)


def test_vertigo_with_gait_pulled_to_one_side_is_central() -> None:
    central = run("早上起来天旋地转，走路往右边倒", 70)
    assert central["level"] <= 2 and "C-STROKE-BEFAST" in ids(central)
    peripheral = run("早上起来天旋地转，躺着不动就好，走路还稳", 45)
    assert "C-STROKE-BEFAST" not in ids(peripheral)


def test_caustic_with_stridor_and_drooling_and_laundry_pods() -> None:
    caustic = run("两岁喝了一口管道疏通剂，口水一直淌，吸气有响声", 2)
    assert caustic["level"] == 1
    pod = run("一岁半咬破了洗衣凝珠，吐了两回", 1.5)
    assert pod["level"] <= 2 and "C-POISONING" in ids(pod)


def test_methanol_told_as_fog() -> None:
    out = run("喝了散装酒，第二天看东西雾蒙蒙的", 49)
    assert out["level"] <= 2


def test_a_pupil_out_of_round_told_with_words_between() -> None:
    out = run("铁屑蹦进右眼，瞳孔看着不圆，看不清", 47)
    assert out["level"] <= 2
    round_ = run("眼睛进了沙子，看东西清楚", 47)
    assert round_["level"] >= 3
