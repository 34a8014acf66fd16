"""Triage mechanisms of the twenty-ninth #16 batch, read from the outside-written development
sets dev53 (``triage_outside_dev53.toml``: bones, joints and muscles), dev54
(``triage_outside_dev54.toml``: seizures, faints and changed consciousness) and dev55
(``triage_outside_dev55.toml``: belly, bowel and urine); firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings import Concept, Vocabulary, extract_findings
from appliance.clinical.findings_measures import extract_measures
from tests.unit._triage_service import ids, run


def test_a_topic_told_once_is_commented_on_later_in_its_sentence() -> None:
    vocab = Vocabulary(
        (
            Concept(
                "X-STUCK",
                (),
                near_sites=("包",),
                near_signs=("推不进去",),
                near_sentence=True,
            ),
            Concept("X-CLAUSE", (), near_sites=("包",), near_signs=("推不进去",)),
        )
    )
    told = "左边大腿根那个包有好多年了，以前一躺就没了，今天推不进去"
    found = {f.id for f in extract_findings(told, vocabulary=vocab)}
    assert found == {"X-STUCK"}  # the plain near reads the clause after the site's only
    # another part of the body named on the way, a full stop, or a denial before the sign
    assert not extract_findings("那个包好多年了，肚子今天推不进去", vocabulary=vocab)
    assert not extract_findings("那个包好多年了。今天推不进去", vocabulary=vocab)
    assert not extract_findings("那个包好多年了，今天没说推不进去", vocabulary=vocab)


def test_a_hernia_that_no_longer_goes_back_told_across_clauses() -> None:
    out = run("大腿根那个包好几年了，平时躺下就没了，今天早上推不进去，越来越痛，吐了两回", 67)
    assert "C-INCARCERATED-HERNIA" in ids(out) and out["level"] == 2  # strangulation risk
    easy = run("大腿根那个包好几年了，躺下就推回去了，想约个手术", 67)
    assert "C-INCARCERATED-HERNIA" not in ids(easy)


def test_a_seizure_over_and_back_to_normal_is_level_3_at_any_age_from_six() -> None:
    first = run("吃午饭时突然抽了，一分钟左右，以前没有过。现在清醒了，能说清自己在哪", 32)
    assert "C-SEIZURE" not in ids(first) and "N-SEIZURE-RESOLVED" in ids(first)
    assert first["level"] == 3
    epileptic = run("有癫痫，早上又抽了一下，跟以往一样，不到一分钟，醒了就好了", 26)
    assert epileptic["level"] == 3
    febrile = run("发烧一天，在家抽了一下，一分钟就停了，现在醒了，会哭会找妈妈", 1.5)
    assert febrile["level"] == 3
    # a count of seizures, a drowsy or listless patient keep level 2
    assert run("发烧，今天抽了两回，现在醒了，认人", 1.5)["level"] <= 2
    assert run("突然抽了两分钟，现在醒了但是蔫得很，不理人", 20)["level"] <= 2
    assert run("突然抽了，现在清醒", 0.4)["level"] <= 2  # no low-risk row under six months


def test_a_seizure_going_on_since_home_is_status() -> None:
    out = run("在家抽起来了，抽到现在都没停，嘴角冒白沫", 3)
    assert out["level"] == 1 and "C-STATUS-EPILEPTICUS" in ids(out)


def test_a_long_seizure_over_and_awake_is_no_status() -> None:
    out = run("烧到39度，头一回抽了五六分钟，停了有半个钟头，现在醒了但是蔫得很", 1.5)
    assert out["level"] == 2 and "M-SEIZURE-PROLONGED" not in ids(out)


def test_a_faint_during_exertion_is_high_risk_syncope() -> None:
    out = run("体育课跑步的时候突然晕倒，一分钟后醒了", 15)
    assert out["level"] == 2 and "C-SYNCOPE-EXERTIONAL" in ids(out)
    standing = run("站久了眼前发黑晕倒，马上醒了，运动时从没晕过", 20)
    assert "C-SYNCOPE-EXERTIONAL" not in ids(standing)


def test_palpitations_with_a_near_faint_need_an_ecg() -> None:
    out = run("这两天有两回心里突突跳，眼前发黑一两秒", 62)
    assert out["level"] == 3 and "C-PALPITATIONS-SYNCOPE" in ids(out)


def test_a_handful_swallowed_or_pills_missing_from_the_box_are_an_overdose() -> None:
    assert extract_measures("吵完架吞了一把阿米替林")["tablets"].value >= 10
    assert extract_measures("药瓶里少了二十来片")["tablets"].value >= 10
    assert "tablets" not in extract_measures("看电视吃了一把花生")
    out = run("吵完架吞了一把阿米替林，一个钟头前，现在犯困", 18)
    assert out["level"] <= 2 and "M-TABLETS-OVERDOSE" in ids(out)


def test_coffee_grounds_vomited_are_an_upper_gi_bleed() -> None:
    out = run("昨晚吐了一回，像咖啡渣一样，后来没再吐，不头晕", 45)
    assert out["level"] == 3 and "C-MELAENA" in ids(out)
    dizzy = run("在吃华法林，早上吐了一口咖啡渣样的东西，有点头晕", 63)
    assert dizzy["level"] == 2 and "C-GI-BLEED-UNSTABLE" in ids(dizzy)


def test_no_wind_and_no_stool_with_a_swelling_belly_is_an_obstruction_to_image() -> None:
    out = run("三天没放屁，也没解大便，肚子越胀越大，吐了几回", 61)
    assert out["level"] == 3 and "C-BOWEL-OBSTRUCTION-SUSPECTED" in ids(out)
    assert "C-BOWEL-OBSTRUCTION-SUSPECTED" not in ids(run("便秘一个礼拜，还能放屁，不吐", 82))


def test_a_meter_reading_hi_with_vomiting_is_ketoacidosis() -> None:
    out = run("糖尿病，两天来一直吐，自己测血糖显示HI", 48)
    assert out["level"] == 2 and "C-DKA-SIGNS" in ids(out)
    calm = run("糖尿病，自己测血糖显示HI，没别的不舒服", 48)
    assert calm["level"] == 3 and "C-DKA-SIGNS" not in ids(calm)


def test_growing_pain_under_a_cast_is_a_compartment_syndrome_a_loose_cast_a_recheck() -> None:
    out = run("前天小腿骨折打了石膏回家，今晚痛得受不了，脚趾头发麻", 23)
    assert out["level"] == 2 and "C-COMPARTMENT-SYNDROME" in ids(out)
    loose = run("手腕骨折打的石膏松了，来看看要不要重打，手指不肿不麻", 52)
    assert "C-FRACTURE" not in ids(loose) and loose["level"] == 4


def test_a_cold_numb_foot_beside_a_limb_injury_is_a_threatened_limb() -> None:
    out = run("从车斗上跳下来，右脚脖子扭断了，脚歪到一边，脚发凉发麻", 47)
    assert out["level"] == 2 and "C-LIMB-THREAT" in ids(out)
    winter = run("冬天脚发凉，想开点药", 60)
    assert winter["level"] == 4 and "C-LIMB-THREAT" not in ids(winter)


def test_bone_seen_in_a_limb_wound_is_an_open_fracture_not_in_a_fingertip() -> None:
    out = run("钢管砸到右小腿，前面有个口子能看见白骨头，血包住了", 36)
    assert out["level"] == 2 and "C-BONE-EXPOSED-LIMB" in ids(out)
    tip = run("切菜把食指尖切掉一块，断面上能看见白骨头，纱布包着", 44)
    assert "C-BONE-EXPOSED-LIMB" not in ids(tip) and tip["level"] >= 3


def test_a_neck_injury_with_numb_arms_is_a_cord_injury() -> None:
    out = run("坐的车让后车撞了，脖子后面痛，两只手一阵一阵发麻", 39)
    assert out["level"] == 2 and "C-SPINAL-CORD-INJURY" in ids(out)
    plain = run("坐的车让后车撞了，脖子后面有点痛，手脚都好", 39)
    assert "C-SPINAL-CORD-INJURY" not in ids(plain)


def test_back_pain_with_weak_legs_after_a_cancer_is_a_cord_compression() -> None:
    out = run("前几年乳腺癌做过手术，最近后背痛，这两天两条腿没劲，走路拖着脚", 62)
    assert out["level"] == 2 and "C-CORD-COMPRESSION" in ids(out)


def test_a_bleed_or_a_blow_in_haemophilia_needs_factor_now() -> None:
    out = run("孩子有血友病，下午膝盖磕了一下，越来越肿", 11)
    assert out["level"] == 2 and "C-HAEMOPHILIA-BLEED" in ids(out)
    check = run("血友病，来复查开药，最近没有出血", 11)
    assert "C-HAEMOPHILIA-BLEED" not in ids(check)


def test_a_swollen_limb_in_an_infant_under_six_months() -> None:
    out = run("换尿不湿时左腿一动就哭，大腿肿了，说不清怎么弄的", 0.33)
    assert out["level"] == 2 and "C-INFANT-LIMB-INJURY" in ids(out)
    older = run("换尿不湿时左腿一动就哭，大腿肿了", 1.5)
    assert "C-INFANT-LIMB-INJURY" not in ids(older)


def test_dark_urine_after_exertion_is_rhabdomyolysis() -> None:
    out = run("昨天练了一下午深蹲，今天两条大腿胀痛，尿跟浓茶一样", 22)
    assert out["level"] <= 3 and "C-RHABDOMYOLYSIS" in ids(out)
    assert "C-RHABDOMYOLYSIS" not in ids(run("尿跟浓茶一样，眼睛有点黄", 40))


def test_an_older_person_in_pain_after_a_fall_and_an_injured_rib() -> None:
    out = run("前天在院子里滑了一下坐在地上，左边大胯疼，还能走几步", 76)
    assert out["level"] == 3 and "C-FALL-OLDER-PAIN" in ids(out)
    young = run("前天打球摔了一跤，腰有点酸", 25)
    assert "C-FALL-OLDER-PAIN" not in ids(young)
    rib = run("骑车摔了，右边肋巴骨磕在马路牙子上，喘大气疼", 35)
    assert rib["level"] == 3 and "C-RIB-INJURY" in ids(rib)
    assert "C-RIB-INJURY" not in ids(run("右边肋骨下面隐隐痛，吃油腻就痛", 50))


def test_a_torn_achilles_tendon() -> None:
    out = run("打羽毛球像被人踢了脚后跟，现在踮不起脚", 42)
    assert out["level"] == 3 and "C-TENDON-RUPTURE" in ids(out)


def test_a_blocked_catheter_alone_or_with_cloudy_urine() -> None:
    alone = run("长期插尿管，今天早上开始袋子里没尿了，不发烧", 83)
    assert alone["level"] == 4 and "N-CATHETER-BLOCKED" in ids(alone)
    cloudy = run("插了几个月尿管，今天一点尿都没流出来，尿袋里的尿很浑", 80)
    assert cloudy["level"] == 3


def test_a_growing_belly_in_cirrhosis_is_a_new_problem() -> None:
    out = run("肝硬化的，这半个月肚子越来越大，腿也肿", 58)
    assert out["level"] == 3 and "N-ABDOMEN-SWELLING" in ids(out)


def test_what_is_past_or_usual_is_no_new_finding() -> None:
    past = run("上个月发烧抽过一回，这几天没烧，吃奶玩耍都正常", 1.2)
    assert "C-SEIZURE" not in ids(past)
    usual = run("老爷子平时就糊里糊涂认不全人，这两天尿频尿疼，跟平常一样糊涂", 80)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(usual)
    assert "C-ALTERED-CONSCIOUSNESS" in ids(run("今天突然糊里糊涂，认不全人", 80))


def test_a_head_injury_already_scanned_and_cleared_is_a_recheck() -> None:
    out = run("三天前骑电瓶车摔了碰到头，片子说没事，这两天还有点头疼", 36)
    assert "C-HEAD-INJURY" not in ids(out) and out["level"] == 4
    assert "C-HEAD-INJURY" in ids(run("刚才骑电瓶车摔了碰到头，头疼", 36))


def test_a_needle_in_a_vein_is_no_foreign_body() -> None:
    out = run("抽血的时候针一扎进去就眼前发黑，躺平几秒就好了", 22)
    assert "C-WOUND-RETAINED-FB" not in ids(out)


def test_the_recovery_words_are_one_named_group_shared_by_every_row() -> None:
    from appliance.knowledge.triage_catalog import _phrases, triage_knowledge

    kb = triage_knowledge()
    rows = [r for r in kb.low_risk if r.id == "C-SEIZURE"]
    reported = next(m for m in kb.measure_rules if m.id == "M-SEIZURE-REPORTED")
    assert len(rows) == 3 and all(r.groups[-1] == reported.unless_terms for r in rows)
    assert "找妈妈" in reported.unless_terms and not any(
        p.startswith("@") for p in reported.unless_terms
    )
    assert _phrases(["a", "@g"], {"g": ["b", "c"]}) == ("a", "b", "c")
    try:
        _phrases(["@missing"], {})
    except ValueError as err:
        assert "missing" in str(err)
    else:
        raise AssertionError("an unknown phrase group must be an error")


def test_phrase_groups_expand_in_finding_words_too() -> None:
    """A finding's terms and near lists may name a group: the drooling words are written once and
    both drooling findings read them; the resolved-seizure rows share their refusal words."""
    from appliance.knowledge.triage_catalog import triage_knowledge

    kb = triage_knowledge()
    rows = {r.id: r for r in kb.complaints}
    drool, tripod = rows["N-DROOLING"], rows["N-DROOLING-TRIPOD"]
    assert set(drool.terms) <= set(tripod.terms) and "流口水" in drool.terms
    assert drool.near_signs == tripod.near_signs and "咽不下" in drool.near_signs
    assert not any(t.startswith("@") for r in kb.complaints for t in r.terms + r.near_signs)
    seizure = [r for r in kb.low_risk if r.id == "C-SEIZURE"]
    assert all("还在抽" in r.none and "两次" in r.none for r in seizure)
    assert not any(p.startswith("@") for r in seizure for p in r.none)
    out = run("孩子喉咙疼，口水咽不下，说话声音闷", 5)
    assert "N-DROOLING" in ids(out)
