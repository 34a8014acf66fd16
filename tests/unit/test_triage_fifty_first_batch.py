"""Triage mechanisms of the fifty-first #16 batch, read from the outside-written development sets
dev117 (``triage_outside_dev117.toml``: understated emergencies in older and chronically ill
patients), dev118 (``triage_outside_dev118.toml``: school-age children and teenagers) and dev119
(``triage_outside_dev119.toml``: Pearl River Delta workshops and building sites); firing and
non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_vitals import extract_vitals
from tests.unit._triage_service import ids, run


def test_nurse_shorthand_vitals_with_no_space_after_the_letter() -> None:
    v = extract_vitals("发冷一天。T39.6 P124 R26 BP96/60。")
    got = {k: r.value for k, r in v.values.items()}
    assert got == {"temp": 39.6, "hr": 124.0, "rr": 26.0, "sbp": 96.0, "dbp": 60.0}
    assert extract_vitals("测BP150/95").values["sbp"].value == 150.0
    # a T-shirt, an obstetric G/P count and a rule-out hold no vital
    assert not extract_vitals("T恤上沾了3块血").values
    assert "hr" not in extract_vitals("G3P2，孕36周").values
    out = run("发冷打摆子，腰痛，尿少。T39.6 P124 R26 BP96/60", 45)
    assert out["level"] == 2


def test_urine_that_will_not_come_told_apart() -> None:
    out = run("老头前列腺不好，从半夜到现在一点尿都解不出来，小肚子胀得硬", 78)
    assert "C-URINARY-RETENTION" in ids(out) and out["level"] == 3
    # the stool in its own clause is no retention
    assert "C-URINARY-RETENTION" not in ids(run("小便正常，大便三天解不出来", 60))


def test_sleepy_or_slow_after_a_knock_is_a_lowered_consciousness() -> None:
    out = run("从车上摔下来，脑袋着的地，回家吐了一次，现在光想睡，问话答得慢", 10)
    assert "C-DEPRESSED-CONSCIOUSNESS" in ids(out) and out["level"] == 2
    # tiredness alone, or slowness that was always there, is not
    tired = run("这阵子上夜班，老想睡觉，没什么精神", 35)
    assert "C-DEPRESSED-CONSCIOUSNESS" not in ids(tired) and tired["level"] >= 3
    assert "C-DEPRESSED-CONSCIOUSNESS" not in ids(run("他从小说话就慢半拍", 9))


def test_a_blow_to_the_head_told_verb_first() -> None:
    out = run("被人拿棍子砸中后脑，吐了两回", 30)
    assert "C-HEAD-INJURY" in ids(out) and out["level"] == 2
    assert "C-HEAD-INJURY" not in ids(run("头痛到爆咗，成晚瞓唔着", 30))


def test_a_collapse_and_a_waking() -> None:
    out = run("踢球的时候一下子栽地上了，过了一会儿自己醒过来", 15)
    assert "N-SYNCOPE-TOLD" in ids(out) and out["level"] <= 2
    assert "N-SYNCOPE-TOLD" not in ids(run("玩累了倒地上就睡着了，叫醒了又哭", 4))
    assert "N-SYNCOPE-TOLD" not in ids(run("坐车晕车，头晕了一阵，吐了", 30))


def test_wetting_oneself_is_no_measure_of_urine() -> None:
    out = run("早上站着晕倒了，马上就醒，没抽，没尿裤子", 15)
    assert "N-URINE-REDUCED" not in ids(out)
    assert "N-URINE-REDUCED" in ids(run("拉肚子两天，今天一上午没尿", 3))


def test_a_crushed_hand_pale_beyond_it() -> None:
    out = run("机器压到右手，几个手指头发凉没血色，按下去不回红", 40)
    assert "C-LIMB-THREAT" in ids(out) and out["level"] == 2
    # a purple nail after a hammer blow is a bruise, no threatened limb
    bruise = run("锤子砸到左手拇指，指甲底下发紫，能弯", 40)
    assert "C-LIMB-THREAT" not in ids(bruise) and bruise["level"] >= 3


def test_an_arm_ache_and_a_sweat_in_known_high_blood_pressure() -> None:
    out = run("胃里不舒服一个钟头，出了一身汗，左胳膊酸。有高血压，天天吃药", 60)
    assert "C-CHEST-PAIN-ACS" in ids(out) and out["level"] == 2
    assert "C-CHEST-PAIN-ACS" not in ids(run("有高血压，今天来开药，左胳膊有点酸", 60))


def test_awake_after_a_shock_or_a_submersion_told_plainly() -> None:
    out = run("修电闸的时候被电打了一下，人是醒的，手上有个黑点", 35)
    assert "C-SUBMERSION-ELECTRIC-AWAKE" in ids(out) and out["level"] == 2
    assert run("被高压线打了，叫不醒", 35)["level"] == 1


def test_a_nosebleed_stopped_in_a_sentence_of_its_own() -> None:
    out = run("孩子流鼻血，流了一毛巾！捏住鼻哥十分钟已经止咗", 7)
    assert "C-ACUTE-EYE-EAR" not in ids(out) and out["level"] == 4
    # a blood thinner keeps it
    thinned = run("流鼻血，吓人！按了十分钟止住了。吃着华法林", 70)
    assert thinned["level"] <= 3


def test_a_fall_with_marked_swelling_is_a_fracture() -> None:
    out = run("从床上掉下来，手腕肿得老高", 6)
    assert "C-FRACTURE" in ids(out) and out["level"] == 3
    # a sting swollen up is not
    assert "C-FRACTURE" not in ids(run("被马蜂蜇了手背，肿得像个馒头", 30))


def test_kehrs_sign_after_a_handlebar_blow() -> None:
    out = run("骑单车摔了，车把顶到上腹，左肩膀也疼", 11)
    assert "C-BLUNT-ABDOMINAL-TRAUMA" in ids(out) and out["level"] == 2
    assert "C-BLUNT-ABDOMINAL-TRAUMA" not in ids(run("打球摔了一跤，左肩膀疼", 11))


def test_blood_from_a_tooth_socket_or_a_running_nose() -> None:
    tooth = run("吐出来的口水带血！原来是昨天拔了牙的牙窝还在渗", 30)
    assert tooth["level"] == 4 and "C-MAJOR-BLEEDING" not in ids(tooth)
    nose = run("鼻子流血压了半个钟头还在滴，吐了几口血块", 30)
    assert nose["level"] == 3 and "C-MAJOR-BLEEDING" not in ids(nose)
    # a vomited bleed with a faintness stays major
    assert run("吐了好多血，头晕", 50)["level"] <= 2


def test_spots_that_do_not_fade_without_a_fever_in_a_well_child() -> None:
    out = run("腿上一片紫红点子，按不褪色，不发烧，精神挺好，能吃能玩", 7)
    assert "C-SEPSIS-SIGNS" not in ids(out) and out["level"] == 3
    febrile = run("腿上一片紫红点子，按不褪色，发烧，没精神", 7)
    assert "C-SEPSIS-SIGNS" in ids(febrile) and febrile["level"] <= 2


def test_sexual_assault_told_by_a_euphemism_and_a_sign() -> None:
    out = run("昨晚回家路上被人欺负了，下身疼，一直哭", 19)
    assert out["level"] == 2 and "C-SEXUAL-ASSAULT-TOLD-INDIRECTLY" in ids(out)
    bullied = run("在学校被人欺负了，胳膊上青了一块", 10)
    assert "C-SEXUAL-ASSAULT-TOLD-INDIRECTLY" not in ids(bullied)


def test_what_may_be_left_inside_a_cut() -> None:
    out = run("窗玻璃碎了，小腿划了个口子，担心里面还有玻璃", 30)
    assert "C-WOUND-RETAINED-FB" in ids(out) and out["level"] == 3


def test_a_long_lie_told_with_the_neighbour_between() -> None:
    out = run("独居，晚上摔在地上，早上送菜的才发现，大胯疼得动不了", 84)
    assert "N-LONG-LIE" in ids(out) and out["level"] == 2


def test_a_denial_of_suddenness_holds() -> None:
    out = run("他这半年记性差，这两天跟平常一样，没突然变糊涂", 80)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(out)
    assert "C-ALTERED-CONSCIOUSNESS" in ids(run("昨天开始突然变糊涂了", 80))


def test_new_ascites_in_known_hepatitis() -> None:
    out = run("乙肝十几年，这个月肚子越来越大", 55)
    assert "C-COMORBID-NEW-SYMPTOM" in ids(out) and out["level"] == 3
    assert run("肚子越来越大，是胖了", 30)["level"] == 4


def test_a_childs_constipation_or_exam_belly_ache() -> None:
    out = run("肚子疼，四天没拉大便了，拉的时候干得像羊屎，肚子软，还能吃", 7)
    assert out["level"] == 4
    # a vomit keeps it
    assert run("肚子疼，四天没拉大便了，吐了两回，肚子胀得鼓鼓的", 7)["level"] <= 3


def test_a_corneal_particle_or_welders_flash_with_sight_kept() -> None:
    out = run("打磨的时候铁屑进了左眼，磨得慌，看东西清楚", 35)
    assert "N-CORNEAL-FB" in ids(out) and out["level"] == 4
    blurred = run("打磨的时候铁屑进了左眼，看东西模糊了", 35)
    assert "N-CORNEAL-FB" not in ids(blurred) and blurred["level"] <= 3


def test_walking_with_support_is_still_walking_in_a_low_sugar() -> None:
    out = run("打了胰岛素没吃饭，说话颠三倒四，出冷汗，扶着能走", 40, vitals={"glucose": 2.5})
    assert out["level"] == 2
    assert run("打了胰岛素没吃饭，叫不醒", 40, vitals={"glucose": 2.0})["level"] == 1


def test_labour_far_on_told_by_the_mother() -> None:
    out = run("头胎，预产期过了两天，羊水破了，肚子一阵紧过一阵，老想往下用力", 26)
    assert "C-LABOUR-ADVANCED" in ids(out) and out["level"] == 2
    assert "N-URGE-TO-PUSH" not in ids(run("拉肚子，老想拉屎", 30))
    # a term baby's runny nose is no rupture of membranes
    assert "C-MEMBRANES-RUPTURED" not in ids(run("足月生的，鼻子流清水", 0.4))


def test_a_drunk_fall_with_a_forehead_split_open() -> None:
    out = run("饮多咗跌亲，额头爆咗个口，唔记得点跌", 33)
    assert "C-HEAD-INJURY" in ids(out) and out["level"] == 3


def test_can_not_put_the_foot_down_after_a_fall() -> None:
    out = run("送外卖摔了，右脚踝肿，踩不得地", 28)
    assert "C-INJURY-CANNOT-BEAR-WEIGHT" in ids(out) and out["level"] == 3


# ---------------------------------------------------------------- the batch's second read


def test_a_confused_but_talking_low_sugar_is_level_2() -> None:
    talking = run(
        "吃格列本脲的，中午没吃饭，说胡话，认不得人，一身冷汗", 72, vitals={"glucose": 2.3}
    )
    assert talking["level"] == 2 and "C-HYPOGLYCAEMIA-DEPRESSED" not in ids(talking)
    # nothing told of responding, or hard to rouse: level 1
    assert run("打胰岛素没吃饭，出冷汗，手抖", 60, vitals={"glucose": 2.3})["level"] == 1
    assert run("吃格列本脲的，说胡话，叫不太醒", 72, vitals={"glucose": 2.3})["level"] == 1


def test_a_thigh_bent_midway_or_a_leg_short_and_turned_in_after_a_crash() -> None:
    femur = run("骑摩托摔了，左大腿中间弯了一截，疼得直叫", 30)
    assert "C-FEMUR-SHAFT-OR-HIP-DISLOCATION" in ids(femur) and femur["level"] == 2
    dashboard = run("开车追尾，膝盖撞在前面，右腿短了一截往里拧着", 45)
    assert dashboard["level"] == 2
    # an older adult's hip broken in a fall lies turned out: level 3; an in-toed child is nothing
    assert run("老太太滑倒了，右腿短了一截往外撇", 82)["level"] == 3
    assert "C-FEMUR-SHAFT-OR-HIP-DISLOCATION" not in ids(run("孩子走路两条腿往里拧", 3))


def test_a_painful_eye_with_the_sight_blurred() -> None:
    out = run("右眼睛疼，看东西模糊", 50)
    assert "C-ACUTE-EYE-EAR" in ids(out) and out["level"] <= 3
    assert "C-ACUTE-EYE-EAR" not in ids(run("眼睛有点干，看东西清楚", 50))


def test_a_dizziness_of_years_the_same_as_always() -> None:
    out = run("头晕好几年了，跟往常一样，今天顺路来量个血压", 70)
    assert "N-SYMPTOM-LONGSTANDING" in ids(out) and out["level"] == 4
    worse = run("头晕好几年了，今天突然加重，走路不稳", 70)
    assert "N-SYMPTOM-LONGSTANDING" not in ids(worse) and worse["level"] <= 3


def test_vomiting_told_with_an_adverb_and_phlegm_spat_out() -> None:
    assert "N-NAUSEA-VOMITING" in ids(run("孩子老吐，不爱吃", 2))
    assert "N-NAUSEA-VOMITING" not in ids(run("咳嗽，吐了好几口痰", 60))
    assert "N-NAUSEA-VOMITING" not in ids(run("老吐痰，咳嗽", 60))


def test_a_thing_that_fell_is_no_fall_of_the_patient() -> None:
    out = run("从楼上掉下来一块砖，砸到脚背，肿得老高", 40)
    assert "C-FALL-FROM-HEIGHT" not in ids(out) and out["level"] == 3
    assert "N-BELLY-STRUCK" not in ids(run("车把撞到大腿了，青了一块", 12))
