"""Triage mechanisms of the forty-fourth #16 batch, read from the outside-written development sets
dev97 (``triage_outside_dev97.toml``: mental health and behaviour) and dev98
(``triage_outside_dev98.toml``: abdominal pain of every kind); firing and non-firing (wording
ours)."""

from __future__ import annotations

from appliance.clinical.findings_text import fold
from tests.unit._triage_service import ids, run


def test_a_plan_to_jump_into_water_with_words_between() -> None:
    out = run("这几天老想着一个人去跳河", 40)
    assert out["level"] <= 2 and "C-SUICIDE-RISK" in ids(out)
    assert "C-SUICIDE-RISK" not in ids(run("天热了，娃想跳河里游泳", 10))


def test_drinking_the_pesticide_as_a_way_out() -> None:
    out = run("跟女儿说不如喝药算了", 68)
    assert out["level"] <= 2 and "N-WANTS-POISON" in ids(out)


def test_a_voice_at_the_ear_after_a_birth() -> None:
    out = run("生完孩子半个月，说有人在耳边叫她别要这个娃", 27)
    assert out["level"] <= 2 and "C-POSTPARTUM-PSYCHOSIS" in ids(out)
    # a grandmother calling a child up at his ear is no voice
    assert "C-ACUTE-PSYCHOSIS" not in ids(run("奶奶在耳边叫他起床，他不起", 12))


def test_grandiose_talk_with_agitation_nobody_can_hold() -> None:
    out = run("两天没睡，说自己是皇帝，几个人按不住", 35)
    assert out["level"] <= 2 and "C-PSYCHOSIS-DANGEROUS" in ids(out)


def test_tablets_counted_with_the_drug_named_between() -> None:
    out = run("吃了布洛芬二十片，想死", 19)
    assert "M-TABLETS-OVERDOSE" in ids(out)
    assert "M-TABLETS-OVERDOSE" not in ids(run("吃了感冒药两片，还在咳", 30))
    # 颗 and 粒 count food too: grapes or peanuts are no tablets, either order
    assert "M-TABLETS-OVERDOSE" not in ids(run("吃了十几颗葡萄，肚子痛", 6))
    assert "M-TABLETS-OVERDOSE" not in ids(run("吃了花生米二十粒", 6))


def test_ankle_and_wrist_told_with_the_neck_word() -> None:
    assert fold("脚脖子肿") == "脚腕子肿"
    out = run("小腿起红点，脚脖子也肿", 8)
    assert "N-NECK-SPREAD" not in ids(out)


def test_a_medicine_asked_keeps_its_clause_from_the_semantic_bank() -> None:
    out = run("拉了两回稀，来拿点止泻药", 30)
    assert out["level"] == 4 and "C-SUICIDE-RISK" not in ids(out)
    # the semantic side refuses a clause that asks for a medicine (it names no sign)
    assert all(f["source"] != "semantic" for f in out["findings"])


def test_known_coronary_disease_with_a_stomach_upset_and_a_sweat() -> None:
    # at any age, kept from a history clause as context (the older adult's composite, ESI v4 ch.3)
    out = run("以前有过心梗，这回胃不舒服，一身冷汗", 55)
    assert out["level"] <= 2 and "C-CHEST-PAIN-ACS" in ids(out)
    # without a sweat it is not raised by this composite
    assert "C-CHEST-PAIN-ACS" not in ids(run("冠心病，拉肚子两天，没出汗", 55))


def test_a_request_for_medicine_is_no_clause_for_the_bank() -> None:
    from appliance.clinical.triage_semantic import clauses

    assert clauses("来拿点止泻药") == [] and clauses("想开些感冒药吃") == []
    assert clauses("买点药膏") == []
    # something taken, or a medicine named without a request, is still read
    assert [c[2] for c in clauses("拿了一瓶安眠药")] == ["拿了一瓶安眠药"]
    assert [c[2] for c in clauses("吃了半瓶降压药")] == ["吃了半瓶降压药"]
