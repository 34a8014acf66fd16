"""Triage mechanisms of the forty-eighth #16 batch, read from the outside-written development sets
dev108 (``triage_outside_dev108.toml``: limbs and circulation), dev109
(``triage_outside_dev109.toml``: near pairs across the body systems) and dev110
(``triage_outside_dev110.toml``: babies and toddlers under three); firing and non-firing (wording
ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_tetanus_shot_not_had_is_no_tetanus() -> None:
    out = run("破伤风好几年没打了，手上划了个小口子", 40)
    assert "C-TETANUS" not in ids(out) and out["level"] == 4
    assert "C-TETANUS" in ids(run("脚被钉子扎了，现在嘴张不开，得了破伤风", 40))


def test_a_cast_with_pain_growing_is_compartment_syndrome() -> None:
    out = run("小腿骨折打了石膏，越疼越厉害", 30)
    assert "C-COMPARTMENT-SYNDROME" in ids(out) and out["level"] == 2


def test_a_burn_round_a_limb_or_leathery_is_deep_and_with_cold_fingers_threatens_the_limb() -> None:
    out = run("袖子着了火，右胳膊烧了一整圈，皮发白发硬像皮革", 40)
    assert "C-BURN-DEEP-OR-CIRCUMFERENTIAL" in ids(out) and out["level"] == 2
    # food burnt in the pan is not the skin
    assert "C-BURN-DEEP-OR-CIRCUMFERENTIAL" not in ids(run("手烫了一下，锅里的菜都烧焦了", 30))


def test_both_lower_legs_burnt_are_two_regions_and_a_trouser_leg_is_no_leg() -> None:
    out = run("两条小腿前面烧了，有的起泡有的发红，裤腿烧了个洞", 40)
    assert "M-BURN-MODERATE" in ids(out) and out["level"] == 3
    # a fever told with 烧 is no burn
    assert run("孩子烧了两天，两条腿都是疹子", 40)["level"] == 4


def test_stuck_to_a_live_current_is_an_electrical_injury() -> None:
    assert run("修插座被电吸住了，好几秒才甩开，现在人清醒", 40)["level"] <= 2


def test_a_back_pain_like_a_knife_cutting_is_a_tearing_pain() -> None:
    out = run("背上突然像刀割一样疼", 60)
    assert "C-TEARING-PAIN" in ids(out) and out["level"] == 2


def test_a_swollen_leg_with_a_cold_foot_threatens_the_limb() -> None:
    out = run("左腿肿了三天，肿得跟水桶似的，脚那头有点凉", 60)
    assert "C-LIMB-THREAT" in ids(out) and out["level"] == 2
    assert "C-LIMB-THREAT" not in ids(run("左腿肿了三天，小腿肚子胀疼", 60))


def test_chest_tightness_told_apart_and_lying_flat_with_a_clot_in_pregnancy() -> None:
    assert "C-CHEST-TIGHTNESS" in ids(run("今天胸口发闷", 50))
    out = run("怀孕八个月，右小腿肿了好几天，今天一躺下就喘", 28)
    assert "C-PE-SUSPECTED" in ids(out) and out["level"] <= 2


def test_a_left_shoulder_ache_with_a_sweat_in_a_diabetic_is_an_acs() -> None:
    out = run("左边肩膀酸胀，出虚汗，心里犯恶心。血糖高好几年了", 60)
    assert "C-CHEST-PAIN-ACS" in ids(out) and out["level"] == 2
    # a sweat from work alone does not make it one
    assert run("干活出了一身汗，左肩膀酸", 50)["level"] == 4


def test_confusion_told_by_the_family() -> None:
    out = run("老伴说他从昨天开始有点糊涂，把儿子叫成他兄弟", 80)
    assert "C-ALTERED-CONSCIOUSNESS" in ids(out) and out["level"] == 2
    assert run("医生说的我有点糊涂，这个药怎么吃", 70)["level"] == 4
    # a normal state told with an intensifier is no confusion for the semantic matcher
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(run("脑子清楚得很", 50))


def test_bouts_of_crying_with_a_bloody_mucus_stool_are_intussusception() -> None:
    out = run("一阵一阵地哭，哭起来两条腿往肚子上缩，拉了点红红的像鼻涕一样的东西", 1)
    assert "C-INTUSSUSCEPTION" in ids(out) and out["level"] == 2
    assert "C-INTUSSUSCEPTION" not in ids(run("一阵一阵地哭，拉了几次，屁股红红的", 1))


def test_a_flat_shiny_disc_swallowed_is_a_button_battery() -> None:
    out = run("他玩电子秤，把里头一颗扁扁的亮片片吞下去了", 2)
    assert "C-BUTTON-BATTERY" in ids(out) and out["level"] == 2
    assert "C-BUTTON-BATTERY" not in ids(run("衣服上的亮片掉了一个", 2))


def test_a_child_into_a_medicine_bottle_with_an_unknown_number_taken() -> None:
    out = run("爷爷的降压药瓶子叫他拧开了，撒了一地，不晓得吃进去几颗", 2)
    assert "C-CHILD-INGESTION" in ids(out) and out["level"] == 2
    assert "C-CHILD-INGESTION" not in ids(run("孩子把药瓶拧开了，数了数一颗没少", 3))


def test_little_urine_told_as_one_wee_or_a_dry_nappy_is_dehydration() -> None:
    assert "C-DEHYDRATION-TOLD" in ids(run("拉肚子三天，今天就尿了一泡", 2))
    assert "C-DEHYDRATION-TOLD" in ids(run("拉肚子，尿布半天都不怎么湿", 1))
    assert "C-DEHYDRATION-TOLD" not in ids(run("尿布换成干的了，孩子好好的", 1))


def test_hfmd_told_by_its_spots_with_startles_is_severe() -> None:
    out = run("手上脚上起疹子，嘴巴里烂了，烧两天了，睡觉老是一惊一惊的", 2)
    assert "C-HFMD-SEVERE-SIGNS" in ids(out) and out["level"] == 2
    # spots on the hands and feet with an itch and one vomit, no mouth ulcers: not HFMD told
    assert run("手上脚上起了些疹子，痒，吐了一回", 3)["level"] > 2


def test_jaundice_on_the_first_day_of_life() -> None:
    out = run("昨天半夜在家里生的，今早上身上就黄了", 0.003)
    assert "C-NEONATAL-JAUNDICE-SEVERE" in ids(out) and out["level"] == 2
    # at a week old the same jaundice is the level-3 bilirubin check
    assert run("生下来一个礼拜，身上有点黄，吃奶好", 0.02)["level"] == 3


def test_hard_to_wake_for_a_feed_is_lethargy_not_a_coma() -> None:
    out = run("生下来第四天，这一天叫不醒吃奶，吃两口就睡过去", 0.011)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out) and out["level"] == 2


def test_cough_with_a_wheeze_or_rattle_under_two_is_bronchiolitis() -> None:
    out = run("五个月，咳嗽带喘三天了，嗓子里呼噜呼噜的", 0.42)
    assert "C-BRONCHIOLITIS" in ids(out) and out["level"] == 3
    # snoring is no rattle
    assert "C-BRONCHIOLITIS" not in ids(run("晚上睡觉打呼噜呼噜的，有点咳", 1))


def test_a_child_with_a_fever_who_limps_or_will_not_stand() -> None:
    out = run("这两天走路一瘸一拐，今天不肯站了", 2, vitals={"temp": 38.6})
    assert "C-FEVER-LIMP-CHILD" in ids(out) and out["level"] == 3
    assert "C-FEVER-LIMP-CHILD" not in ids(run("崴了脚，走路一瘸一拐", 8))


def test_a_coin_with_food_coming_back_up_is_held_in_the_gullet() -> None:
    out = run("吞了个一块钱的钢镚，吃饭吃两口就吐出来", 2)
    assert "C-FB-OESOPHAGEAL" in ids(out) and out["level"] == 3


def test_a_colour_alone_after_a_bruise_is_no_cyanosis() -> None:
    out = run("大腿外边一大片乌青，紫得发黑，看着吓死人", 40)
    assert "C-AIRWAY-SEVERE-DYSPNOEA" not in ids(out) and out["level"] >= 3
    assert run("嘴唇发紫，喘不上气", 40)["level"] == 1


def test_the_back_of_the_neck_is_no_headache() -> None:
    out = run("脖子后头疼，早上起来脑袋扭不过来了", 40)
    assert "C-THUNDERCLAP-HEADACHE" not in ids(out)


# ---- the hook's read of the batch (s19b): each a defect the batch or s19a had brought in, or one
# found beside them


def test_a_breath_has_no_site_so_a_limb_in_the_clause_keeps_the_arrest() -> None:
    # s19a's site rule had also blanked "没有呼吸" in a clause naming a leg (level 4)
    assert run("抽完腿就软了没有呼吸", 60)["level"] == 1


def test_a_fever_and_a_trip_round_the_hospital_is_no_deep_burn() -> None:
    assert run("烧了两天，带他去医院转了一圈", 3)["level"] == 4


def test_a_cut_that_hurts_like_a_knife_is_no_tearing_pain() -> None:
    assert "C-TEARING-PAIN" not in ids(run("背上被玻璃划了，像刀割一样疼", 30))
    assert "C-TEARING-PAIN" in ids(run("背上突然像刀割一样疼了一阵", 60))


def test_a_fallen_arms_pain_with_a_sweat_is_no_acs() -> None:
    out = run("左胳膊摔了，疼，出了一身冷汗，恶心", 50)
    assert "C-CHEST-PAIN-ACS" not in ids(out)


def test_a_small_round_pill_is_no_button_battery() -> None:
    assert "C-BUTTON-BATTERY" not in ids(run("那个白色的小圆片药吃下去就好了", 60))


def test_a_burning_pain_is_no_burn() -> None:
    # pre-existing: "烧着" read a burning pain as a burn, and "两条腿都…" gave it the legs' area
    assert run("背上烧着疼，两条腿都麻", 60)["level"] == 4
    assert "M-BURN-MAJOR" not in ids(run("胃里烧着难受，两条腿都没劲", 60))
    assert "M-BURN-MAJOR" in ids(run("被火烧着了，两条腿都起了泡", 40))


def test_an_age_of_zero_years_is_not_the_first_day() -> None:
    # the before-stop read: writers give infants of weeks or months age 0 (whole years)
    out = run("宝宝出生二十天了，身上有点黄，吃奶好", 0)
    assert "C-NEONATAL-JAUNDICE-SEVERE" not in ids(out)
    # an age of 0 with the first day told in the text still counts
    out = run("出生一天，脸和身上都黄了", 0)
    assert out["level"] <= 2
