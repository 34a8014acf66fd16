"""Triage mechanisms of the fiftieth #16 batch, read from the outside-written development sets
dev114 (``triage_outside_dev114.toml``: preschool children 3–6), dev115
(``triage_outside_dev115.toml``: two or three problems in one visit) and dev116
(``triage_outside_dev116.toml``: women's health outside pregnancy and after it); firing and
non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_nosebleed_told_stopped_draws_no_similarity_match_back() -> None:
    out = run("鼻子流了好多血，捏着鼻子按了几分钟已经止住了", 5)
    assert "C-ACUTE-EYE-EAR" not in ids(out) and out["level"] == 4


def test_spots_that_do_not_fade_under_a_finger() -> None:
    out = run("发烧，腿上有小红点，用手按着也不褪", 4)
    assert "C-SEPSIS-SIGNS" in ids(out) and out["level"] == 2
    assert "C-SEPSIS-SIGNS" not in ids(run("身上起了红疹子，按一下就没了", 4))


def test_head_and_mouth_injuries_of_small_children() -> None:
    out = run("额头撞到门框，裂了个口子", 5)
    assert "C-HEAD-INJURY" in ids(out) and out["level"] == 3
    # with a vomit it is the high-risk head injury (level 2)
    assert run("额头撞到门框，裂了个口子，吐了一回", 5)["level"] == 2
    out = run("含着牙刷摔倒，牙刷戳到嘴里出血了", 4)
    assert "C-ORAL-PENETRATING-INJURY" in ids(out) and out["level"] == 3
    assert "C-ORAL-PENETRATING-INJURY" not in ids(run("用牙刷刷牙，牙龈出了点血", 30))


def test_mild_croup_told_as_quiet_breathing() -> None:
    out = run("咳嗽像狗叫，安静的时候喘气不响，胸口不凹，能吃能玩", 3)
    assert "N-CROUP-MILD" in ids(out) and out["level"] == 4


def test_one_side_of_a_foot_or_hand_is_half_of_it_and_the_foot_s_back_no_back() -> None:
    out = run("开水烫到右小腿和脚背，起了好多泡", 4)
    assert "M-BURN-MAJOR-CHILD" not in ids(out) and out["level"] == 3
    from appliance.clinical.findings_burns import burn_area_from_regions

    area = burn_area_from_regions("开水烫到右小腿和脚背，起了好多泡")
    assert area is not None and area[0] == 8.25  # 6.5 + 1.75, not the back's 13


def test_fingertips_limps_and_wheels() -> None:
    out = run("门夹了手，指尖掉了一块肉", 5)
    assert "C-FINGERTIP-INJURY" in ids(out) and out["level"] == 3
    assert "C-FINGERTIP-INJURY" not in ids(run("剪指甲剪到肉，出了点血", 30))
    out = run("腿不肯落地，发烧39度", 4)
    assert "C-FEVER-LIMP-CHILD" in ids(out) and out["level"] == 3
    out = run("坐电动车后座，脚卷进车轮里，脚后跟蹭破一块，肿了", 6)
    assert "N-SPOKE-INJURY" in ids(out) and out["level"] == 3
    assert run("脚卷进脱粒机里，血肉模糊", 40)["level"] <= 2


def test_chewable_calcium_counted_is_no_overdose() -> None:
    assert run("把一瓶钙片当糖吃了，十几片，现在好好的", 3)["level"] == 4
    assert run("把奶奶的降压药吃了十几片", 3)["level"] <= 2


def test_a_pesticide_drunk_told_apart() -> None:
    out = run("喝了家里打麦子的农药，嘴里吐白沫", 40)
    assert "C-ORGANOPHOSPHATE" in ids(out) and out["level"] == 1
    assert "C-ORGANOPHOSPHATE" not in ids(run("吵完架说想喝农药，被拦下了", 40))


def test_bleeding_after_a_miscarriage_at_home_with_faintness() -> None:
    assert run("在家小产了，血多，一个钟头湿透一片，站起来眼前就发黑", 30)["level"] <= 2


def test_a_voice_at_the_ear_after_a_birth_is_postpartum_psychosis() -> None:
    out = run("生完孩子半个月，说有人在耳朵边讲话，让她把孩子扔了", 26)
    assert "C-POSTPARTUM-PSYCHOSIS" in ids(out) and out["level"] == 2


def test_blood_on_the_paper_after_a_birth_is_no_postpartum_haemorrhage() -> None:
    out = run("坐月子大便干，擦屁股纸上有点血", 28)
    assert "C-POSTPARTUM-BLEEDING" not in ids(out)
    assert "C-POSTPARTUM-BLEEDING" in ids(run("坐月子，下身出血比前几天多", 28))


def test_an_operation_years_back_is_no_recent_one() -> None:
    assert "C-VTE-HIGH-RISK" not in ids(run("前年做过手术，这几天一条腿肿", 60))
    assert "C-VTE-HIGH-RISK" in ids(run("上个礼拜刚做完手术，这两天一条腿肿", 60))


def test_a_feared_exposure_is_a_suspicion() -> None:
    assert run("怕孩子吃了奶奶的降压药，药瓶开着", 3)["level"] <= 2
    assert run("万一被毒蛇咬了呢，脚上有两个小眼", 40)["level"] <= 2
    assert run("我怕跟隔壁那个一样休克", 40)["level"] == 4


def test_lay_words_of_the_batch() -> None:
    assert "N-VISIBLE-HAEMATURIA" in ids(run("尿里带血，尿的时候不疼", 60))
    assert "N-DIAPHORESIS" in ids(run("胃里不舒服，脑门上一层汗", 66))
    assert "C-FRACTURE" in ids(run("摔倒手撑地，手腕肿了，看着往上拱", 70))
    assert "N-MILD-SYSTEMIC" in ids(run("这几天不大吃饭，精神头不如以前", 80))
    assert "C-MELAENA" not in ids(run("大便带点鲜血，痔疮多年，大便不黑", 50))


def test_a_reproducible_left_chest_pain_under_forty_told_plainly_is_chest_wall() -> None:
    out = run("前天搬柜子，左边胸口疼，一按就疼，不喘不出汗", 35)
    assert "N-CHEST-WALL-PAIN" in ids(out) and out["level"] == 4
    assert run("左边胸口疼，一按就疼，疼得往左胳膊窜", 35)["level"] <= 2


def test_the_read_sets_check_of_the_batch() -> None:
    # a cracked nipple is no head wound (奶头 holds 头)
    assert "C-HEAD-INJURY" not in ids(run("喂奶喂得奶头裂了个口子，一吸就疼", 26))
    # a heel torn to the bone in a wheel stays a mangled limb
    assert run("脚卷进电动车后轮，脚后跟一块肉翻起来，看得到骨头", 6)["level"] <= 2
    # both feet blistered are the special area, whatever their share
    out = run("两只脚面都烫起了大水泡", 40)
    assert "C-BURN-SPECIAL-AREA" in ids(out) and out["level"] == 3


def test_a_feared_exposure_needs_the_act_not_the_word() -> None:
    # the verb with its aspect: "吃不消", "不舒服" are no ingestion, the fear still drops the mention
    assert run("我怕他不舒服晕倒", 60)["level"] == 4
    # the bite may stand after the mention, in its clause
    assert "C-SNAKEBITE" in ids(run("万一被毒蛇咬了呢，脚上有两个小眼", 40))


def test_a_young_adult_s_chest_pain_with_heart_disease_told_is_not_cleared() -> None:
    # the chest-wall row clears the ACS term only when no cardiac history is told
    assert run("放了支架两年，左边胸口疼，一按就疼", 38)["level"] <= 2
