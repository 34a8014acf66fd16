"""Triage mechanisms of the thirty-fifth #16 batch, read from the outside-written development sets
dev71 (``triage_outside_dev71.toml``: chest pain, palpitations and breathlessness under 50) and
dev72 (``triage_outside_dev72.toml``: women's health); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_sexual_assault_told_without_the_word() -> None:
    drugged = run("昨晚喝的饮料像是被人下了药，醒来不知道在哪", 24)
    assert drugged["level"] == 2 and "C-SEXUAL-ASSAULT" in ids(drugged)
    dragged = run("下夜班被人拖进了小树林，一直在哭", 20)
    assert "C-SEXUAL-ASSAULT" in ids(dragged)
    assert "C-SEXUAL-ASSAULT" not in ids(run("拖地的时候滑了一下，屁股疼", 50))
    brought = run("老人是被人拖到车上送来的，发烧", 70)
    assert "C-SEXUAL-ASSAULT" not in ids(brought)


def test_asking_how_many_pills_it_takes_not_to_wake() -> None:
    out = run("她问护士安眠药吃几片能一睡不醒", 41)
    assert out["level"] == 2 and "C-SUICIDE-RISK" in ids(out)


def test_tablets_counted_after_a_comma() -> None:
    out = run("把一板药都吃了，差不多15片", 17)
    assert out["level"] == 2 and "M-TABLETS-OVERDOSE" in ids(out)
    assert "M-TABLETS-OVERDOSE" not in ids(run("吃了，大概3颗花生米", 17))


def test_a_belly_struck_in_late_pregnancy() -> None:
    out = run("怀孕八个月，摔了一跤，肚子挨着了", 30)
    assert out["level"] == 2 and "C-PREGNANCY-TRAUMA" in ids(out)


def test_fever_after_an_abortion_by_pills() -> None:
    out = run("药流十天了，发烧，肚子痛", 25, vitals={"temp": 38.9, "hr": 118})
    assert out["level"] <= 2
    assert "N-POSTPARTUM" in ids(out)


def test_bleeding_after_the_menopause() -> None:
    out = run("绝经五年了，最近内裤上有点出血", 60)
    assert out["level"] == 3 and "C-POSTMENOPAUSAL-BLEEDING" in ids(out)
    assert "C-POSTMENOPAUSAL-BLEEDING" not in ids(run("绝经五年了，来复查骨密度", 60))


def test_a_clot_risk_with_breathlessness_and_a_fast_pulse() -> None:
    out = run("腿打石膏两个礼拜，今天一吸气胸口就疼", 35, vitals={"hr": 116})
    assert out["level"] == 2 and "C-PE-SUSPECTED" in ids(out)
    calm = run("腿打石膏两个礼拜，来复查", 35, vitals={"hr": 76})
    assert "C-PE-SUSPECTED" not in ids(calm)


def test_the_clot_risk_words_are_one_named_group() -> None:
    from appliance.knowledge.triage_catalog import triage_knowledge

    rows = {r.id: r for r in triage_knowledge().complaints}
    assert rows["N-VTE-RISK"].terms == rows["C-VTE-HIGH-RISK"].terms
    assert "打石膏" in rows["N-VTE-RISK"].terms


def test_a_diabetic_with_an_uneasy_heart_pit_and_nausea() -> None:
    out = run("糖尿病，心口不得劲，想吐", 52)
    assert out["level"] == 2 and "C-CHEST-PAIN-ACS" in ids(out)
    plain = run("心口不得劲，想吐", 30)
    assert "C-CHEST-PAIN-ACS" not in ids(plain)
