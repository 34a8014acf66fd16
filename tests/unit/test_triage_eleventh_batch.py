"""Triage mechanisms of the eleventh #16 batch (from the outside-written development sets dev8,
``triage_outside_dev8.toml``, and dev9, ``triage_outside_dev9.toml``), firing and non-firing
(wording ours)."""

from __future__ import annotations

from appliance.clinical.triage_semantic import clauses
from tests.unit._triage_service import ids, run


def test_stable_melaena_is_level_3_and_with_faintness_or_a_fast_pulse_level_2() -> None:
    stable = run("昨天解了一次黑便，今天颜色正常了，不头晕，不心慌", 48)
    assert "C-MELAENA" in ids(stable) and stable["level"] == 3
    assert run("拉黑便两天，今天一站起来就眼前发黑", 60)["level"] <= 2
    assert run("拉柏油样大便两天", 60, vitals={"hr": 112, "sbp": 118})["level"] <= 2
    assert run("吐了一大口血", 60)["level"] <= 2  # haematemesis stays a major bleed


def test_a_faint_with_a_high_risk_feature_is_level_2() -> None:
    out = run("Had LOC while climbing the stairs, felt his heart racing before. h/o MI", 77)
    assert "C-SYNCOPE-HIGH-RISK" in ids(out) and out["level"] <= 2
    assert run("有冠心病，今天上午晕倒了一次", 70)["level"] <= 2
    plain = run("站久了眼前一黑晕倒了，马上就醒了，以前身体好", 25)
    assert "C-SYNCOPE-HIGH-RISK" not in ids(plain)
    assert "C-SYNCOPE-HIGH-RISK" not in ids(run("冠心病，心慌两天，没晕倒过", 70))


def test_faint_as_an_adjective_is_no_faint() -> None:
    out = run("c/o faint itchy rash on both forearms since gardening, feels well", 45)
    assert "C-PALPITATIONS-SYNCOPE" not in ids(out) and out["level"] == 4
    assert "C-PALPITATIONS-SYNCOPE" in ids(run("fainted at the bus stop this morning", 45))


def test_quadrant_abbreviations_are_central_and_a_tooth_is_peripheral() -> None:
    assert run("RUQ pain since last night radiating to R shoulder, pain 6/10", 55)["level"] == 3
    tooth = run("后槽牙疼了三天，脸不肿，没发烧，疼痛4分", 35)
    assert tooth["level"] == 4


def test_a_treated_hypoglycaemia_with_a_normal_glucose_now_is_no_level_2() -> None:
    out = run("早上低血糖，出汗手抖，喝了糖水，现在清醒", 60, vitals={"glucose": 5.8})
    assert "N-HYPOGLYCAEMIA-TREATED" in ids(out) and out["level"] == 4
    assert run("低血糖，出汗手抖", 60, vitals={"glucose": 3.1})["level"] <= 2
    assert run("低血糖，出汗手抖", 60)["level"] <= 2  # nothing measured: the word stands


def test_stable_and_hedged_clauses_are_never_matched_by_similarity() -> None:
    assert not clauses("慢阻肺稳定期")
    assert not clauses("叫都叫不醒似的")
    out = run("慢阻肺稳定期，吸入剂用完了来开，痰和喘都跟平常一样", 68)
    assert out["level"] == 4


def test_palpitations_in_lay_words_and_an_irregular_pulse() -> None:
    out = run("这两天时不时心里扑腾扑腾乱跳，摸脉不齐", 64)
    assert "C-PALPITATIONS-SYNCOPE" in ids(out) and out["level"] == 3


def test_a_reproducible_chest_wall_pain_in_a_young_adult_is_level_4() -> None:
    out = run("咳了一个礼拜，左边胸口一咳嗽就疼，手按那块也疼，不气短，不出汗", 31)
    assert "N-CHEST-WALL-PAIN" in ids(out) and out["level"] == 4
    # pleuritic (a deep breath in hurts), or older: not cleared
    assert run("一咳嗽、深吸气左边胸口就刺着疼，按着也疼", 23)["level"] == 3
    assert "N-CHEST-WALL-PAIN" not in ids(run("左边胸口一咳嗽就疼，按着也疼", 58))


def test_fever_with_a_dialysis_catheter_or_central_line_is_level_2() -> None:
    out = run("HD pt, tunneled catheter, rigors during dialysis today, exit site red", 67)
    assert "C-LINE-SEPSIS" in ids(out) and out["level"] <= 2
    assert "C-LINE-SEPSIS" not in ids(run("做透析的，今天来复查，不发烧", 67))


def test_bleeding_on_an_anticoagulant_needs_labs_and_clots_in_urine_level_3() -> None:
    # one small bleed on an anticoagulant is a blood test (level 4); gums that bleed and several
    # bruises at once are a bleeding tendency (level 3 since the 42nd batch: four outside writers
    # of five graded it 3)
    out = run("吃华法林，这几天刷牙牙龈出血", 70)
    assert "C-ANTICOAGULANT-BLEEDING" in ids(out) and out["level"] == 4
    assert out["disposition"] == "routine"
    out = run("吃华法林，这几天刷牙牙龈出血，身上有几块青紫", 70)
    assert "C-BLEEDING-TENDENCY" in ids(out) and out["level"] == 3
    clots = run("吃阿司匹林，这两天尿里有血块，尿得费劲", 73)
    assert "C-HAEMATURIA-CLOTS" in ids(clots) and clots["level"] == 3
    assert "C-HAEMATURIA-CLOTS" not in ids(run("月经有血块，量不多", 30))


def test_a_nosebleed_told_as_stopped_is_over() -> None:
    out = run("擤鼻涕流鼻血，自己捏着鼻子十分钟就止住了", 50)
    assert out["level"] == 4
    assert run("流鼻血，捏着鼻子也止不住", 50)["level"] == 3


def test_trismus_is_tetanus_only_after_a_wound_or_with_spasms() -> None:
    quinsy = run("sore throat x4 days, trismus, hot potato voice, no drooling", 22)
    assert "C-TETANUS-SIGNS" not in ids(quinsy) and quinsy["level"] == 3
    out = run("上周脚被钉子扎了，这两天嘴张不开，脖子发僵", 50)
    assert "C-TETANUS-SIGNS" in ids(out) and out["level"] <= 2


def test_alcohol_withdrawal_lucid_is_level_3_and_with_hallucinations_level_2() -> None:
    mild = run(
        "heavy daily baijiu drinker, stopped 2 days ago. Tremor, sweaty, anxious, oriented", 40
    )
    assert "C-ALCOHOL-WITHDRAWAL-MILD" in ids(mild) and mild["level"] == 3
    assert run("天天喝酒，停酒两天，手抖，看见墙上有虫子爬", 45)["level"] <= 2


def test_newborn_jaundice_to_the_soles_is_level_2_and_a_simile_is_no_arrest() -> None:
    out = run("生下来第五天，黄得厉害，连脚底板都黄了，老是睡，叫都叫不醒似的", 0.014)
    assert "C-NEONATAL-JAUNDICE-SEVERE" in ids(out) and out["level"] == 2
    assert "C-ARREST-UNRESPONSIVE" not in ids(out)


def test_eyelid_swelling_with_fever_is_periorbital_cellulitis() -> None:
    out = run("右眼皮肿得睁不开，红，前天被蚊子叮了一下", 6, vitals={"temp": 38.5})
    assert "C-PERIORBITAL-CELLULITIS" in ids(out) and out["level"] == 3
    assert "C-PERIORBITAL-CELLULITIS" not in ids(run("早上起来眼皮肿，不发烧", 6))


def test_severe_dehydration_with_a_danger_sign_under_five_is_level_1() -> None:
    out = run("拉肚子吐了三天，叫他不太理人，眼窝凹陷，哭没有眼泪，手脚冰凉", 0.75)
    assert "C-CHILD-SEVERE-DEHYDRATION" in ids(out) and out["level"] == 1
    assert run("拉肚子两天，哭没有眼泪，精神还好", 2)["level"] >= 2


def test_breathlessness_with_confusion_is_respiratory_failure() -> None:
    out = run("喘得说不出整句话，只能一两个字往外蹦，现在有点迷糊", 11)
    assert "C-RESPIRATORY-FAILURE" in ids(out) and out["level"] == 1
    assert run("喘得说不出整句话，人清醒", 11)["level"] == 2


def test_a_toddler_who_ate_grandmas_diabetes_pills_and_a_weapon_threat() -> None:
    assert run("我个仔两岁，啱啱攞咗阿嫲啲降糖药嚟食，而家冇乜事", 2)["level"] <= 2
    assert run("他三天没睡，今天拿着菜刀要去找人家，被拉住了", 24)["level"] <= 2


def test_suicidal_statements_self_harm_marks_and_a_calm_psychosis_relapse() -> None:
    assert run("胳膊上好多刀划的印子，发了一句下辈子不想再做人了", 15)["level"] <= 2
    relapse = run("精神分裂症停药两个月，最近自言自语，不打人不骂人", 28)
    assert "C-ACUTE-PSYCHOSIS" in ids(relapse) and relapse["level"] == 3


def test_an_inconsolable_infant_is_level_2_and_a_child_crying_from_pain_is_not() -> None:
    out = run("发烧三十九度四，成朝喊到而家，点氹都唔停，饮两啖奶就唔饮", 0.5)
    assert "C-CHILD-INCONSOLABLE" in ids(out) and out["level"] <= 2
    elbow = run("从沙发上翻下来，胳膊肘肿了，一动就哭，手指头是暖的会动", 3)
    assert "C-CHILD-DANGER-SIGNS" not in ids(elbow) and "C-CHILD-INCONSOLABLE" not in ids(elbow)


def test_heavy_menstrual_bleeding_is_level_3() -> None:
    out = run("这次月经来了十天了，量大，两三个钟头就要换一片夜用的，有血块", 45)
    assert "C-MENORRHAGIA" in ids(out) and out["level"] == 3
    assert "C-MENORRHAGIA" not in ids(run("月经推迟一周，量不多", 30))


def test_older_adults_losing_weight_and_not_eating_need_labs() -> None:
    assert run("最近两个礼拜饭也不要吃，夜里困不着，瘦了交关", 76)["level"] == 3
