"""Triage mechanisms of the twelfth #16 batch (from the outside-written development sets dev10,
``triage_outside_dev10.toml``: dangerous conditions told only in lay words, and dev11,
``triage_outside_dev11.toml``: the level 3/4 and 2/3 boundaries), firing and non-firing
(wording ours)."""

from __future__ import annotations

from appliance.clinical._text import is_feared
from appliance.clinical.triage_semantic import clauses
from tests.unit._triage_service import ids, run


def test_a_feared_outcome_is_no_finding() -> None:
    assert is_feared("我怕跟隔壁那个一样") and is_feared("Wife insisted he come before he has a ")
    assert not is_feared("怕光，") and not is_feared("突然")
    out = run("吃了虾起了一身风团，很痒，嘴巴不肿，不喘，我怕跟隔壁那个一样休克", 26)
    assert "C-SHOCK" not in ids(out) and out["level"] >= 3
    assert "C-SHOCK" in ids(run("大出血以后休克了", 26))
    assert not clauses("屙咁多次我好惊佢脱水")


def test_a_stroke_told_by_what_the_family_saw() -> None:
    assert run("讲话讲着讲着就不对头了，想讲拿碗讲成拿鞋，一个钟头前开始的", 68)["level"] <= 2
    assert run("吃饭筷子拿起就掉，拿起就掉，嘴巴好像有点歪起", 61)["level"] <= 2
    assert "C-STROKE-BEFAST" not in ids(run("嘴巴有点干，讲话正常", 61))


def test_new_confusion_and_a_dementia_baseline() -> None:
    assert run("今朝早上不认得我了，衣裳也穿反了，有点发烧", 79)["level"] <= 2
    base = run("老年痴呆五六年，平时就不认人，今天跟平常一样，咳嗽三天", 82)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(base)


def test_an_ectopic_told_as_a_late_period_pain_and_a_near_faint() -> None:
    out = run("月经晚了十来天，左边小肚子一阵一阵抽着疼，站起来眼前发黑差点晕倒", 31)
    assert "C-PREGNANCY-EMERGENCY" in ids(out) and out["level"] <= 2
    spot = run("验孕两条杠，内裤有一点血，粉红色，肚子不痛", 30)
    assert "C-PREGNANCY-SPOTTING" in ids(spot) and spot["level"] == 3


def test_early_anaphylaxis_in_plain_english() -> None:
    out = run("Had satay with cashews 20 minutes ago; throat feels funny, kind of tight, lips "
              "are tingling, hives spreading", 33)  # fmt: skip
    assert out["level"] <= 2


def test_tearing_pain_said_as_a_verb_and_a_farewell_and_a_hidden_overdose() -> None:
    assert run("搬东西的时候突然后背撕着疼，往下走到腰上", 58)["level"] <= 2
    assert run("把游戏账号、吉他都送了人，发朋友圈说以后就不麻烦你们了", 23)["level"] <= 2
    assert run("三个钟头前把一整盒退烧药吞了", 19)["level"] <= 2


def test_suspected_child_maltreatment_and_a_diabetics_silent_mi() -> None:
    out = run("三个月的女儿身上好几块青紫，颜色有新有旧，爸爸和奶奶说法不一样", 0.25)
    assert "C-CHILD-ABUSE-SUSPECTED" in ids(out) and out["level"] <= 2
    assert "C-CHILD-ABUSE-SUSPECTED" not in ids(run("磕到桌角，额头一块青紫", 4))
    acs = run("Diabetic on insulin, tired and a bit sick in the stomach, sweaty and grey", 64)
    assert "C-CHEST-PAIN-ACS" in ids(acs) and acs["level"] <= 2


def test_life_threatening_asthma_in_a_mothers_words() -> None:
    out = run("He can only say two or three words at a time, lips look a bit blue, gone really "
              "quiet", 11)  # fmt: skip
    assert out["level"] == 1


def test_a_recurring_known_pain_is_one_level_lower_ctas_chronic() -> None:
    out = run("来月经第一天，小肚子坠着疼，每个月都这样，不头晕，不发烧", 17, vitals={"pain": 4})
    assert out["level"] == 4
    acute = run("小肚子坠着疼，第一次这样", 17, vitals={"pain": 4})
    assert acute["level"] == 3


def test_a_negated_pain_word_names_no_central_site_and_hunan_negation() -> None:
    out = run("右下边最里头那颗牙疼了三天，脸不肿，咽口水不疼，不发烧", 33, vitals={"pain": 5})
    assert out["level"] == 4
    kid = run("发烧一天，流清鼻涕，冒得出疹子，冒得气喘，在那里蹦蹦跳跳", 4)
    assert not {"C-FEVER-RASH-CHILD", "C-ASTHMA-COPD-EXACERBATION"} & ids(kid)


def test_plenty_of_urine_is_never_oliguria_by_similarity() -> None:
    out = run("有点口干，尿多一点，精神挺好", 56)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" not in ids(out)


def test_a_negative_ketone_strip_and_a_blanching_rash_in_a_well_child() -> None:
    out = run("血糖二十二，有点口干，尿酮试纸测了是阴性", 56)
    assert "C-DKA-SIGNS" not in ids(out)
    assert "C-DKA-SIGNS" in ids(run("血糖二十二，尿酮三个加号", 56))
    rash = run("发烧一天，身上起了红疹子，拿玻璃杯压了一下就褪色了，在候诊区跑来跑去", 3)
    assert rash["level"] == 4
    assert run("发烧一天，身上起了红疹子，压了也不褪色", 3)["level"] <= 2


def test_copd_more_breathless_but_speaking_full_sentences_is_level_3() -> None:
    out = run("COPD, 3d increasing SOB and sputum, speaks full sentences", 68)
    assert out["level"] == 3
    assert run("COPD, SOB, can't speak in full sentences, lips blue", 68)["level"] <= 2


def test_mild_nausea_of_early_pregnancy_needs_no_obstetric_resource() -> None:
    out = run("怀孕八周，早上恶心，一天吐一两回，喝水不吐，尿也不少", 25, sex="F")
    assert out["level"] == 4


def test_a_cantonese_dry_nappy_and_psychotic_voices() -> None:
    assert run("拉稀三日，尿片由朝早到而家六个钟冇湿过", 1.5)["level"] <= 3
    relapse = run("停药两个月，老说有人在房顶上说他坏话，坐那儿挺安静", 26)
    assert "C-ACUTE-PSYCHOSIS" in ids(relapse) and relapse["level"] == 3


def test_worry_about_a_symptom_one_has_is_no_fear_and_gushing_is_no_denial() -> None:
    assert not is_feared("我很担心")  # "我很担心胸口疼": the chest pain is real
    assert run("我很担心胸口疼，疼了半个钟头", 60)["level"] <= 2
    from appliance.clinical.findings_text import fold

    assert fold("冒得出疹子") == "没有出疹子" and fold("血冒得厉害") == "血冒得厉害"


def test_a_severe_recurring_pain_is_level_3_unless_it_escalated() -> None:
    """CTAS "chronic": a severe pain told as the patient's usual one is 3, not 2 (the row's
    recurrent level); vomiting or the usual medicine failing keeps the acute reading."""
    usual = run("老偏头痛，跟以前一样，疼痛8分", 34)
    assert usual["level"] == 3
    assert any("反复" in r["text"] for r in usual["reasons"] if r["rule"] == "V-PAIN-SEVERE")
    assert run("老偏头痛，跟以前一样，吐了好几回，疼痛8分", 34)["level"] == 2
    assert run("头痛，疼痛8分", 34)["level"] == 2


def test_a_skin_lesion_is_a_pain_site_only_with_a_pain_word_in_its_clause() -> None:
    """A rash beside dizziness says nothing about where a pain score comes from (the property
    "adding a finding never lowers urgency" found "头晕，皮疹" read as peripheral pain)."""
    assert run("头晕，皮疹", None, vitals={"pain": 4})["level"] == 3
    assert run("手背起了个水疱，火辣辣地疼", 30, vitals={"pain": 4})["level"] == 4


def test_hearsay_and_a_suspicion_are_not_fears() -> None:
    """听说/怕是/"afraid it's" may carry a real event or a relative's suspicion: never dropped."""
    assert not is_feared("听说孩子在学校") and not is_feared("怕是")
    assert run("老师打电话说，听说孩子在学校晕倒了", 10)["level"] <= 3
