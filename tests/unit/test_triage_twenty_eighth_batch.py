"""Triage mechanisms of the twenty-eighth #16 batch, read from the outside-written development
sets dev50 (``triage_outside_dev50.toml``: injuries by mechanism), dev51
(``triage_outside_dev51.toml``: trouble breathing at every age) and dev52
(``triage_outside_dev52.toml``: heads and nerves); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_wheel_over_a_foot_is_a_limb_injury_not_a_body_run_over() -> None:
    foot = run("三轮车倒车，轮子从右脚面上轧过去，脚肿了", 40)
    assert "C-MAJOR-TRAUMA" not in ids(foot) and foot["level"] >= 3
    assert run("被拖拉机从身上轧过去，叫不醒", 40)["level"] == 1


def test_a_foreign_body_pulled_out_is_no_longer_retained() -> None:
    out = run("踩到钉子扎进脚底，已经拔出来了，出了点血", 40)
    assert "C-WOUND-RETAINED-FB" not in ids(out)
    assert "C-WOUND-RETAINED-FB" in ids(run("玻璃碴扎进手掌，还在里面", 40))


def test_a_head_blow_told_head_first_on_a_blood_thinner() -> None:
    out = run("吃华法林的，骑车翻了，头碰了一下，起了个包", 70)
    assert out["level"] <= 2 and "C-ANTICOAGULANT-FALL" in ids(out)


def test_asking_the_same_question_again_after_a_blow_is_disorientation() -> None:
    out = run("被人打了头，晕了一下，醒了以后一直说了又问", 30)
    assert out["level"] <= 2 and "C-ALTERED-CONSCIOUSNESS" in ids(out)


def test_a_sharp_object_into_the_trunk_is_a_penetrating_injury() -> None:
    out = run("干活时被钢筋扎到肚子，有个小口子", 35)
    assert out["level"] <= 2 and "C-PENETRATING-TRAUMA" in ids(out)
    # an insulin shot into the belly or an operation scar is none
    assert "C-PENETRATING-TRAUMA" not in ids(run("每天打胰岛素扎肚子，来开针头", 60))
    assert "C-PENETRATING-TRAUMA" not in ids(run("剖腹产刀口在肚子上，有点痒", 30))


def test_a_crushed_limb_with_growing_pain_is_a_compartment_syndrome() -> None:
    out = run("一袋水泥砸在小腿上，过了几个钟头越来越胀，脚发麻", 40)
    assert out["level"] <= 2 and "C-COMPARTMENT-SYNDROME" in ids(out)
    bruise = run("一袋水泥砸在小腿上，青了一块，不怎么疼", 40)
    assert "C-COMPARTMENT-SYNDROME" not in ids(bruise)


def test_breathing_told_with_chu_qi_and_a_dropping_collarbone_notch() -> None:
    out = run("两岁，咳起来像狗叫，不咳的时候出气也有嘶嘶声，锁骨上面往下凹", 2)
    assert out["level"] <= 2 and "C-CHEST-INDRAWING" in ids(out)


def test_drooling_told_apart_with_stridor_is_an_airway_about_to_close() -> None:
    out = run("六岁，高烧，嗓子痛得口水不敢咽，往外流，出气有吼声", 6)
    assert out["level"] == 1 and "C-AIRWAY-OBSTRUCTION-IMMINENT" in ids(out)


def test_an_inhaled_seed_with_noisy_breathing_is_level_2() -> None:
    out = run("三岁，吃瓜子呛到了，现在出气呼呼的", 3)
    assert out["level"] == 2 and "C-FB-ASPIRATION-NOISY" in ids(out)
    # noisy breathing alone in an adult with asthma is no inhaled foreign body
    adult = run("哮喘，喷了药好点，嗓子里呼呼响，能说整句话", 35, vitals={"spo2": 96})
    assert "C-FB-ASPIRATION-NOISY" not in ids(adult) and adult["level"] == 3


def test_air_not_enough_is_breathlessness() -> None:
    assert "C-DYSPNOEA" in ids(run("打球时胸口刺了一下，之后觉得气不够用", 19))


def test_a_facial_palsy_with_the_forehead_taken_is_a_bells_palsy() -> None:
    out = run("早上起来左边嘴角漏水，左眼闭不上，额头皱不起来，手脚都有劲，说话清楚", 35)
    assert out["level"] == 4 and "N-BELLS-PALSY" in ids(out)
    stroke = run("突然嘴角歪了，左手拿不住筷子，额头皱不起来", 70)
    assert stroke["level"] <= 2 and "C-STROKE-BEFAST" in ids(stroke)


def test_a_hand_suddenly_unable_to_hold_is_a_stroke_sign() -> None:
    out = run("右手突然没劲拿不住碗，几分钟好了，今天第二回", 72)
    assert out["level"] <= 2 and "C-STROKE-BEFAST" in ids(out)
    assert "C-STROKE-BEFAST" not in ids(run("左手手腕摔肿了，看着有点歪", 30))


def test_eyes_rolled_up_is_a_seizure() -> None:
    assert "C-SEIZURE" in ids(run("在教室突然倒地，眼睛往上翻，手脚抖", 16))
