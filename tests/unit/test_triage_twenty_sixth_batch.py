"""Triage mechanisms of the twenty-sixth #16 batch, read from the outside-written development sets
dev44 (``triage_outside_dev44.toml``: long-standing illnesses), dev45
(``triage_outside_dev45.toml``: level 2 against level 3) and dev46
(``triage_outside_dev46.toml``: school-age children and teenagers), and from the read level-4
cases whose writers said self-care; firing and non-firing (wording ours)."""

from __future__ import annotations

import pytest

from tests.unit._triage_service import ids, run


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("昨天吃了烧烤，今天拉了三次稀的，不发烧，能喝水", "N-GI-MILD"),
        ("五天没解大便了，肚子不胀，吃饭正常", "N-GI-MILD"),
        ("舌头边上长了个溃疡，吃酸的疼", "N-MOUTH-ULCER"),
        ("在工地晒了一天，胳膊晒得通红，没起泡", "N-SUNBURN"),
        ("晚上被蚊子叮了好几个包，痒", "N-INSECT-BITE"),
        ("早上起来脖子转不过来，一动就疼，没摔过", "N-STIFF-NECK-SLEEP"),
        ("流鼻血，捏住鼻子五分钟就止住了", "N-EPISTAXIS-STOPPED"),
        ("骑车摔了，手掌蹭破了皮，走路没事", "N-MINOR-WOUND"),
    ],
)
def test_minor_complaints_a_family_can_look_after_are_self_care(text: str, finding: str) -> None:
    out = run(text, 30)
    assert out["level"] == 4 and finding in ids(out)
    assert out["disposition"] == "self_care"


def test_self_care_still_needs_the_age_band_and_no_risk_finding() -> None:
    assert run("昨天吃了烧烤，今天拉了三次稀的，能喝水", 80)["disposition"] == "routine"
    bleed = run("吃着华法林，流鼻血，捏住鼻子十分钟才止住", 50)
    assert bleed["disposition"] != "self_care"
    # a graze is skin only: a cut that bled is a wound to look at
    assert "N-MINOR-WOUND" not in ids(run("头磕破了，流了不少血", 30))


def test_a_swarm_or_a_swollen_throat_is_never_a_minor_bite() -> None:
    out = run("被一群马蜂蜇了十几下，头晕，嗓子发紧", 40)
    assert out["level"] <= 2


def test_long_term_steroids_and_a_transplant_in_lay_words() -> None:
    steroid = run("类风湿吃强的松好几年了，这两天咳嗽，没劲", 55, vitals={"temp": 37.2})
    assert steroid["level"] == 3 and "C-COMORBID-NEW-SYMPTOM" in ids(steroid)
    # steroids are no neutropenia: a fever on them alone is a work-up, not level 2
    febrile = run("长期吃激素，咳嗽两天，有点发烧", 55, vitals={"temp": 38.1, "hr": 90})
    assert febrile["level"] == 3 and "C-NEUTROPENIC-FEVER" not in ids(febrile)
    transplant = run("换了肾三年，今天发烧三十八度九，浑身酸", 45, vitals={"temp": 38.9})
    assert transplant["level"] == 2 and "C-NEUTROPENIC-FEVER" in ids(transplant)
    spleen = run("前几年车祸脾脏摘掉了，今天打寒战发高烧", 33, vitals={"temp": 39.4})
    assert spleen["level"] == 2 and "N-IMMUNOSUPPRESSED" in ids(spleen)
    assert "N-IMMUNOSUPPRESSED" not in ids(run("脾气不好，切菜切到手", 33))


def test_a_fever_in_cirrhosis_is_level_2() -> None:
    out = run("肝硬化好几年，有腹水，昨晚开始发烧，肚子胀痛", 58, vitals={"temp": 38.4})
    assert out["level"] == 2 and "C-CIRRHOSIS-FEVER" in ids(out)
    calm = run("肝硬化，来拿护肝药，没啥不舒服", 58, vitals={"temp": 36.6})
    assert calm["level"] == 4 and "C-CIRRHOSIS-FEVER" not in ids(calm)


def test_a_new_symptom_in_a_serious_standing_illness_is_a_work_up() -> None:
    out = run("心衰好多年了，这几天没胃口，恶心，没劲", 74, vitals={"temp": 36.8})
    assert out["level"] == 3 and "C-COMORBID-NEW-SYMPTOM" in ids(out)
    refill = run("心衰的，药吃完了，来开一个月的，没啥不舒服", 74)
    assert refill["level"] == 4 and "C-COMORBID-NEW-SYMPTOM" not in ids(refill)
    # the same symptom without the standing illness stays a minor visit
    assert run("这几天没胃口，有点恶心", 40)["level"] == 4


def test_a_fall_on_a_blood_thinner_is_graded_by_the_head() -> None:
    head = run("吃着利伐沙班，早上在厕所滑倒了，后脑勺着地", 76)
    assert head["level"] <= 2 and "C-ANTICOAGULANT-FALL" in ids(head)
    forehead = run("吃华法林的，开柜门撞了下额头，起了个包", 70)
    assert "C-ANTICOAGULANT-FALL" in ids(forehead)
    limb = run("吃华法林的，下台阶摔了一跤，脚踝肿了，头没碰到", 70)
    assert "C-ANTICOAGULANT-FALL" not in ids(limb)
    bruise = run("吃华法林的，胳膊磕了一下，青了一块", 70)
    assert "C-ANTICOAGULANT-FALL" not in ids(bruise) and bruise["level"] == 4


def test_the_state_after_a_stroke_is_history() -> None:
    after = run("中风以后右腿一直不灵便，今天来开降压药", 72)
    assert "C-STROKE-BEFAST" not in ids(after) and after["level"] == 4
    new = run("中风后一直还好，今天早上突然说不出话，右手拿不住筷子", 72)
    assert new["level"] <= 2 and "C-STROKE-BEFAST" in ids(new)


def test_severe_dehydration_is_level_1_only_with_shock_or_coma() -> None:
    lethargic = run("一岁，拉稀三天，一天十几次，喝啥吐啥，哭没有眼泪，老想睡", 1.0)
    assert lethargic["level"] == 2 and "C-CHILD-SEVERE-DEHYDRATION" not in ids(lethargic)
    shocked = run("一岁，拉稀三天，喝啥吐啥，哭没有眼泪，软趴趴的，手脚冰凉", 1.0)
    assert shocked["level"] == 1 and "C-CHILD-SEVERE-DEHYDRATION" in ids(shocked)


def test_a_young_child_who_only_wants_to_sleep_is_lethargic() -> None:
    out = run("四岁，发烧两天，今天老想睡，叫她也懒得睁眼", 4)
    assert out["level"] <= 2 and "C-CHILD-DANGER-SIGNS" in ids(out)


def test_a_clause_that_says_sleep_or_food_is_fine_matches_no_danger_sign() -> None:
    out = run(
        "两个月，昨天打了疫苗，有点低热，吃奶跟平时一样，睡得挺好", 0.17, vitals={"temp": 37.5}
    )
    assert out["level"] == 4 and "C-CHILD-DANGER-SIGNS" not in ids(out)


def test_a_choking_cough_is_a_cough() -> None:
    out = run("喝水老呛咳，这两天加重", 81)
    assert "N-COUGH" in ids(out)


def test_a_decayed_tooth_is_no_insect_bite() -> None:
    tooth = run("左上一颗虫牙，吃东西一咬就疼", 30)
    assert "N-INSECT-BITE" not in ids(tooth) and "N-DENTAL" in ids(tooth)
    assert tooth["disposition"] == "routine"
    assert "N-INSECT-BITE" not in ids(run("肚子里有蛔虫，老咬手指", 8))
