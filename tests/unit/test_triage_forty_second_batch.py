"""Triage mechanisms of the forty-second #16 batch, read from the outside-written development sets
dev91 (``triage_outside_dev91.toml``: the elderly over 75 told by their carers), dev92
(``triage_outside_dev92.toml``: rural injuries) and dev93 (``triage_outside_dev93.toml``: Pearl
River Delta factory towns, told in Cantonese); firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_text import fold
from tests.unit._triage_service import ids, run


def test_cantonese_eat_drink_and_speech_fold_to_mandarin() -> None:
    assert fold("食咗饭") == "吃了饭"
    assert fold("饮唔落") == "喝不下"
    assert fold("讲嘢唔清楚") == "说话不清楚"
    assert fold("而家") == "现在"
    # 食 and 饮 as parts of other words stay
    for word in ("食管", "食物中毒", "饮食", "进食", "食指", "零食", "冷饮"):
        assert fold(word) == word


def test_cantonese_stroke_overdose_and_vomiting_are_read() -> None:
    out = run("今朝食早餐突然讲嘢唔清楚，右手揸唔稳双筷子", 66)
    assert out["level"] <= 2 and "C-STROKE-BEFAST" in ids(out)
    out = run("同老公嗌交，食咗成板安眠药", 30)
    assert out["level"] <= 2 and "M-TABLETS-OVERDOSE" in ids(out)
    out = run("食乜呕乜，连水都饮唔落", 30)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" in ids(out)


def test_singed_nose_hair_told_as_burnt_off_with_a_hoarse_voice() -> None:
    out = run("柴房着火冲进去救人，鼻毛都烧光了，声音哑了", 50)
    assert out["level"] == 1 and "C-INHALATION-BURN" in ids(out)


def test_crush_for_hours_with_dark_urine() -> None:
    out = run("墙塌了，大腿被砖压了两个多钟头，尿像酱油", 40)
    assert out["level"] <= 2 and "C-CRUSH-SYNDROME" in ids(out)


def test_a_dog_bite_to_the_neck_is_a_neck_wound() -> None:
    out = run("被狗扑倒，脖子咬了两个口子", 8)
    assert out["level"] <= 2 and "C-NECK-WOUND" in ids(out)
    assert "C-NECK-WOUND" not in ids(run("被狗咬了小腿，两个牙印", 8))


def test_a_cut_on_the_eyeball_is_an_open_globe() -> None:
    out = run("铁屑崩到右眼，眼珠上有个小口子", 40)
    assert out["level"] <= 2 and "C-OPEN-GLOBE" in ids(out)
    # a cut of the eyelid is not the eyeball
    assert "C-OPEN-GLOBE" not in ids(run("羊角顶到眼睛，上眼皮裂了个口子，看东西清楚", 8))


def test_a_handlebar_into_the_belly_with_pallor_or_a_fast_pulse() -> None:
    out = run("骑车摔了，车把顶到肚子，脸色发白", 10, vitals={"hr": 130})
    assert out["level"] <= 2 and "C-BLUNT-ABDOMINAL-TRAUMA" in ids(out)
    out = run("骑车摔了，车把顶到肚子，有点疼", 10, vitals={"hr": 90})
    assert out["level"] == 3 and "N-BELLY-STRUCK" in ids(out)
    # fullness or rumbling is no blow (these words stay out of the semantic bank)
    assert "N-BELLY-STRUCK" not in ids(run("肚子咕噜咕噜的，有点胀", 30))


def test_mass_stings_with_a_reaction_in_two_systems() -> None:
    out = run("被马蜂蜇了三十来下，头晕，想吐", 45)
    assert out["level"] <= 2 and "C-STINGS-SYSTEMIC-REACTION" in ids(out)
    # dizziness alone is no systemic reaction
    out = run("被马蜂蜇了三十来下，有点头晕", 45)
    assert "C-STINGS-SYSTEMIC-REACTION" not in ids(out) and out["level"] == 3


def test_a_leg_swollen_with_words_between() -> None:
    out = run("右腿从膝盖往下都肿了，四天了，按着疼", 78)
    assert out["level"] == 3 and "C-DVT-SUSPECTED" in ids(out)
    assert "C-DVT-SUSPECTED" not in ids(run("右腿不肿，就是有点酸", 78))


def test_bruises_by_count_and_gums_that_bleed_on_a_blood_thinner() -> None:
    out = run("吃利伐沙班的，牙龈老出血，腿上好几块乌青", 79)
    assert out["level"] == 3 and "C-BLEEDING-TENDENCY" in ids(out)
    assert "N-BRUISES-UNEXPLAINED" not in ids(run("买了几块青团回来吃", 40))


def test_an_older_adults_fever_by_the_idsa_definition() -> None:
    # a fever told and a reading above 37.2 are two readings (IDSA 2009), at 65 or older
    out = run("咳嗽三天，有点发烧", 80, vitals={"temp": 37.6})
    assert out["level"] == 3 and "C-LRTI-OLDER" in ids(out)
    # not in a younger adult, and not without a fever told
    assert "C-LRTI-OLDER" not in ids(run("咳嗽三天，有点发烧", 40, vitals={"temp": 37.6}))
    assert "C-LRTI-OLDER" not in ids(run("咳嗽三天", 80, vitals={"temp": 37.6}))


def test_an_older_adult_with_diarrhoea_and_a_dry_mouth() -> None:
    out = run("拉稀三天，一天四五回，嘴巴干", 85)
    assert out["level"] == 3 and "C-PERSISTENT-VOMITING-DEHYDRATION" in ids(out)
    # a hangover's dry mouth and nausea in a young adult is none
    out = run("昨晚喝多了，今早口干、有点恶心", 30)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" not in ids(out)


def test_an_older_adult_who_blacks_out_on_standing() -> None:
    out = run("换了降压药以后，一站起来就眼前发黑", 80)
    assert out["level"] == 3 and "C-ORTHOSTATIC-OLDER" in ids(out)
    # a young adult after squatting: seconds, no level
    out = run("蹲久了一站起来眼前发黑，几秒就好了", 20)
    assert out["level"] == 4


def test_landing_on_the_heels_from_a_height() -> None:
    out = run("从墙头跳下来，脚后跟先着地，肿了", 35)
    assert out["level"] == 3 and "C-HEEL-LANDING-INJURY" in ids(out)
    assert "C-HEEL-LANDING-INJURY" not in ids(run("跳绳跳多了，脚跟着地时有点痛", 12))


def test_an_adult_burn_told_as_ten_percent_or_more() -> None:
    out = run("热油泼到两条胳膊和胸口，起泡，有十二三个巴掌大", 40)
    assert out["level"] <= 2 and "M-BURN-MODERATE-ADULT" in ids(out)
    out = run("开水烫了两条小腿，大概占全身百分之八", 40)
    assert "M-BURN-MODERATE-ADULT" not in ids(out) and out["level"] == 3


def test_wound_with_a_weak_or_numb_finger() -> None:
    out = run("铁皮刮开前臂，手指有点没力", 25)
    assert out["level"] == 3 and "C-WOUND-DEEP-STRUCTURE" in ids(out)
    out = run("手指割了个小口子，活动好", 25)
    assert "C-WOUND-DEEP-STRUCTURE" not in ids(out)


def test_nail_split_in_a_punch_press_and_a_fish_bone_in_the_throat() -> None:
    assert "C-NAIL-BED-INJURY" in ids(run("冲床压到食指，指甲盖裂开了", 28))
    out = run("鱼骨卡喉，咽口水都痛", 50)
    assert out["level"] == 3 and "C-FOREIGN-BODY-STUCK" in ids(out)


def test_something_in_the_eye_with_vision_as_usual() -> None:
    out = run("割麦子时麦芒飞进左眼，流眼泪，看东西跟平时一样", 55)
    assert out["level"] == 4
