"""Triage mechanisms of the twenty-fourth #16 batch: ESI v4 decision point A (what needs a
life-saving intervention now) against B, read from the outside-written development sets dev38
(``triage_outside_dev38.toml``: level 1 against level 2), dev39 (``triage_outside_dev39.toml``:
ordinary injuries, level 3 against 4) and dev40 (``triage_outside_dev40.toml``: vital signs in
mixed notation) and from the level-2 cases of earlier sets read as level 1; firing and non-firing
(wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_severe_hypoglycaemia_is_level_2_only_when_told_still_swallowing() -> None:
    awake = run("打了胰岛素没吃饭，出冷汗，说话颠三倒四，还能自己喝水", 66, vitals={"glucose": 2.3})
    assert awake["level"] == 2 and "C-HYPOGLYCAEMIA-DEPRESSED" not in ids(awake)
    # nothing told of swallowing: IV dextrose now, level 1
    untold = run("打了胰岛素没吃饭，出冷汗，手抖", 66, vitals={"glucose": 2.3})
    assert untold["level"] == 1 and "C-HYPOGLYCAEMIA-DEPRESSED" in ids(untold)
    # drowsy or fitting keeps level 1 however the rest is told
    drowsy = run("打了胰岛素没吃饭，嗜睡，还能咽东西", 66, vitals={"glucose": 2.3})
    assert drowsy["level"] == 1
    assert run("糖尿病，刚才抽了一次，还能走", 66, vitals={"glucose": 1.9})["level"] == 1
    # drowsiness with a normal glucose is level 2
    assert run("发烧两天，嗜睡", 40, vitals={"glucose": 6.1})["level"] == 2


def test_a_rousing_verb_and_its_failure_in_dialect_is_unresponsive() -> None:
    for text in (
        "早上推门进去，咋扒拉都不醒",
        "老头子困在床上，叫伊勿应",
        "阿婆喺床度，拍佢都唔醒",
    ):
        out = run(text, 78)
        assert out["level"] == 1 and "C-ARREST-UNRESPONSIVE" in ids(out), text
    assert "C-ARREST-UNRESPONSIVE" not in ids(run("叫伊吃饭，伊讲胃口勿好", 78))


def test_a_swallowed_herbicide_is_high_risk_and_level_1_only_with_distress() -> None:
    awake = run("吵架后喝了一口百草枯，吐掉了，现在嗓子辣", 30)
    assert awake["level"] == 2 and "C-HERBICIDE-INGESTION" in ids(awake)
    breathless = run("三天前喝了百草枯，今天喘不过气", 30)
    assert breathless["level"] == 1 and "C-POISONING-SEVERE" in ids(breathless)


def test_spraying_with_muscarinic_signs_only_is_level_2() -> None:
    mild = run("在田里打了一上午敌百虫，回来一身汗，流口水，想吐", 45)
    assert mild["level"] == 2 and "C-PESTICIDE-MUSCARINIC" in ids(mild)
    # pin-point pupils, twitching or anything swallowed keep level 1
    pupils = run("在田里打了一上午敌百虫，回来流口水，瞳孔缩得像针尖", 45)
    assert pupils["level"] == 1 and "C-PESTICIDE-EXPOSURE" in ids(pupils)
    twitching = run("地里打农药后出汗多，身上的肉一跳一跳的", 45)
    assert twitching["level"] == 1
    swallowed = run("跟家里人怄气，喝了打麦子的药，一直流口水出汗", 40)
    assert swallowed["level"] == 1


def test_a_household_shock_awake_is_level_2_high_voltage_keeps_1() -> None:
    household = run("修电器被220伏电了一下，现在心慌", 30)
    assert household["level"] == 2 and "C-SUBMERSION-ELECTRIC-AWAKE" in ids(household)
    assert run("爬电线杆碰到高压线，被电打了，手上烧黑了", 30)["level"] == 1
    # a child biting a cord keeps level 1 (no row below 12 years)
    assert run("咬插头电线被电了一下，嘴角烧伤", 2)["level"] == 1


def test_singed_brows_alone_are_level_2_with_hoarseness_level_1() -> None:
    brows = run("点灶火嘭一下，眉毛烧焦了一点，说话声音正常", 34)
    assert brows["level"] == 2 and "C-SINGED-FACIAL-HAIR" in ids(brows)
    hoarse = run("液化气爆燃，眉毛头发都燎焦了，声音嘶哑", 34)
    assert hoarse["level"] == 1 and "C-INHALATION-BURN-AIRWAY" in ids(hoarse)
    # a hoarse voice alone is a named complaint, no reason
    assert run("嗓子哑了三天，不发烧", 34)["level"] == 4


def test_lay_breathlessness_is_level_2_cyanosis_or_choking_level_1() -> None:
    out = run("晾衣服时突然喘不上气，心跳得厉害", 34)
    assert out["level"] == 2 and "C-DYSPNOEA" in ids(out)
    assert run("突然喘不上气，嘴唇发紫", 34)["level"] == 1


def test_a_breathing_clause_negated_after_its_head_is_no_semantic_breathlessness() -> None:
    out = run("二十个月，流鼻涕咳嗽三天，不发烧，玩得好，喘气不快", 1.7)
    assert out["level"] == 4 and "C-DYSPNOEA" not in ids(out)


def test_a_joint_or_finger_out_of_place_is_a_dislocation() -> None:
    for text in (
        "跳舞转身，膝盖骨跑到外边去了，腿伸不直",
        "打球戳了一下，小指中间那节歪到一边去了",
    ):
        out = run(text, 18)
        assert out["level"] == 3 and "C-FRACTURE" in ids(out), text
    assert "C-FRACTURE" not in ids(run("膝盖有点酸，走路没事", 18))


def test_a_wound_that_shows_bone_or_tendon_is_a_deep_structure_injury() -> None:
    out = run("切割机把手背割了个口子，深得能看到白色的筋", 47)
    assert out["level"] == 3 and "C-WOUND-DEEP-STRUCTURE" in ids(out)
    assert "C-WOUND-DEEP-STRUCTURE" not in ids(run("小腿划了个口子，没看到骨头，血止住了", 47))


def test_a_fragment_driven_into_the_eye_is_a_suspected_open_globe() -> None:
    out = run("敲钢筋时崩起来个铁片子打进右眼，看东西模糊", 37)
    assert out["level"] == 2
    # grinding dust that flew in is a corneal foreign body
    assert run("打磨铁件，铁屑溅进左眼，看东西还清楚", 44)["level"] >= 3


def test_pain_on_passive_stretch_is_an_early_compartment_syndrome() -> None:
    out = run("小腿被预制板砸了，越肿越厉害，脚趾头一扳就痛得受不了", 42)
    assert out["level"] == 2 and "C-PASSIVE-STRETCH-PAIN" in ids(out)
    assert "C-PASSIVE-STRETCH-PAIN" not in ids(run("脚趾头有点痒，脱皮", 42))


def test_a_firecracker_that_went_off_in_the_hand_needs_imaging_and_debridement() -> None:
    out = run("玩炮仗在手里炸了，大拇指皮肉炸开，指头能动", 14)
    assert out["level"] == 3 and "C-BLAST-HAND" in ids(out)
    assert "C-BLAST-HAND" not in ids(run("过年放鞭炮，耳朵有点嗡嗡响", 14))


def test_a_wound_a_hand_span_long_is_a_long_wound() -> None:
    out = run("犁铧划了小腿，口子有一拃长，里头都是泥", 63)
    assert out["level"] == 3
    assert run("小腿划了个口子，一公分，血止住了", 63)["level"] == 4


def test_a_later_rabies_dose_after_a_bite_is_a_vaccination_visit() -> None:
    out = run("三天前被狗咬了手，今天来打第二针，伤口不红不肿", 57)
    assert out["level"] == 4 and "C-ANIMAL-BITE" not in ids(out)
    assert run("昨天被狗咬了手，咬破流血了", 57)["level"] == 3


def test_an_adult_head_knock_without_loc_or_vomiting_needs_no_imaging() -> None:
    out = run("摔了一跤，额头磕到石头上裂了个口子，没晕，不恶心不吐，血压住了", 40)
    assert out["level"] == 4 and "C-HEAD-INJURY" not in ids(out)
    amnesia = run("后脑勺磕在台阶上，没晕过去，没吐，就是前后的事记不太清", 70)
    assert amnesia["level"] <= 3 and "C-HEAD-INJURY" in ids(amnesia)
    drunk = run("喝了酒摔了，头磕破了，没晕，没吐", 40)
    assert "C-HEAD-INJURY" in ids(drunk)


def test_an_impact_with_an_aspect_marker_reads_as_the_resultative() -> None:
    out = run("踢球时跟人撞了头，当时晕过去几秒钟", 17)
    assert "C-HEAD-INJURY" in ids(out) or "C-HEAD-INJURY-HIGH-RISK" in ids(out)
    # 了 after another verb is no impact
    assert "C-HEAD-INJURY" not in ids(run("吃了头孢，肚子不舒服", 17))


def test_a_pleuritic_chest_pain_with_nothing_cardiac_is_level_3() -> None:
    out = run("咳嗽三天，发烧，吐黄痰，咳的时候右边胸口扯着疼", 48, vitals={"temp": 38.6})
    assert out["level"] == 3 and "C-CHEST-PAIN-ACS" not in ids(out)
    cardiac = run("胸口压着疼，出冷汗，咳的时候更疼", 48)
    assert cardiac["level"] == 2 and "C-CHEST-PAIN-ACS" in ids(cardiac)
    breathless = run("左胸刺痛，吸气时更痛，突然喘不上气", 27)
    assert breathless["level"] <= 2


def test_a_volume_of_blood_told_by_its_vessel_is_a_major_bleed() -> None:
    out = run("肺结核病人，今早咳出来小半碗鲜血，现在痰里带点血丝", 56)
    assert out["level"] == 2 and "C-MAJOR-BLEEDING" in ids(out)
    assert "C-MAJOR-BLEEDING" not in ids(run("吃了一碗面条，胃有点胀", 56))


def test_light_early_pregnancy_bleeding_with_stable_vitals_is_level_3() -> None:
    light = run("怀孕九周，今天见红一点点，小肚子隐隐痛", 28, vitals={"sbp": 116, "dbp": 74})
    assert light["level"] == 3 and "C-PREGNANCY-SPOTTING" in ids(light)
    one_sided = run("停经七周，左下腹一阵阵痛，内裤上见了点血", 31, vitals={"sbp": 118})
    assert one_sided["level"] == 2
    heavy = run("怀孕八周，出血很多，有血块，头晕", 30, vitals={"sbp": 110})
    assert heavy["level"] <= 2
    # no measured pressure: the row needs a systolic of 90 or more
    assert run("怀孕九周，今天见红一点点", 28)["level"] == 2


def test_slurred_speech_with_a_local_cause_and_no_other_stroke_sign_is_level_3() -> None:
    for text in (
        "嗓子一边疼得厉害四五天，嘴张不大，说话含含糊糊的，口水还能咽",
        "打了个大哈欠嘴合不上了，说话不清楚",
        "吃喜酒喝多了，说话大舌头，问啥都答得对",
    ):
        out = run(text, 35)
        assert out["level"] == 3 and "C-STROKE-BEFAST" not in ids(out), text
    stroke = run("喝了点酒，突然说话不清，嘴歪了", 60)
    assert stroke["level"] <= 2 and "C-STROKE-BEFAST" in ids(stroke)
    airway = run("下巴底下肿得硬邦邦的，口水咽不下去，说话含糊像含着东西", 45)
    assert airway["level"] <= 2


def test_drinking_alcohol_is_no_ability_to_swallow() -> None:
    out = run("Diabetic on insulin, been drinking all night, sweaty and muddled", 50,
              vitals={"glucose": 2.1})  # fmt: skip
    assert out["level"] == 1 and "C-HYPOGLYCAEMIA-DEPRESSED" in ids(out)
