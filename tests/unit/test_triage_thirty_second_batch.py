"""Triage mechanisms of the thirty-second #16 batch, read from the outside-written development sets
dev62 (``triage_outside_dev62.toml``: breathing, cough and fever), dev63
(``triage_outside_dev63.toml``: headache, dizziness, weakness and the nervous system) and dev64
(``triage_outside_dev64.toml``: mind, mood and behaviour); firing and non-firing (wording
ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_rope_bought_with_despair_is_a_prepared_suicide() -> None:
    out = run("最近真的熬不下去了，农药都备在柜子里了", 41)
    assert out["level"] == 2 and "C-SUICIDE-PREPARED" in ids(out)
    farm = run("农药打完了手上起了疹子，痒", 41)
    assert "C-SUICIDE-PREPARED" not in ids(farm) and farm["level"] > 2


def test_an_intent_told_for_next_time_after_self_harm() -> None:
    out = run("手臂上划了几道，她说下次还割", 16)
    assert out["level"] == 2 and "C-SUICIDE-RISK" in ids(out)
    assert "C-SUICIDE-RISK" not in ids(run("切菜把手指割了个口子", 16))
    assert "C-SUICIDE-RISK" not in ids(run("医生说下次多吃点蔬菜，便秘", 40))


def test_self_harm_told_by_the_wounds_or_the_arm_cut() -> None:
    out = run("心里烦的时候就用刀片划胳膊，今天口子有点深", 17)
    assert "C-SELF-HARM-ACT" in ids(out) and out["level"] <= 3
    told = run("小臂上好多道刀口，说心里难受", 19)
    assert "C-SELF-HARM-ACT" in ids(told)


def test_voices_telling_her_what_to_do_and_a_relative_replaced() -> None:
    voices = run("这几天说听见有人让她去跳河，一个人在屋里嘀咕", 35)
    assert "C-ACUTE-PSYCHOSIS" in ids(voices)
    capgras = run("说他老婆是冒牌货，真的被人藏起来了", 50)
    assert "C-ACUTE-PSYCHOSIS" in ids(capgras)
    itch = run("身上痒得像有虫子在爬，起了一片红疙瘩", 50)
    assert "C-ACUTE-PSYCHOSIS" not in ids(itch)


def test_psychosis_after_a_birth_is_level_2() -> None:
    out = run("坐月子第二个礼拜，说听见有人叫她把娃扔了，好几天没睡", 27)
    assert out["level"] == 2 and "C-POSTPARTUM-PSYCHOSIS" in ids(out)
    sad = run("生完孩子一个月，心情不好，爱哭，能吃能睡", 27)
    assert "C-POSTPARTUM-PSYCHOSIS" not in ids(sad) and sad["level"] > 2


def test_psychosis_with_violence_done_or_threatened() -> None:
    chase = run("老说有人要害他，今天拿棒子追着打人", 40)
    assert chase["level"] == 2 and "C-PSYCHOSIS-DANGEROUS" in ids(chase)
    calm = run("有幻听好几年了，一直吃药，今天来拿药", 40)
    assert "C-PSYCHOSIS-DANGEROUS" not in ids(calm)


def test_catatonia() -> None:
    out = run("两天不吃不喝也不说话，胳膊摆成什么样就一直那样", 25)
    assert out["level"] == 2 and "C-CATATONIA" in ids(out)
    assert "C-CATATONIA" not in ids(run("感冒了不想吃饭，话也懒得说", 25))


def test_alcohol_withdrawal_when_the_family_stopped_the_drink() -> None:
    out = run("老酒鬼，这两天家里不让喝了，今天说床底下有虫子，手直抖", 55)
    assert out["level"] == 2 and "C-ALCOHOL-WITHDRAWAL" in ids(out)


def test_the_usual_confusion_of_a_dementia_told_later_in_the_sentence() -> None:
    usual = run("老年痴呆好几年了，说话颠三倒四，儿子说平时就这样，今天咳嗽两天", 82)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(usual)
    new = run("老年痴呆，今天突然说话颠三倒四，跟平时不一样", 82)
    assert "C-ALTERED-CONSCIOUSNESS" in ids(new) and new["level"] <= 2


def test_a_moment_of_muddle_after_a_blow_is_not_a_lasting_confusion() -> None:
    out = run("骑车摔了，头上破了个口子，当时懵了一下，现在啥都记得", 30)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(out) and "C-HEAD-INJURY" in ids(out)
    assert "C-ALTERED-CONSCIOUSNESS" in ids(run("摔了以后一直迷迷糊糊的", 30))


def test_saliva_running_down_the_chin_with_stridor_is_an_airway_closing() -> None:
    out = run("孩子发高烧，口水不愿咽，往下流，吸气时喉咙有响声", 3)
    assert out["level"] == 1 and "C-AIRWAY-OBSTRUCTION-IMMINENT" in ids(out)
    teething = run("口水多，往下流，在长牙", 1)  # drooling alone, no noisy breathing
    assert "C-AIRWAY-OBSTRUCTION-IMMINENT" not in ids(teething) and teething["level"] == 4


def test_whooping_cough_fits_in_a_young_baby() -> None:
    baby = run("3个月的娃，一咳就一连串停不下来，咳完憋得通红", 0.25)
    assert baby["level"] == 2 and "C-PERTUSSIS-INFANT" in ids(baby)
    older = run("3岁，咳嗽一个礼拜，一咳一连串", 3)
    assert "C-PERTUSSIS-INFANT" not in ids(older)


def test_single_words_with_low_oxygen_is_severe_respiratory_distress() -> None:
    out = run("喘得厉害，说话只能一个字地往外挤", 60, vitals={"spo2": 87})
    assert out["level"] == 1 and "C-RESP-DISTRESS-SEVERE" in ids(out)
    ok = run("喘得厉害，说话只能一个字地往外挤", 60, vitals={"spo2": 95})
    assert "C-RESP-DISTRESS-SEVERE" not in ids(ok)


def test_bleeding_by_mouthfuls_and_with_low_oxygen() -> None:
    mouthfuls = run("今天咳了两三口鲜血", 52)
    assert "C-MAJOR-BLEEDING" in ids(mouthfuls) and mouthfuls["level"] == 2
    airway = run("吐血一口接一口，止不住", 52, vitals={"spo2": 86, "hr": 120})
    assert airway["level"] == 1 and "C-BLEEDING-HYPOXIA" in ids(airway)
    assert "C-MAJOR-BLEEDING" not in ids(run("痰里有一点血丝", 52))


def test_coffee_coloured_vomit_told_as_stuff() -> None:
    out = run("早上吐出来一些咖啡色的东西，现在不吐了", 60)
    assert out["level"] == 3 and "C-MELAENA" in ids(out)


def test_fever_with_pain_behind_the_eyes_is_probable_dengue() -> None:
    out = run("发烧三天，眼睛后面疼，浑身酸", 30)
    assert out["level"] == 3 and "C-DENGUE-PROBABLE" in ids(out)
    assert "C-EYE-EMERGENCY" not in ids(out)
    assert "C-DENGUE-PROBABLE" not in ids(run("看手机久了眼睛后面疼", 30))


def test_speech_that_is_not_fluent_is_a_stroke_sign() -> None:
    out = run("早上起来右手没力气，话说不利索", 66)
    assert out["level"] == 2 and "C-STROKE-BEFAST" in ids(out)


def test_both_legs_weak_with_back_pain_or_a_cancer() -> None:
    cancer = run("肺癌病人，今天两条腿突然使不上劲", 63)
    assert cancer["level"] == 2 and "C-CORD-COMPRESSION" in ids(cancer)
    back = run("背疼一个礼拜，今天两腿没劲", 63)
    assert "C-CORD-COMPRESSION" in ids(back)
    assert "C-CORD-COMPRESSION" not in ids(run("感冒发烧，两腿没劲", 63))


def test_a_blow_to_the_head_told_as_taken() -> None:
    out = run("打架头上挨了两拳，晕过去一会儿，吐了两回", 25)
    assert out["level"] == 2 and "C-HEAD-INJURY-HIGH-RISK" in ids(out)
    cut = run("头顶被砖块砸破了，流血", 40)
    assert "C-HEAD-INJURY" in ids(cut)


def test_shingles_around_the_eye() -> None:
    out = run("左眼睛周围一片水疱，火辣辣地疼", 68)
    assert out["level"] == 3 and "C-ZOSTER-EYE" in ids(out)


def test_brief_positional_vertigo_is_level_4() -> None:
    bppv = run("早上起床一转头就天旋地转，几秒就好，别的都正常", 55)
    assert bppv["level"] == 4 and "N-VERTIGO-POSITIONAL" in ids(bppv)
    central = run("翻身就天旋地转，几秒就好，但是走路不稳", 55)
    assert "N-VERTIGO-POSITIONAL" not in ids(central) and central["level"] <= 3


def test_dizziness_vomiting_and_a_gait_pulled_to_one_side_is_a_stroke() -> None:
    out = run("今天突然头晕，吐了两次，走路往一边偏", 60)
    assert out["level"] == 2 and "C-STROKE-BEFAST" in ids(out)
    assert "C-STROKE-BEFAST" not in ids(run("头晕，吐了两次，拉肚子", 60))


def test_a_faint_told_as_passing_out_is_a_syncope() -> None:
    out = run("蹲厕所站起来就晕过去了，马上醒了", 60)
    assert out["level"] == 3 and "C-PALPITATIONS-SYNCOPE" in ids(out)
    blood = run("看见抽血就晕过去了，几秒就醒，以前也这样", 25)
    assert blood["level"] == 4 and "C-PALPITATIONS-SYNCOPE" not in ids(blood)
    assert "C-PALPITATIONS-SYNCOPE" not in ids(run("疼得差点晕过去", 40))


def test_an_older_persons_palpitations_dizziness_and_a_fast_pulse() -> None:
    old = run("心慌，头晕", 78, vitals={"hr": 140, "sbp": 110})
    assert old["level"] == 2 and "C-TACHYARRHYTHMIA-OLDER" in ids(old)
    young = run("心慌，头晕", 30, vitals={"hr": 110})
    assert "C-TACHYARRHYTHMIA-OLDER" not in ids(young)


def test_palpitations_from_an_exam_or_a_fright_in_a_young_adult() -> None:
    out = run("明天面试，紧张得心跳得厉害，睡不着", 22)
    assert out["level"] == 4 and "C-PALPITATIONS-SYNCOPE" not in ids(out)
    faint = run("吵架以后心慌，眼前发黑", 22)
    assert faint["level"] <= 3


def test_an_older_persons_back_pain_with_osteoporosis() -> None:
    out = run("有骨质疏松，扭了腰，疼", 74)
    assert out["level"] == 3 and "C-VERTEBRAL-FRACTURE-RISK" in ids(out)
    assert "C-VERTEBRAL-FRACTURE-RISK" not in ids(run("扭了腰，疼", 40))


def test_a_key_swallowed_is_no_handful_of_tablets() -> None:
    key = run("孩子把一把钥匙吞下去了，不咳不吐", 8)
    assert "M-TABLETS-OVERDOSE" not in ids(key) and "C-FOREIGN-BODY-SWALLOWED" in ids(key)
    pills = run("把一把安眠药吞了", 30)
    assert "M-TABLETS-OVERDOSE" in ids(pills) and pills["level"] <= 2


def test_a_known_pain_back_again_and_settled_asthma() -> None:
    face = run("三叉神经痛老病号，又犯了，药吃完了", 60, vitals={"pain": 5})
    assert face["level"] == 4
    asthma = run("哮喘，这两天有点胸闷，喷一下就好，来开药", 30)
    assert asthma["level"] == 4
    croup = run("两岁，咳嗽像狗叫，安静时没响声，哭的时候才有，能吃能玩", 2)
    assert croup["level"] == 4
