"""Triage mechanisms of the fifty-third #16 batch, read from the outside-written development sets
dev123 (``triage_outside_dev123.toml``: chest, heart, stroke, fainting and headache in adults),
dev124 (``triage_outside_dev124.toml``: babies and children under six) and dev125
(``triage_outside_dev125.toml``: mental health, intoxication and violence with the minor
complaints around them); firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.triage_composites import _fever_mentions
from tests.unit._triage_service import ids, run


def test_an_older_diabetic_weak_and_sick_with_nothing_else_to_explain_it() -> None:
    out = run("有糖尿病好些年了，今天一早起来就浑身没得劲，犯恶心，胃口那块难受", 72)
    assert "C-CHEST-PAIN-ACS" in ids(out) and out["level"] == 2
    # loose stools, a cold or a low sugar explain the same complaint
    runs = run("有糖尿病，这两天拉稀，浑身没劲，有点恶心", 72)
    assert "C-CHEST-PAIN-ACS" not in ids(runs)
    cold = run("有糖尿病，感冒三天了，咳嗽，浑身没劲，有点恶心", 72)
    assert "C-CHEST-PAIN-ACS" not in ids(cold)
    # under 65 the composite does not apply
    assert "C-CHEST-PAIN-ACS" not in ids(run("糖尿病，今天浑身没劲，有点恶心", 50))


def test_called_several_times_and_still_not_awake() -> None:
    out = run("下午一直睡，喊了好几遍都不醒", 3)
    assert "C-ARREST-UNRESPONSIVE" in ids(out) and out["level"] == 1
    assert run("早上喊了他几回才醒，现在精神挺好，吃了早饭", 12)["level"] >= 3


def test_woken_only_to_drift_off_again_and_calling_people_by_wrong_names() -> None:
    out = run("这两天光睡，叫醒了说一句话又睡过去了", 84)
    assert "C-DEPRESSED-CONSCIOUSNESS" in ids(out) and out["level"] == 2
    # woken for a medicine, asleep again in the next clause: an ordinary nap
    nap = run("叫醒他吃了退烧药，吃完又睡了，感冒两天", 8)
    assert "C-DEPRESSED-CONSCIOUSNESS" not in ids(nap)
    names = run("老爷子今天老是喊错人，把儿子叫成他兄弟", 80)
    assert "C-ALTERED-CONSCIOUSNESS" in ids(names) and names["level"] == 2


def test_insulin_injected_by_the_pen() -> None:
    out = run("吵完架把一支胰岛素一下子打进去大半支", 45)
    assert "C-DELIBERATE-OVERDOSE" in ids(out) and out["level"] == 2
    assert "C-DELIBERATE-OVERDOSE" not in ids(run("胰岛素整支放冰箱里冻了，还能用吗", 60))


def test_hand_foot_blisters_with_a_fever_and_jerks() -> None:
    out = run("手心脚心都起了小水泡，烧了两天，夜里睡觉一惊一惊的", 2)
    assert "C-HFMD-SEVERE-SIGNS" in ids(out) and out["level"] == 2
    afebrile = run("手心脚心起了小红点，不发烧，睡觉一惊一惊的", 1)
    assert "C-HFMD-SEVERE-SIGNS" not in ids(afebrile)


def test_a_fever_told_by_how_long_or_how_high_it_burns() -> None:
    assert _fever_mentions("娃烧了一宿，今天吃奶少")
    assert _fever_mentions("烧到39度多，头疼")
    for text in (
        "火烧了两天才灭",
        "烧伤三天了，来换药",
        "烧了个泡",
        "没烧到三十八度",
        "炕烧了三天，屋里暖和",
        "烧了一晚上的炉子",
    ):
        assert not _fever_mentions(text), text


def test_a_babys_soft_spot_told_as_bulging() -> None:
    out = run("发烧一天，摸头顶软的那块，鼓起来了", 0.5)
    assert "C-CHILD-DANGER-SIGNS" in ids(out) and out["level"] == 2
    flat = run("头顶软的地方平平的，不鼓，就是有点咳嗽", 0.5)
    assert "C-CHILD-DANGER-SIGNS" not in ids(flat)


def test_a_mother_after_a_birth_who_says_the_baby_was_swapped() -> None:
    out = run("生完娃半个月，这几天说娃让人换了，不是她的，抱着娃要往外跑", 25)
    assert "C-POSTPARTUM-PSYCHOSIS" in ids(out) and out["level"] == 2


def test_a_delusion_of_something_put_in_the_head_with_violence() -> None:
    out = run("派出所送来的，说有人往他脑子里装了东西，在街上砸人家的车", 30)
    assert "C-PSYCHOSIS-DANGEROUS" in ids(out) and out["level"] == 2


def test_a_breath_holding_spell_after_hard_crying() -> None:
    out = run("哭得太狠了，一口气没上来，嘴唇都紫了，几秒钟就缓过来了，又接着哭", 1.5)
    assert out["level"] == 4
    # still blue or limp after it is no spell
    still = run("哭得太狠了，一口气没上来，到现在还叫不醒", 1.5)
    assert still["level"] == 1


def test_silica_gel_and_other_desiccants() -> None:
    silica = run("孩子咬破了一包干燥剂，袋子上写的硅胶，吃了几颗，不咳不吐", 2)
    assert "N-NONTOXIC-INGESTION" in ids(silica) and silica["level"] == 4
    beads = run("吃了饼干里干燥剂的透明小珠子，玩得好好的", 2)
    assert beads["level"] == 4
    lime = run("孩子吃了海苔里的干燥剂，袋子上写着生石灰，嘴里红了", 2)
    assert "C-CHILD-INGESTION" in ids(lime) and lime["level"] <= 2


def test_clauses_that_ask_or_refuse_name_no_sign() -> None:
    shock = run("派出所送来的，一直骂人，血压不让量", 30)
    assert "C-SHOCK" not in ids(shock)
    asks = run("蹲久了起来眼前黑一下，好多年了，今天顺便问问", 60)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(asks)
    fussy = run("这几天流口水，夜里闹觉，吃喝都正常", 0.8)
    assert "C-DYSPNOEA" not in ids(fussy)


def test_ringing_ears_are_no_voices() -> None:
    out = run("昨晚喝多了，今天耳朵嗡嗡响，口干，人清醒", 38)
    assert "C-ACUTE-PSYCHOSIS" not in ids(out)
    voices = run("说耳朵里有人跟他说话，叫他去死", 30)
    assert "C-ACUTE-PSYCHOSIS" in ids(voices)


def test_a_faint_in_someone_with_a_stent() -> None:
    out = run("解大便的时候一下就倒了，喊了几声才醒，去年心脏放过支架", 70)
    assert "C-SYNCOPE-HIGH-RISK" in ids(out) and out["level"] == 2


def test_a_fast_irregular_heartbeat_with_a_little_breathlessness() -> None:
    out = run("心里乱跳，快一阵慢一阵，从昨天到现在，有点气短", 70, vitals={"hr": 136})
    assert "C-TACHYARRHYTHMIA-OLDER" in ids(out) and out["level"] == 2
    # a normal rate measured: not the composite
    calm = run("心里乱跳了一会儿，有点气短", 70, vitals={"hr": 82})
    assert "C-TACHYARRHYTHMIA-OLDER" not in ids(calm)


def test_stable_exertional_angina_unchanged_for_months() -> None:
    out = run("半年了，走快了胸口就发紧，歇几分钟就好，一直这样，没加重，今天不疼", 62)
    assert "N-STABLE-EXERTIONAL-ANGINA" in ids(out) and out["level"] == 3
    worse = run("半年了，走快了胸口就发紧，歇几分钟就好，这几天越来越频繁，坐着也疼", 62)
    assert worse["level"] == 2


def test_a_pulled_elbow() -> None:
    out = run("牵着她过马路一拽，哭了，胳膊断了似的耷拉着不敢动。没摔，也不肿", 3)
    assert "N-PULLED-ELBOW" in ids(out) and out["level"] == 4
    fell = run("拽着胳膊走，摔了一跤，胳膊不敢动，肿了", 3)
    assert fell["level"] == 3


def test_swollen_eyelids_with_tea_coloured_urine() -> None:
    out = run("这几天早上眼皮肿，尿的颜色跟浓茶差不多，半个月前嗓子疼过", 8)
    assert "C-NEPHRITIC-SIGNS" in ids(out) and out["level"] == 3
    assert "C-NEPHRITIC-SIGNS" not in ids(run("早上眼皮有点肿，昨晚水喝多了", 30))


def test_pus_and_blood_in_the_stool_with_a_fever() -> None:
    out = run("拉肚子带脓带血，一天七八回，烧到38度8", 6)
    assert "C-DYSENTERY-FEVER" in ids(out) and out["level"] == 3
    assert "C-DYSENTERY-FEVER" not in ids(run("拉肚子带脓带血，没发烧，一天三回", 30))


def test_an_extra_dose_of_a_blood_pressure_medicine() -> None:
    out = run("记不得吃没吃降压药，又吃了一遍，现在头有点晕，站起来发飘", 78)
    assert "C-ANTIHYPERTENSIVE-EXTRA-DOSE-SYMPTOMS" in ids(out) and out["level"] == 3
    well = run("降压药吃了两遍，没啥不舒服", 70)
    assert "C-ANTIHYPERTENSIVE-EXTRA-DOSE-SYMPTOMS" not in ids(well)
    # an injection asked about is still no tetanus
    assert "C-TETANUS" not in ids(run("踩了钉子，不记得打没打过破伤风", 28))


def test_orthopnoea_and_both_legs_swollen_in_older_people() -> None:
    hf = run("这阵子夜里一躺平就憋，坐起来才好受点，白天还能走走", 82)
    assert "C-HEART-FAILURE-WORSENING" in ids(hf) and hf["level"] == 3
    legs = run("两条腿都肿了半个多月，以前没肿过", 74)
    assert "C-OEDEMA-BOTH-LEGS-OLDER" in ids(legs) and legs["level"] == 3
    # an injury or the cold named with the swelling is not it
    assert "C-OEDEMA-BOTH-LEGS-OLDER" not in ids(run("两条腿摔肿了，从炕上掉下来", 75))
    # the swelling of a calcium-channel blocker
    drug = run("吃了氨氯地平以后两条腿有点肿，不喘", 70)
    assert "C-OEDEMA-BOTH-LEGS-OLDER" not in ids(drug)


def test_a_limb_struck_with_marked_swelling_and_a_graze_with_dirt() -> None:
    out = run("跟人打架，小腿上挨了一棍，肿得老高", 40)
    assert "C-FRACTURE" in ids(out) and out["level"] == 3
    bite = run("腿上挨了蚊子咬，肿得老高，痒", 30)
    assert "C-FRACTURE" not in ids(bite)
    graze = run("骑车摔了，膝盖擦破一块皮，沾了泥，想打破伤风", 40)
    assert "C-WOUND-CONTAMINATED" not in ids(graze)
    gravel = run("骑车摔了，膝盖擦破了，里面嵌了小石子", 40)
    assert gravel["level"] == 3


def test_the_front_of_a_shoulder_is_no_head() -> None:
    out = run("从车上跳下来摔了，肩膀前头鼓个包", 5)
    assert "C-HEAD-INJURY" not in ids(out)
    assert "C-HEAD-INJURY" in ids(run("走在前头摔了，头磕了个包", 5))


def test_vertigo_told_as_the_sky_turning_and_a_rib_by_its_northern_name() -> None:
    out = run("一翻身天就转起来了，吐了两回", 55)
    assert "C-VERTIGO" in ids(out) and out["level"] == 3
    assert "C-VERTIGO" not in ids(run("今天就转院了，来换药", 50))
    rib = run("打架被人踢了左边肋巴扇，喘大气就疼", 35)
    assert "C-RIB-INJURY" in ids(rib) and rib["level"] == 3


def test_alcohol_stopped_in_northern_words() -> None:
    out = run("喝了十几年，前天把酒忌了，手抖，心慌，一宿没睡", 50)
    assert "C-ALCOHOL-WITHDRAWAL-MILD" in ids(out) and out["level"] == 3


def test_a_stove_kept_burning_overnight_with_a_headache() -> None:
    out = run("烧了一晚上的炉子，早上起来头疼恶心", 60)
    assert "C-CO-EXPOSURE" in ids(out) and out["level"] == 2
    assert run("昨晚烧了一晚上的炉子，屋里暖和，今天来开降压药", 60)["level"] == 4
