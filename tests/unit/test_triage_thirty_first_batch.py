"""Triage mechanisms of the thirty-first #16 batch, read from the outside-written development sets
dev59 (``triage_outside_dev59.toml``: pregnancy, childbirth and the newborn month), dev60
(``triage_outside_dev60.toml``: diabetes, thyroid, blood and body chemistry) and dev61
(``triage_outside_dev61.toml``: children hurt or poisoned); firing and non-firing (wording
ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_fewer_or_no_baby_movements() -> None:
    fewer = run("孕36周，今天觉得娃动得比平常少", 31, pregnant=True)
    assert fewer["level"] == 3 and "C-FETAL-MOVEMENTS-REDUCED" in ids(fewer)
    none = run("孕37周，从昨晚到现在娃一下都没动过", 26, pregnant=True)
    assert none["level"] == 2 and "C-FETAL-MOVEMENTS-ABSENT" in ids(none)
    assert "C-FETAL-MOVEMENTS-ABSENT" not in ids(run("胳膊摔了一下都没动过", 30))


def test_waters_broken_and_a_birth_under_way() -> None:
    waters = run("孕40周，早上下头流了一股清水，还没开始痛", 27, pregnant=True)
    assert waters["level"] == 3 and "C-MEMBRANES-RUPTURED" in ids(waters)
    birth = run("孕39周第三胎，一进门就喊憋不住，已经看得见娃的头发了", 33, pregnant=True)
    assert birth["level"] == 1 and "C-BIRTH-IMMINENT" in ids(birth)


def test_something_hanging_out_after_the_waters_broke_is_a_cord_prolapse() -> None:
    out = run("孕34周，羊水刚破了，下头吊出来一截滑溜溜的东西", 28, pregnant=True)
    assert out["level"] == 1 and "C-CORD-PROLAPSE-TOLD" in ids(out)
    old = run("七十多了，下面掉出来个东西，走路磨得疼", 75)  # a uterine prolapse
    assert "C-CORD-PROLAPSE-TOLD" not in ids(old)


def test_itchy_palms_and_soles_in_pregnancy() -> None:
    out = run("孕34周，这个礼拜手心脚板心痒得睡不着，没起疹子", 31, pregnant=True)
    assert out["level"] == 3 and "C-OBSTETRIC-CHOLESTASIS" in ids(out)
    assert "C-OBSTETRIC-CHOLESTASIS" not in ids(run("手心痒，起了小水泡", 31))


def test_a_newborn_yellow_to_the_soles_or_the_belly() -> None:
    soles = run("才5天，黄得像橘子皮，脚板心都是黄的", 0.014)
    assert soles["level"] == 2 and "C-NEONATAL-JAUNDICE-SEVERE" in ids(soles)
    belly = run("四天的女娃，黄到肚皮上了，吃奶还行", 0.011)
    assert belly["level"] == 3 and "C-JAUNDICE" in ids(belly)


def test_a_baby_who_only_sleeps_and_sucks_twice() -> None:
    out = run("这两天光晓得睡，喂奶嘬两口就不吸了", 0.02)
    assert out["level"] == 2 and "C-CHILD-DANGER-SIGNS" in ids(out)


def test_projectile_vomiting_in_a_young_baby() -> None:
    out = run("每回吃完奶就喷出来，喷得老远，吐完还想吃", 0.066)
    assert out["level"] == 3 and "C-PYLORIC-STENOSIS" in ids(out)


def test_a_newborn_seizure_told_as_not_stopped() -> None:
    out = run("村医说在他那儿就开始抽，手脚一抽一抽，前后快二十分钟了，到现在还没停", 0.05)
    assert out["level"] == 1 and "C-STATUS-EPILEPTICUS" in ids(out)


def test_dark_urine_after_broad_beans_is_favism() -> None:
    out = run("昨天吃了炒蚕豆，今天尿得像酱油一样，脸又黄又白", 6)
    assert out["level"] <= 3 and "C-FAVISM" in ids(out)
    assert "C-FAVISM" not in ids(run("吃了蚕豆，有点胀气", 30))


def test_bruises_nobody_explains_with_bleeding_gums_or_nose() -> None:
    well = run("这两天腿上好多一块块青紫，不知道哪碰的，今天刷牙牙龈出血，蹦蹦跳跳的", 6)
    assert well["level"] == 3 and "C-BLEEDING-TENDENCY" in ids(well)
    pale = run("腿上一块块乌青，今天鼻子出血止不住，脸有点白", 5)
    assert pale["level"] == 2 and "C-BLEEDING-TENDENCY-SEVERE" in ids(pale)
    assert "C-BLEEDING-TENDENCY" not in ids(run("刷牙牙龈出血", 30))


def test_a_high_glucose_alone_or_with_vomiting() -> None:
    alone = run("口干，夜里起来尿三四回", 55, vitals={"glucose": 19.8})
    assert alone["level"] == 3 and "C-HYPERGLYCAEMIA" in ids(alone)
    sick = run("喝水特别多，昨晚开始吐，没精神", 2, vitals={"glucose": 26.3})
    assert sick["level"] <= 2 and "C-DKA-SIGNS" in ids(sick)
    assert "C-HYPERGLYCAEMIA" not in ids(run("来开降糖药", 55, vitals={"glucose": 8.2}))


def test_breathing_in_water_with_a_cough() -> None:
    out = run("跟同学下水库耍水呛着了，现在还咳个不停，胸口闷", 10)
    assert out["level"] == 2 and "C-SUBMERSION-ELECTRIC-AWAKE" in ids(out)
    assert "N-SUBMERSION-TOLD" not in ids(run("吃饭呛着了，咳了几声", 10))


def test_asking_the_same_thing_again_after_a_blow() -> None:
    out = run("荡秋千撞到头，没晕过去，现在老问同一句我咋在这儿", 7)
    assert out["level"] == 2 and "C-ALTERED-CONSCIOUSNESS" in ids(out)
    memory = run("这一年记性越来越差，刚说的话转头就忘，吃饭睡觉都正常", 82)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(memory)


def test_a_child_who_drank_diesel_and_a_shocked_dehydrated_toddler() -> None:
    fuel = run("柴油装在饮料瓶里，孩子喝了一口，之后一直咳", 5)
    assert fuel["level"] <= 2 and "C-CHILD-INGESTION" in ids(fuel)
    shock = run("拉肚子三天，今天一上午没尿，蔫得很，手脚冰凉", 1.5)
    assert shock["level"] == 1 and "C-CHILD-SEVERE-DEHYDRATION" in ids(shock)


def test_an_elbow_held_bent_and_a_tooth_knocked_out_with_its_count() -> None:
    elbow = run("从牛背上摔下来，胳膊肘肿得圆圆的，不敢伸直", 10)
    assert elbow["level"] == 3
    tooth = run("跑步摔了一跤，门牙磕掉一颗，泡在牛奶里了", 9)
    assert "C-TOOTH-AVULSION" in ids(tooth) and tooth["level"] == 3
