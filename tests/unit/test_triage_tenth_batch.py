"""Triage mechanisms of the tenth #16 batch, firing and non-firing (wording ours)."""

from __future__ import annotations

from typing import Any

from appliance.services.safety import triage
from tests.unit._triage_service import ids, run


def rules(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["rule"]: r for r in out["reasons"]}


def test_severe_peripheral_pain_is_ctas_3_and_says_why() -> None:
    """CTAS 2016: severe peripheral pain is level 3; severe central pain stays level 2."""
    ankle = run("打篮球崴了右脚脖子，肿得厉害，不敢着地，疼8分", 25)
    assert ankle["level"] == 3
    pain = rules(ankle)["V-PAIN-SEVERE"]
    assert pain["level"] == 3 and "外周" in pain["text"]
    assert run("下午开始肚子绞着疼，疼8分", 25)["level"] == 2  # central
    assert run("头疼得厉害，疼痛8/10", 25)["level"] == 2  # central
    assert run("疼痛9分", 25)["level"] == 2  # no site named: unsure, stays 2
    # a limb named beside a central pain is not a peripheral pain
    assert run("摔了一跤，手腕擦破了，胸口也疼，疼8分", 60)["level"] == 2


def test_severe_peripheral_pain_keeps_a_high_risk_finding() -> None:
    """The pain row only stops forcing level 2: a limb threat still makes its own level."""
    assert run("摔倒后小腿骨头从伤口露出来了，疼8分", 30)["level"] <= 2


def test_a_clause_saying_all_is_as_usual_is_never_matched_by_similarity() -> None:
    from appliance.clinical.triage_semantic import clauses

    for normal in ("尿尿跟平时一样多", "说话挺明白", "瞳孔圆的", "马上就不哭了", "已经不抽了",
                   "讲不想死了", "没打算伤害自己", "urine output same as usual"):  # fmt: skip
        assert not clauses(normal), normal
    for sign in ("他说不出话了", "喘不上来了", "吃不下了", "一直哭个不停"):
        assert clauses(sign), sign
    assert "C-STROKE-BEFAST" not in ids(run("咳嗽三天，有黄痰，说话明白，走路也稳", 75))


def test_not_recognising_family_or_picking_at_bedclothes_is_new_confusion() -> None:
    assert run("三天没喝酒了，浑身哆嗦，连媳妇都不认得了", 42)["level"] <= 2
    assert run("Since yesterday she is muddled and picks at the bedclothes", 88)["level"] <= 2
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(run("人清醒，认得人，讲话清楚，拉肚子两天", 40))


def test_suicidal_statements_in_plain_english() -> None:
    out = run("Says the family would be better off without her, has thought of taking all her "
              "tablets", 34)  # fmt: skip
    assert "C-SUICIDE-RISK" in ids(out) and out["level"] <= 2
    assert "C-SUICIDE-RISK" not in ids(run("Tired after the baby, sleeping badly, no low mood", 34))


def test_a_limb_deformity_told_in_lay_words_is_a_fracture_and_can_bend_is_not() -> None:
    assert "C-FRACTURE" in ids(run("从牛背上跌下来，右肩膀脱出来了，胳膊动不得", 51))
    assert "C-FRACTURE" in ids(run("摔了以后右手小臂弯起了，肿得老高", 7))
    assert "C-FRACTURE" in ids(run("Slipped this morning; right leg looks shorter and turned "
                                   "outwards", 83))  # fmt: skip
    assert "C-FRACTURE" not in ids(run("刀子划到左手食指，口子两公分，手指弯得动，感觉都在", 26))


def test_a_cut_hand_with_a_finger_that_will_not_bend_is_a_tendon_injury() -> None:
    out = run("镰刀割到左手掌，口子好深，食指弯不太落", 36)
    assert "C-WOUND-DEEP-STRUCTURE" in ids(out) and out["level"] == 3
    # a jammed finger that will not bend (no cut) is a sprain
    assert "C-WOUND-DEEP-STRUCTURE" not in ids(run("打球戳了一下中指，肿了，弯不太下去", 20))


def test_a_herbicide_is_poisoning_when_swallowed_not_when_washed_off_the_skin() -> None:
    # awake and breathing: high risk, level 2 (ESI v4 B; level 1 until the 24th batch)
    assert run("跟家里吵架喝了几口除草剂", 30)["level"] == 2
    out = run("打完草甘膦，手背上有点红、有点痒，已经用肥皂水洗干净了，没喝进去", 36)
    assert out["level"] == 4 and "C-HERBICIDE-INGESTION" not in ids(out)


def test_a_toddler_who_swallowed_an_adult_high_risk_medicine_is_level_2() -> None:
    out = run("孙女从药盒里翻出来格列本脲，咬碎了吃了两片，现在能跑能说", 3)
    assert "C-CHILD-TOXIC-INGESTION" in ids(out) and out["level"] <= 2
    # an adult's own tablets are no toddler ingestion
    assert "C-CHILD-TOXIC-INGESTION" not in ids(run("我一直吃氨氯地平，今天来开药", 60))


def test_wild_mushrooms_with_vomiting_are_level_3_and_late_onset_level_2() -> None:
    early = run("中午吃了山上捡的菌子，吃完一个钟头就开始吐，拉了两回", 37)
    assert "C-MUSHROOM-POISONING" in ids(early) and early["level"] == 3
    late = run("前天吃了自家山上采的菌子，吃完隔了十来个钟头才开始上吐下泻", 33)
    assert "C-MUSHROOM-DELAYED" in ids(late) and late["level"] <= 2
    assert not {"C-MUSHROOM-POISONING", "C-MUSHROOM-DELAYED"} & ids(
        run("昨天吃了野生菌，现在没有不舒服，想问问", 40)
    )


def test_bootleg_spirits_with_snowfield_vision_are_suspected_methanol() -> None:
    out = run("喝了人家自个兑的散装白酒，今儿早上说眼前白茫茫一片", 44)
    assert "C-METHANOL-SUSPECTED" in ids(out) and out["level"] <= 2
    assert "C-METHANOL-SUSPECTED" not in ids(run("昨晚喝了点散装白酒，今天头有点晕", 44))


def test_hours_under_a_weight_or_cola_urine_after_a_crush_is_crush_syndrome() -> None:
    out = run("砖墙塌了把他右腿压了三个钟头，刚刨出来", 48)
    assert "C-CRUSH-SYNDROME" in ids(out) and out["level"] <= 2
    assert "C-CRUSH-SYNDROME" in ids(run("腿被砸了，尿出来是酱油色的", 48))
    assert "C-CRUSH-SYNDROME" not in ids(run("手指被门压了一下，有点肿", 30))


def test_agitation_with_a_weapon_is_level_2_and_psychosis_alone_level_3() -> None:
    assert run("他拿着菜刀在村里乱挥，说有人要害他", 23)["level"] <= 2
    out = run("这几天说有人要害他，不怎么睡觉", 23)
    assert "C-VIOLENT-AGITATION" not in ids(out) and out["level"] == 3


def test_redcurrant_jelly_stool_in_an_infant_is_intussusception() -> None:
    out = run("九个月，一阵一阵地哭，拉出来的是红红的像果酱一样的", 0.75)
    assert "C-INTUSSUSCEPTION" in ids(out) and out["level"] <= 2
    assert "C-INTUSSUSCEPTION" not in ids(run("早上吃了草莓果酱面包，现在胃有点胀", 30))


def test_hand_foot_mouth_with_startles_or_jerks_is_level_2() -> None:
    out = run("手足口病第三天，睡觉老一惊一乍的，手脚发抖", 2)
    assert "C-HFMD-SEVERE-SIGNS" in ids(out) and out["level"] <= 2
    assert "C-HFMD-SEVERE-SIGNS" not in ids(run("手足口病，手上有几个小泡，能吃能玩", 2))


def test_a_blow_to_the_abdomen_from_20_weeks_of_pregnancy_is_level_2() -> None:
    late = run("儿媳妇怀起三十二周，骑电瓶车摔了，肚子先着地", 27, sex="F")
    assert "C-PREGNANCY-TRAUMA" in ids(late) and late["level"] <= 2
    early = run("怀孕十周，骑车摔了，肚子先着地", 27, sex="F")
    assert "C-PREGNANCY-TRAUMA" not in ids(early)


def test_a_rabies_category_2_exposure_or_a_later_vaccine_dose_is_level_4() -> None:
    scratch = run("邻居家的狗抓伤了小腿，破了点皮，没出血", 40)
    assert "N-ANIMAL-EXPOSURE-MINOR" in ids(scratch) and scratch["level"] == 4
    dose = run("前几天被狗咬了打了狂犬疫苗，今天来打第三针，伤口长好了", 40)
    assert dose["level"] == 4
    bleeding = run("被狗咬了小腿，流血了", 40)  # category III
    assert "C-ANIMAL-BITE" in ids(bleeding) and bleeding["level"] == 3


def test_chest_pain_in_a_child_is_not_an_acute_coronary_syndrome() -> None:
    child = run("咳嗽五天，发烧，咳起来胸口痛", 6)
    assert "C-CHEST-PAIN-ACS" not in ids(child) and child["level"] == 3
    # an adult's chest pain with a cough stays cardiac unless it is told as pleuritic (the 24th
    # batch: "咳起来胸口痛" with nothing cardiac is CTAS "non-cardiac features", level 3)
    assert "C-CHEST-PAIN-ACS" in ids(run("咳嗽五天，胸口痛", 50))


def test_dry_nappies_and_lips_said_as_mouth_skin() -> None:
    out = run("拉稀一天十几道，还吐，从早上到现在尿不湿都是干的", 1.5)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" in ids(out) and out["level"] <= 3
    assert run("喘得凶，嘴巴皮乌起了", 0.67)["level"] == 1  # central cyanosis (嘴唇发乌)


def test_an_older_adults_diarrhoea_needs_labs_and_a_young_adults_does_not() -> None:
    assert run("拉肚子三天，一天五六回，吃得少，嘴巴干，人清醒", 85)["level"] == 3
    assert run("拉肚子一天，两三回，能吃能喝", 30)["level"] == 4


def test_a_nosebleed_pressure_has_not_stopped_is_level_3() -> None:
    out = run("天天吃阿司匹林，鼻子流血快四十分钟了，捏着鼻子也止不住", 74)
    assert "C-EPISTAXIS-ACTIVE" in ids(out) and out["level"] == 3
    assert "C-EPISTAXIS-ACTIVE" not in ids(run("早上流了点鼻血，捏了五分钟就止住了", 30))


def test_a_wound_with_debris_ground_in_is_level_3_and_a_clean_cut_is_not() -> None:
    out = run("骑摩托车滑倒了，膝盖擦掉一大片皮，肉里嵌了好多小石子", 24)
    assert "C-WOUND-CONTAMINATED" in ids(out) and out["level"] == 3
    assert "C-WOUND-CONTAMINATED" not in ids(run("切菜划了个口子，两公分，血止住了", 30))
    assert "C-WOUND-CONTAMINATED" not in ids(run("大脚趾嵌甲，有点红", 30))


def test_mild_croup_by_westley_is_level_4_and_stridor_at_rest_is_not() -> None:
    mild = run("晚上咳嗽像小狗叫，安安静静坐着喘气一点不费劲，不出怪声", 3)
    assert "N-CROUP-MILD" in ids(mild) and mild["level"] == 4
    assert run("咳得像狗叫，安静时也有怪声，肋骨下面一吸一个坑", 2)["level"] <= 2


def test_a_strained_back_is_peripheral_pain_and_a_colicky_loin_is_not() -> None:
    assert run("扛化肥扛猛了，腰疼了一天，腿不麻，没发烧，疼痛4分", 46)["level"] == 4
    assert run("搬东西后腰疼，一阵阵绞痛往大腿根窜，疼痛5分", 46)["level"] == 3
    assert run("腰疼两天，疼痛5分", 46)["level"] == 3  # no strain told: central


def test_a_head_injury_with_everything_remembered_is_cleared() -> None:
    out = run("绊了一跤，脑门儿磕破个小口子，没晕过去，啥事儿都记得，不吐不迷糊", 71)
    assert "N-HEAD-INJURY-MINOR" in ids(out) and out["level"] == 4


def test_chest_pain_with_no_age_told_is_still_read_as_possible_acs() -> None:
    """``adult_only`` spares a known child, never an unknown age (the safer reading)."""
    out = triage({"complaint": "胸痛，大汗"}, use_llm=False)
    assert "C-CHEST-PAIN-ACS" in ids(out) and out["level"] <= 2
