"""Triage mechanisms of the twenty-fourth #16 batch: ESI v4 decision point A (what needs a
life-saving intervention now) against B, read from the outside-written development sets dev38
(``triage_outside_dev38.toml``: level 1 against level 2), dev39 (``triage_outside_dev39.toml``:
ordinary injuries, level 3 against 4) and dev40 (``triage_outside_dev40.toml``: vital signs in
mixed notation) and from the level-2 cases of earlier sets read as level 1; firing and non-firing
(wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_severe_hypoglycaemia_is_level_1_only_with_a_lowered_consciousness_or_a_seizure() -> None:
    awake = run("打了胰岛素没吃饭，出冷汗，手抖，说话有点乱", 66, vitals={"glucose": 2.3})
    assert awake["level"] == 2 and "C-HYPOGLYCAEMIA-DEPRESSED" not in ids(awake)
    drowsy = run("打了胰岛素没吃饭，出冷汗，嗜睡", 66, vitals={"glucose": 2.3})
    assert drowsy["level"] == 1 and "C-HYPOGLYCAEMIA-DEPRESSED" in ids(drowsy)
    fitting = run("糖尿病，刚才抽了一次", 66, vitals={"glucose": 1.9})
    assert fitting["level"] == 1
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


def test_a_comparison_is_no_event() -> None:
    thunder = run("突然脑壳痛，像被雷劈了一下，这辈子最痛的一回", 41)
    assert "C-DROWNING-ELECTRIC-HANGING" not in ids(thunder)
    assert run("下地时被雷劈了，倒在田里", 41)["level"] == 1
    # a suspicion keeps its finding: no closing word of a comparison
    assert "C-SNAKEBITE" in ids(run("脚背上两个小洞，像是被蛇咬的", 41))


def test_a_breathing_clause_negated_after_its_head_is_no_semantic_breathlessness() -> None:
    out = run("二十个月，流鼻涕咳嗽三天，不发烧，玩得好，喘气不快", 1.7)
    assert out["level"] == 4 and "C-DYSPNOEA" not in ids(out)
