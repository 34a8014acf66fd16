"""Triage mechanisms of the thirteenth #16 batch (from the outside-written development sets dev12,
``triage_outside_dev12.toml``: atypical emergencies in older adults and chronic disease, and
dev13, ``triage_outside_dev13.toml``: township and farm injuries, poisonings and exposures),
firing and non-firing (wording ours)."""

from __future__ import annotations

from typing import Any

from appliance.clinical._text import is_past_history
from appliance.clinical.findings_burns import burn_area_from_regions
from tests.unit._triage_service import ids, run


def reasons(out: dict[str, Any]) -> set[str]:
    return {r["rule"] for r in out["reasons"]}


def test_a_one_character_sign_is_absent_only_right_after_its_negation() -> None:
    # "没有力气" is no strength and "没有肉跳" no twitching: neither is an arrest (both were level 1)
    assert run("这两天没有力气，吃饭少", 70)["level"] >= 3
    assert "C-ARREST-UNRESPONSIVE" not in ids(run("瞳孔等大，没有流口水，没有肉跳", 41))
    assert "C-ARREST-UNRESPONSIVE" in ids(run("倒在地上，脖子上摸不着跳，没气了", 60))
    assert run("胸口没有跳了", 60)["level"] == 1


def test_a_moment_of_unresponsiveness_that_is_over_is_no_coma_now() -> None:
    out = run("干活时摔倒，当时有几秒叫不应，现已清醒，自诉心慌", 39)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out) and out["level"] == 2
    assert run("叫不应，嘴唇发紫", 39)["level"] == 1
    assert run("叫不醒，送来路上醒了一下又昏过去了", 60)["level"] == 1  # not "now awake"


def test_speech_changed_from_the_usual_and_a_hand_that_drops_things_are_stroke_signs() -> None:
    assert run("俺爹今儿说话呜噜呜噜的跟平常不一样，一个钟头了", 84)["level"] <= 2
    assert run("吃饭拿筷子老往下掉，上午开始的", 80)["level"] <= 2
    assert run("his speech sounds strange since lunch", 76)["level"] <= 2
    assert "C-STROKE-BEFAST" not in ids(run("说话跟平常一样，能吃能睡，来量血压", 76))


def test_a_limb_sign_in_the_short_clause_after_the_site() -> None:
    out = run("绊了一跤用手撑地，手腕子肿起来了，看起来歪歪的", 79)
    assert "C-FRACTURE" in ids(out) and out["level"] == 3
    assert "C-FRACTURE" not in ids(run("手腕扭了一下，有点肿，看着不歪", 30))
    # the next clause names its own body part: its sign is not the wrist's
    assert "C-FRACTURE" not in ids(run("手腕肿了，嘴歪了", 70))


def test_an_adult_fever_is_graded_by_sirs_and_qsofa() -> None:
    pyelo = run("有糖尿病，解小便火辣辣的，右边腰酸胀，发冷", 68, vitals={"temp": 38.4, "hr": 96})
    assert pyelo["level"] == 3 and "V-FEVER-SIRS-2" in reasons(pyelo)
    sepsis = run(
        "脚上的口子发黑发臭，今天发烧，人迷迷糊糊",
        62,
        vitals={"temp": 39.2, "hr": 118, "rr": 24, "gcs": 14, "sbp": 108},
    )
    assert sepsis["level"] <= 2 and "V-FEVER-QSOFA" in reasons(sepsis)
    pneumonia = run("咳嗽四天，铁锈色痰，人清楚", 64, vitals={"temp": 38.5, "hr": 98, "rr": 22})
    assert pneumonia["level"] == 3
    sore = run("嗓子疼两天，能吃能喝", 29, vitals={"temp": 38.4, "hr": 84, "rr": 16})
    assert "V-FEVER-SIRS-2" not in reasons(sore)


def test_an_english_paraphrase_with_across_or_over() -> None:
    out = run("since this morning heavy pressure across the chest into the left arm, sweaty", 61)
    assert out["level"] <= 2 and "C-CHEST-PAIN-ACS" in ids(out)
    assert run("a sharp pain over the knee after a kick", 25)["level"] >= 3


def test_a_seizure_still_going_on_is_level_1() -> None:
    assert run("半个钟头前开始抽，到这会儿还在抽，嘴边白沫", 3)["level"] == 1
    assert (
        run("34 weeks pregnant, shaking all over and still jerking, not answering", 28)["level"]
        == 1
    )
    assert run("他还在抽烟，咳嗽两周，能吃能睡", 50)["level"] >= 3
    cramps = run("晚上腿肚子老是抽筋，抽起来痛得很，白天没事", 75)
    assert cramps["level"] == 4 and "C-SEIZURE" not in ids(cramps)


def test_bleeding_said_to_have_stopped_and_blood_loss_with_signs() -> None:
    scalp = run("瓦片砸到头顶划了个口子，流了不少血，拿毛巾捂着现在不咋流了，没晕没吐", 51)
    assert "C-MAJOR-BLEEDING" not in ids(scalp)
    chainsaw = run(
        "油锯割到大腿，口子挺深，来之前流了不少血，已加压包扎没再渗，面色白，说头晕",
        43,
        vitals={"hr": 112, "sbp": 108},
    )
    assert chainsaw["level"] <= 2 and "C-BLOOD-LOSS-SYMPTOMATIC" in ids(chainsaw)
    calm = run("割到手指，流了不少血，现在止住了，不晕", 43, vitals={"hr": 82, "sbp": 128})
    assert "C-BLOOD-LOSS-SYMPTOMATIC" not in ids(calm)
    assert not is_past_history("来之前流了不少血")
    assert is_past_history("前年得过脑梗")


def test_burns_of_special_areas_and_the_burning_pain_idiom() -> None:
    hands = run("炸东西时锅里的油溅起来，两只手背起了好多水泡，有块皮掉了", 42)
    assert hands["level"] == 3 and "C-BURN-SPECIAL-AREA" in ids(hands)
    assert run("被开水烫到手背，起了一个小水泡", 30)["level"] == 4
    assert "C-BURN-SPECIAL-AREA" not in ids(run("孩子手上好多水泡，嘴里也有，发烧两天", 3))
    # 火烧火燎 is a burning pain, not a burn: no burnt area is read from it
    bite = run("鞋里有条蜈蚣，咬了脚趾头，火烧火燎地痛，两只脚都肿了", 23)
    assert not {r for r in reasons(bite) if r.startswith("M-BURN")}
    assert burn_area_from_regions("火烧火燎的痛，两只脚都肿") is None
    assert burn_area_from_regions("开水烫了肚子和两条大腿") is not None


def test_heat_exhaustion_told_by_where_and_what() -> None:
    out = run("在大棚里摘了一上午西红柿，头晕眼花，恶心想吐，人清楚", 37)
    assert out["level"] == 3 and "C-HEAT-EXHAUSTION" in ids(out)
    assert "C-HEAT-EXHAUSTION" not in ids(run("在大棚里干活，手被划了个小口子", 37))


def test_mass_stings_and_dark_urine() -> None:
    many = run("捅了马蜂窝，头上胳膊上蜇了四十多下", 50)
    assert many["level"] == 3 and "C-MASS-STINGS" in ids(many)
    dark = run("昨天叫马蜂蜇了三十多下，今早尿跟浓茶一样，浑身肉疼", 50)
    assert dark["level"] <= 2 and "C-STINGS-SYSTEMIC" in ids(dark)
    assert run("手背被蜜蜂蜇了一下，有点肿", 30)["level"] == 4


def test_pesticide_contact_with_mild_symptoms_and_a_pupil_examined() -> None:
    mild = run("打了三个钟头农药，中午开始头疼恶心，瞳孔等大不小，没有流口水，没有肉跳", 41)
    assert mild["level"] == 3 and "C-PESTICIDE-SYMPTOMS" in ids(mild)
    assert run("打完农药口水直流，肉一跳一跳的，满身大汗", 41)["level"] == 1


def test_atypical_acs_in_a_diabetic_and_in_an_older_adult() -> None:
    diabetic = run("有糖尿病，这两天累得很，胃里头不安逸，走几步路就要歇一歇", 79)
    assert diabetic["level"] <= 2 and "C-CHEST-PAIN-ACS" in ids(diabetic)
    older = run("吃完饭心口窝堵得慌，后背有点沉，头上一直冒汗", 67)
    assert older["level"] <= 2
    knee = run("有糖尿病，爬楼膝盖疼，来开药", 70)
    assert "C-CHEST-PAIN-ACS" not in ids(knee)


def test_fluid_overload_in_kidney_disease_and_a_line_without_fever() -> None:
    ckd = run("肾功能不全五年没透析，最近脚肿得穿不上鞋，体重涨了三斤", 65)
    assert ckd["level"] == 3 and "C-HEART-FAILURE-WORSENING" in ids(ckd)
    exit_site = run("透析管出口红了，今天有点发热，人还好", 77, vitals={"temp": 37.6})
    assert "C-LINE-SEPSIS" not in ids(exit_site)
    assert run("透析管出口红了，今天发烧打摆子", 77)["level"] <= 2


def test_stool_blood_mastoiditis_sulfonylurea_and_partial_amputation() -> None:
    stool = run("吃阿哌沙班，今天解大便纸上有鲜红的血", 69)
    assert stool["level"] == 3 and "C-GI-BLEEDING-MINOR" in ids(stool)
    assert "C-GI-BLEEDING-MINOR" not in ids(run("大便正常，没有血", 40))
    ear = run("耳朵疼了好几天，今天耳朵后头鼓起个包，红红的", 5)
    assert ear["level"] == 3 and "C-MASTOIDITIS" in ids(ear)
    assert "C-MASTOIDITIS" not in ids(run("耳朵后面有点痒", 5))
    sulf = run("服格列齐特多年，今晨血糖3.4，喝糖水后5.8，神志清楚", 82)
    assert sulf["level"] == 3
    finger = run("铡草机绞了中指，指尖那一截只连着点皮，血止住了", 47)
    assert finger["level"] == 3 and "C-PARTIAL-AMPUTATION" in ids(finger)


def test_cough_words_a_cough_told_as_coughed_for_days() -> None:
    out = run("咳了五天，吐黄痰，今天烧到三十八度五", 78)
    assert out["level"] == 3 and "N-COUGH" in ids(out)


def test_semantic_matching_skips_a_negated_effort_word() -> None:
    out = run("嗓子疼两天，没发烧，吃饭喝水都正常，喘气不费劲", 35)
    assert "C-DYSPNOEA" not in ids(out) and out["level"] == 4
