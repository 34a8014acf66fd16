"""Triage mechanisms of the forty-third #16 batch, read from the outside-written development sets
dev94 (``triage_outside_dev94.toml``: infants and toddlers under three), dev95
(``triage_outside_dev95.toml``: chest pain, breathlessness and palpitations in adults) and dev96
(``triage_outside_dev96.toml``: poisonings and the environment in the countryside); firing and
non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_measures import longest_days
from tests.unit._triage_service import ids, run


def test_an_age_in_months_is_no_spell_of_illness() -> None:
    assert longest_days("8个月男娃发烧两天") == 2
    assert longest_days("3个月大的宝宝咳了一天") == 1
    assert longest_days("咳了两个月") == 60
    # 大 after a unit is an age only as "大的", "大了" or at a clause end ("三天大便没解" is a spell)
    assert longest_days("三天大便都没解") == 3
    assert longest_days("两个月大，发烧一天") == 1


def test_a_comparison_with_before_is_a_change_now_not_history() -> None:
    out = run("拉肚子四天，尿比以前少多了", 1)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" in ids(out) and out["level"] == 3
    # the past itself stays history
    assert "C-STROKE-BEFAST" not in ids(run("以前中过风，这回是手上长了湿疹", 70))


def test_a_sunken_fontanelle_told_plainly_is_a_danger_sign() -> None:
    out = run("上吐下泻两天，囟门有点凹", 0.5)
    assert out["level"] <= 2 and "C-CHILD-DANGER-SIGNS" in ids(out)


def test_no_urine_all_day_reads_as_dehydration_but_not_an_empty_catheter_bag() -> None:
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" in ids(run("拉稀两天，今天一整天没尿", 2))
    out = run("插着尿管，今天袋子里没尿了，肚子胀", 80)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" not in ids(out)


def test_a_bump_on_the_forehead_after_a_fall_with_vomiting() -> None:
    out = run("从床上摔下来，额头起了个大包，吐了两回", 1)
    assert out["level"] <= 2 and "C-HEAD-INJURY-HIGH-RISK" in ids(out)


def test_croup_with_stridor_when_calm() -> None:
    out = run("咳起来像狗叫，安静的时候喉咙里也呼呼响", 2)
    assert out["level"] == 2 and "C-CROUP-MODERATE" in ids(out)
    assert "C-CROUP-MODERATE" not in ids(run("咳起来像狗叫，哭的时候嗓子才有点响", 2))


def test_a_neck_bent_in_a_tumble_with_numb_hands() -> None:
    out = run("翻跟头时窝了脖子，两只手发麻", 10)
    assert out["level"] <= 2 and "N-NECK-INJURY" in ids(out)
    # sitting curled on a sofa is no injury
    assert "N-NECK-INJURY" not in ids(run("窝在沙发上看手机，脖子酸", 30))


def test_the_neck_wound_is_read_by_its_words_only() -> None:
    assert "C-NECK-WOUND" in ids(run("碎玻璃划到右边脖子，出血", 30))
    # a stiff, thick or tight neck is no wound (the finding is outside the semantic bank)
    for text in ("脖子有点硬", "脖子粗了，心慌手抖", "后脖子发紧，血压高"):
        assert "C-NECK-WOUND" not in ids(run(text, 40))


def test_answers_that_come_are_no_confusion() -> None:
    out = run("咳嗽三天，问话都答得上", 75)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(out)


def test_orthopnoea_and_swollen_ankles_in_an_older_adult() -> None:
    out = run("晚上要垫两个枕头才睡得着，脚脖子肿", 78)
    assert out["level"] == 3 and "C-HEART-FAILURE-WORSENING" in ids(out)
    assert "C-HEART-FAILURE-WORSENING" not in ids(run("脚脖子肿，站久了就这样", 78))


def test_a_blocked_nose_is_no_breathlessness() -> None:
    out = run("鼻炎，晚上鼻子堵得喘气费劲", 40)
    assert "C-DYSPNOEA" not in ids(out)
    assert "C-DYSPNOEA" in ids(run("晚上喘气费劲，躺不下", 40))


def test_an_asthmatic_for_a_refill_not_wheezing_for_days() -> None:
    out = run("哮喘老毛病，药用完了来开药，这几天不喘", 50)
    assert "C-ASTHMA-COPD-EXACERBATION" not in ids(out) and out["level"] == 4


def test_a_fish_bone_in_view_or_eating_as_usual() -> None:
    out = run("鱼刺卡住了，张嘴能看见扁桃体上扎着", 30)
    assert "N-FISH-BONE-SEEN" in ids(out) and out["level"] == 4
    out = run("鱼刺卡住了，咽口水都痛，吃不下", 30)
    assert "C-FOREIGN-BODY-STUCK" in ids(out) and out["level"] == 3


def test_syncope_while_carrying_a_load() -> None:
    out = run("扛麻袋的时候晕倒了，一会儿醒了", 55)
    assert out["level"] <= 2 and "C-SYNCOPE-EXERTIONAL" in ids(out)


def test_vomiting_the_morning_after_mushrooms_picked_on_the_hill() -> None:
    out = run("昨天晚上吃了山上采的蘑菇，今天早上才开始吐", 40)
    assert out["level"] <= 2 and "C-MUSHROOM-DELAYED" in ids(out)
    # button mushrooms bought at market are no wild mushrooms
    assert "C-MUSHROOM-POISONING" not in ids(run("吃了白蘑菇炒肉，拉了两回", 40))


def test_lightning_striking_nearby() -> None:
    out = run("打雷的时候雷打到旁边的树，人倒了一会儿才醒", 30)
    assert out["level"] <= 2
