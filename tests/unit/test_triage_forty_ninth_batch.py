"""Triage mechanisms of the forty-ninth #16 batch: the clause-only near rule and the mechanisms read
from the outside-written development sets dev111–dev113; firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings import Concept, Vocabulary, extract_findings
from appliance.clinical.triage_lowrisk import lasted
from tests.unit._triage_service import ids, run


def test_a_clause_only_near_rule_never_reads_the_next_clause() -> None:
    loose = Concept("X", (), near_sites=("背上",), near_signs=("像刀割",))
    strict = Concept("Y", (), near_sites=("背上",), near_signs=("像刀割",), near_clause=True)
    text = "背上划了个口子，像刀割"
    assert [f.id for f in extract_findings(text, vocabulary=Vocabulary((loose, strict)))] == ["X"]
    assert {
        f.id for f in extract_findings("背上一阵像刀割", vocabulary=Vocabulary((loose, strict)))
    } == {
        "X",
        "Y",
    }


def test_a_knife_cutting_pain_of_the_back_or_chest_is_a_tearing_pain_in_its_own_clause() -> None:
    for text in (
        "胸口一下子像刀子割，疼到后背",
        "背心那里像拿刀割，一阵一阵的",
        "后背像刀割样，人出虚汗",
    ):
        out = run(text, 60)
        assert "C-TEARING-PAIN" in ids(out) and out["level"] == 2, text
    for text in ("背上被玻璃划了个口子，像刀割一样疼", "后背长了个疖子，疼得像刀割"):
        assert "C-TEARING-PAIN" not in ids(run(text, 35)), text


def test_a_deficit_told_as_lasting_weeks_is_no_stroke_alert() -> None:
    for text in (
        "左手没劲三四年了，拿不住筷子",
        "右手拿不住筷子一个多月了，越来越厉害",
        "左手没劲，三四年了",
    ):
        out = run(text, 70)
        assert "N-DEFICIT-LONGSTANDING" in ids(out) and out["level"] == 3, text
        assert "C-STROKE-BEFAST" not in ids(out), text
    # days, a time ago, anything sudden or of today, or the duration of something else: a stroke
    for text in (
        "说话含糊两天了",
        "说话不清，三个月前中过风",
        "左边胳膊腿没劲两个月，今天突然更重了",
        "说话含糊，血压高了好几年",
        "左边手脚没劲，一个多月前摔过一跤",
    ):
        assert run(text, 70)["level"] <= 2, text
    # the more specific palsy row still wins
    assert "N-BELLS-PALSY" in ids(run("嘴歪了半个月了，眼睛闭不严", 40))


def test_lasted_reads_numerals_vague_counts_and_a_duration_clause() -> None:
    assert lasted("手没劲好几年了", 3, 14)
    assert lasted("手没劲半个月", 3, 14)
    assert lasted("手没劲，都两三个月了", 3, 14)
    assert not lasted("手没劲十来天", 3, 14)
    assert not lasted("手没劲，两年前摔过", 3, 14)
    assert not lasted("手没劲，血压高了好几年", 3, 14)


def test_eye_emergencies_told_in_lay_words() -> None:
    out = run("喷药的时候药水溅进右眼了", 45)
    assert "C-EYE-CHEMICAL" in ids(out) and out["level"] == 2
    assert "C-EYE-CHEMICAL" not in ids(run("喷药的时候手上沾了点药水", 45))
    out = run("左眼下半边像挡了块黑帘子，不红不疼", 60)
    assert "C-EYE-EMERGENCY" in ids(out) and out["level"] == 2
    out = run("眼皮肿了两天，眼珠一转就疼，发烧", 9)
    assert "C-ORBITAL-CELLULITIS" in ids(out) and out["level"] == 2
    out = run("下眼皮被树枝划了个口子", 40)
    assert "C-EYELID-LACERATION" in ids(out) and out["level"] == 3


def test_mouth_and_jaw_injuries() -> None:
    out = run("脸上挨了一拳，上下牙对不上了", 28)
    assert "C-MANDIBLE-INJURY" in ids(out) and out["level"] == 3
    assert "C-MANDIBLE-INJURY" not in ids(run("牙疼，上下牙一咬就疼", 28))
    out = run("摔了一跤把舌头咬穿了，一直流血", 5)
    assert "C-TONGUE-LACERATION" in ids(out) and out["level"] == 3
    assert "C-TONGUE-LACERATION" not in ids(run("吃饭把舌头咬了个小口子，早不流了", 5))
    assert "C-HAEMATEMESIS-MINOR" not in ids(run("拔完牙回家吐口水带点血丝", 30))


def test_the_scrotum_and_the_perineum() -> None:
    out = run("卵蛋肿了，疼得走不了路", 14)
    assert {"C-TESTICULAR-TORSION", "C-TESTICULAR-COLLOQUIAL"} & ids(out) and out["level"] == 2
    out = run("左边卵蛋突然疼起来了", 14)
    assert "C-TESTICULAR-TORSION" in ids(out) and out["level"] == 2
    assert run("阴囊有点潮，痒", 40)["level"] == 4
    out = run("打球被踢到裆里，阴囊肿了有点疼", 16)
    assert "N-SCROTAL-INJURY" in ids(out) and out["level"] == 3
    out = run("上礼拜得了痄腮，这两天蛋蛋肿疼", 15)
    assert "N-EPIDIDYMO-ORCHITIS" in ids(out) and out["level"] == 3
    out = run("糖尿病十年了，会阴这里红肿", 60)
    assert "C-NECROTISING-INFECTION" in ids(out) and out["level"] == 2
    assert "C-NECROTISING-INFECTION" not in ids(run("会阴这里红肿", 60))


def test_pain_out_of_proportion_in_a_nurse_s_words() -> None:
    out = run("腿上红了一小块，护士看疼痛跟外观不相称", 50)
    assert "C-NECROTISING-INFECTION" in ids(out) and out["level"] == 2
    assert "C-NECROTISING-INFECTION" not in ids(run("腿上红了一小块，疼得睡不着", 50))


def test_drugs_that_change_what_a_symptom_means() -> None:
    out = run("吃恩格列净的，吐了两回", 58)
    assert "C-DKA-SIGNS" in ids(out) and out["level"] == 2
    assert "C-DKA-SIGNS" not in ids(run("吃恩格列净的，来开药", 58))
    out = run("吃双氢克尿噻的，这几天恶心", 60)
    assert "C-DIURETIC-ELECTROLYTE" in ids(out) and out["level"] == 3
    out = run("换过肝，一直吃抗排斥的药，发烧了", 50)
    assert "C-NEUTROPENIC-FEVER" in ids(out) and out["level"] == 2
    out = run("每天半斤白酒，停了两天，在家抽了一次", 52)
    assert "C-ALCOHOL-WITHDRAWAL" in ids(out) and out["level"] == 2


def test_a_missed_dialysis_with_nothing_wrong_is_level_three() -> None:
    out = run("每周透两次，这周漏了一次，现在好好的，不憋气", 60)
    assert "N-DIALYSIS-MISSED-WELL" in ids(out) and out["level"] == 3
    assert run("每周透两次，这周漏了一次，浑身没劲，嘴巴发麻", 60)["level"] <= 2


def test_vomiting_and_vertigo_in_lay_words() -> None:
    assert "N-NAUSEA-VOMITING" in ids(run("吐好几回了", 40))
    assert "N-NAUSEA-VOMITING" not in ids(run("咳嗽，吐痰好几回", 40))
    out = run("一起床屋子就打转，吐了", 50)
    assert "C-VERTIGO" in ids(out) and out["level"] == 3
    assert "C-ACUTE-ABDOMINAL-PAIN" not in ids(run("腿肚子抽筋，一阵一阵的", 40))


def test_an_event_asked_about_keeps_its_urgency() -> None:
    # a suspected ingestion or bite is a high-risk situation: "是不是" asks, it does not deny
    assert run("不知道是不是喝了农药，嘴里有股大蒜味", 40)["level"] == 1
    assert run("是不是把扣子电池吞下去了，找不着了", 2)["level"] <= 2
    assert run("是不是被蛇咬了，脚上两个牙印，肿了", 50)["level"] <= 2


def test_a_lost_appetite_does_not_deny_what_follows_it() -> None:
    assert "N-MILD-SYSTEMIC" in ids(run("一个礼拜没胃口、浑身没劲", 80))


def test_semantic_clauses_that_name_a_place_or_deny_confusion() -> None:
    assert "C-STROKE-BEFAST" not in ids(run("嘴里起了溃疡，舌头尖上一个，牙龈上两个", 30))
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(run("这几天恶心没劲，人不糊涂", 70))


def test_lay_words_for_flow_swelling_and_a_soft_lump() -> None:
    assert "N-EPISTAXIS-STOPPED" in ids(run("鼻子淌血，捏住鼻子已经止住了", 8))
    out = run("腋下长了个疙瘩，中间变软了，发烧38.6", 30)
    assert out["level"] == 3 and "N-SKIN-INFECTION" in ids(out)
    out = run("眼皮肿，两只脚也肿", 8)
    assert "C-OEDEMA-TWO-PLACES" in ids(out) and out["level"] == 3
    assert "C-DIABETIC-FOOT" in ids(run("脚底的口子化脓了，在家测血糖十几", 65))
    assert "C-HEAD-INJURY" in ids(run("后脑勺撞了个包", 4))


def test_a_catheter_whose_urine_does_not_come_down_is_blocked() -> None:
    assert "N-CATHETER-BLOCKED" in ids(run("插着尿管，尿袋里的尿不往下走了", 80))


def test_an_infant_s_forehead_bump_from_a_bed_told_well_is_minor() -> None:
    well = "从沙发上滚下来，脑门磕了个包，当时就哭了，没吐，吃奶玩耍都正常"
    assert "N-HEAD-INJURY-MINOR" in ids(run(well, 0.7)) and run(well, 0.7)["level"] == 4
    back = "从床上掉下来，后脑勺磕了个包，当时就哭了，没吐，吃奶正常"
    assert "C-HEAD-INJURY" in ids(run(back, 0.5)) and run(back, 0.5)["level"] == 3


def test_the_batch_s_second_read() -> None:
    # a pain in a later clause may be another part's: no torsion
    assert run("阴囊那里出汗多，大腿根磨得疼", 30)["level"] == 4
    assert run("蛋蛋那里湿疹，挠破了疼", 30)["level"] == 4
    # a pain told by its degree still is
    assert run("蛋蛋肿得老大，疼得直哭", 8)["level"] == 2
    # eye drops splashing are no chemical
    assert "C-EYE-CHEMICAL" not in ids(run("滴眼药水的时候溅进眼睛了，有点涩", 30))
    # someone pacing the room is no vertigo
    assert "C-VERTIGO" not in ids(run("急得在屋里打转，坐不住", 30))
    # snoring is no blow to the jaw
    assert "C-MANDIBLE-INJURY" not in ids(run("打呼噜，下巴合不拢", 50))


def test_breathless_so_that_lying_down_is_impossible_is_dyspnoea() -> None:
    out = run("呋塞米吃完了，腿肿得厉害，晚上喘得躺不下", 70)
    assert "C-DYSPNOEA" in ids(out) and out["level"] == 2
