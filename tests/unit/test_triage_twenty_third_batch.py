"""Triage mechanisms of the twenty-third #16 batch (from the outside-written development sets
dev35, ``triage_outside_dev35.toml``: over-triage traps and level 1 against 2; dev36,
``triage_outside_dev36.toml``: mental health, intoxication, violence and abuse told indirectly;
dev37, ``triage_outside_dev37.toml``: women's and men's health), firing and non-firing (wording
ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_words_that_hold_bian_name_no_stool() -> None:
    out = run("高血压来开药，顺便量个血压", 63)
    assert "C-GI-BLEEDING-MINOR" not in ids(out)
    stool = run("大便带血两天", 63)
    assert "C-GI-BLEEDING-MINOR" in ids(stool)


def test_arterial_bleeding_controlled_stays_high_risk() -> None:
    controlled = run("镰刀划到大腿，血往外喷，村医上了止血带，现在不出血了", 35)
    assert controlled["level"] == 2 and "C-ARTERIAL-BLEED-CONTROLLED" in ids(controlled)
    ongoing = run("电锯锯到大腿，血往外喷，按不住", 35)
    assert ongoing["level"] == 1


def test_cord_prolapse_and_a_pressure_that_cannot_be_measured() -> None:
    cord = run("破水了，下面掉出来一截脐带", 25)
    assert cord["level"] == 1 and "C-CORD-PROLAPSE" in ids(cord)
    shock = run("刚生完孩子，出血很多，血压量不到了", 25)
    assert shock["level"] == 1
    normal = run("怀孕38周，来做产检，脐带绕颈一周，医生说没事", 25)
    assert "C-CORD-PROLAPSE" not in ids(normal)


def test_the_baby_not_moving_and_waters_leaking_in_lay_words() -> None:
    still = run("怀孕七个月，从昨天到现在感觉不到娃娃动", 30)
    assert still["level"] <= 2
    waters = run("怀孕32周，下面突然流了一股水，还在流", 25)
    assert waters["level"] <= 2


def test_postpartum_and_foul_lochia_in_lay_words() -> None:
    out = run("生完娃十天，高烧，下面流的东西臭，肚子痛", 27, vitals={"temp": 39.2, "hr": 118})
    assert out["level"] <= 2 and "N-POSTPARTUM" in ids(out)


def test_hard_to_wake_is_not_unrousable() -> None:
    out = run("吃了一瓶安眠药，叫不太醒，迷迷糊糊的", 70)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out) and out["level"] == 2
    cannot = run("吃了一瓶安眠药，叫不醒", 70)
    assert cannot["level"] == 1


def test_strangulation_told_by_its_marks() -> None:
    out = run("说是自己撞的，脖子上一圈红印子，声音哑了", 31)
    assert out["level"] <= 2 and "C-STRANGULATION" in ids(out)
    cold = run("脖子上起了几个红疙瘩，有点痒", 31)
    assert "C-STRANGULATION" not in ids(cold)


def test_psychosis_told_as_voices_in_the_ear_with_a_knife() -> None:
    out = run("说耳朵里有人叫他，拎着菜刀在院子里转", 28)
    assert out["level"] <= 2 and "C-PSYCHOSIS-DANGEROUS" in ids(out)


def test_a_fever_on_clozapine_is_neutropenic_risk() -> None:
    out = run("吃氯氮平的，这两天发烧，嗓子疼", 30, vitals={"temp": 39.0})
    assert out["level"] <= 2 and "N-IMMUNOSUPPRESSED" in ids(out)
    afebrile = run("吃氯氮平的，来开药", 30)
    assert afebrile["level"] >= 3


def test_a_mother_who_would_take_the_baby_with_her() -> None:
    out = run("产后两周，天天哭，说还不如跟娃一起走了干净", 29)
    assert out["level"] <= 2


def test_a_known_panic_attack_like_every_time() -> None:
    out = run("又犯了，心慌手发麻，喘不上气，惊恐障碍，每回都是这样", 29, vitals={"spo2": 99})
    assert out["level"] >= 3
