"""Triage mechanisms of the thirty-ninth #16 batch, read from the outside-written development
sets dev82 (``triage_outside_dev82.toml``: the Hexi corridor of Gansu), dev83
(``triage_outside_dev83.toml``: women of 15 to 48 and their babies) and dev84
(``triage_outside_dev84.toml``: vital signs told every way); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_blood_told_plainly_in_a_pregnancy() -> None:
    out = run("怀孕三十一周，刚才起床下面淌了好些鲜红的血", 30)
    assert out["level"] == 2 and "C-PREGNANCY-BLEEDING-TOLD" in ids(out)
    # the same words without a pregnancy are no pregnancy finding
    assert "C-PREGNANCY-BLEEDING-TOLD" not in ids(run("绝经好多年，下面淌了好些血", 60))
    # emergency contraception is no pregnancy
    pill = run("前几天吃了紧急避孕药，这两天下面有一点血", 25)
    assert "C-PREGNANCY-BLEEDING-TOLD" not in ids(pill)


def test_spotting_told_plainly_before_20_weeks_is_level_3() -> None:
    out = run(
        "怀孕九周，B超说在宫内，今天内裤上有一点淡红的血，肚子不痛，不头晕", 28,
        vitals={"sbp": 112, "dbp": 70},
    )  # fmt: skip
    assert out["level"] == 3 and "C-PREGNANCY-SPOTTING" in ids(out)
    # a faint told keeps level 2
    fainted = run(
        "怀孕九周，今天内裤上有一点淡红的血，刚才上厕所晕倒了", 28, vitals={"sbp": 112, "dbp": 70}
    )
    assert fainted["level"] <= 2


def test_contractions_before_37_weeks_are_preterm_labour() -> None:
    out = run("怀孕32周，从早上开始肚子一阵紧一阵，十来分钟一回", 26)
    assert out["level"] == 2 and "C-PRETERM-LABOUR" in ids(out)
    term = run("怀孕39周，肚子一阵一阵发紧，二十分钟一回，没见红没破水", 26)
    assert term["level"] == 3 and "C-LABOUR-ASSESS" in ids(term)
    assert "C-PRETERM-LABOUR" not in ids(term)
    # tightening in waves without a pregnancy is no labour
    assert "C-LABOUR-ASSESS" not in ids(run("胸口一阵一阵发紧，喘不上气", 60))


def test_waters_told_as_wet_trousers() -> None:
    out = run("怀孕三十四周，半夜裤子湿了一大片，到现在还往下淌", 27)
    assert out["level"] == 2 and "C-PRETERM-LABOUR" in ids(out)
    term = run("怀孕四十周，裤子湿了一大片，清亮亮的水", 27)
    assert "C-MEMBRANES-RUPTURED" in ids(term) and "C-PRETERM-LABOUR" not in ids(term)
    # urine is no waters
    assert "C-MEMBRANES-RUPTURED" not in ids(run("怀孕三十周，一咳嗽就尿湿了裤子", 27))


def test_the_cord_told_further_from_the_word_below() -> None:
    out = run("羊水破了，摸到下面有根软软的带子掉出来", 30, pregnant=True)
    assert out["level"] == 1 and "C-CORD-PROLAPSE-TOLD" in ids(out)


def test_a_fit_told_as_not_stopping() -> None:
    out = run("孩子发着烧突然抽起来，到现在还停不下来", 2)
    assert out["level"] == 1 and "C-STATUS-EPILEPTICUS" in ids(out)
    assert "C-STATUS-EPILEPTICUS" not in ids(run("咳嗽一阵一阵的停不下来", 2))
    # a fit that stopped, then crying that will not stop, is no fit going on
    stopped = run("孩子抽了一下，已经停了，现在哭个停不下来", 2)
    assert "C-STATUS-EPILEPTICUS" not in ids(stopped)


def test_newborn_yellow_below_the_face() -> None:
    out = run("生下来第五天，胸口和肚皮都发黄，吃奶还行", 0.02)
    assert out["level"] == 3 and "C-NEONATAL-JAUNDICE" in ids(out)
    # the face alone (Kramer zone 1) is watched at home
    face = run("生下来第四天，就脸上有点黄，身上不黄，吃奶好", 0.02)
    assert "C-NEONATAL-JAUNDICE" not in ids(face)
    # an older child's tummy is no newborn jaundice
    assert "C-NEONATAL-JAUNDICE" not in ids(run("肚皮上有点黄，可能是橘子吃多了", 6))


def test_lochia_heavier_again_is_secondary_bleeding() -> None:
    out = run("生完孩子二十天，恶露本来少了，这几天又多起来，有血块", 29)
    assert out["level"] == 3 and "C-SECONDARY-PPH" in ids(out)
    heavy = run("生完孩子十天，恶露突然多起来，一个钟头湿透两片，头晕眼前发黑", 29)
    assert heavy["level"] <= 2 and "C-POSTPARTUM-BLEEDING" in ids(heavy)


def test_a_surgical_wound_discharging_with_a_low_fever() -> None:
    out = run("阑尾手术后第八天，伤口中间红肿，还流脓，发低烧", 35)
    assert out["level"] == 3 and "C-SKIN-INFECTION-FEVER" in ids(out)


def test_a_caesarean_told_with_its_days_is_the_puerperium() -> None:
    assert "N-POSTPARTUM" in ids(run("剖腹产第九天，肚子疼", 30))
    # years ago it is none: a fever then is no puerperal sepsis
    years = run("剖腹产五年了，发烧肚子疼", 30)
    assert "N-POSTPARTUM" not in ids(years) and "C-POSTPARTUM-FEVER" not in ids(years)


def test_a_known_lung_disease_flaring_again() -> None:
    out = run("老慢支又犯了，咳得厉害，痰黄", 70)
    assert out["level"] == 3 and "C-ASTHMA-COPD-EXACERBATION" in ids(out)
    assert "C-ASTHMA-COPD-EXACERBATION" not in ids(run("有老慢支，来开药，最近还好", 70))
    # "犯了好几年" is how long it has been had, no flare
    assert "C-ASTHMA-COPD-EXACERBATION" not in ids(run("老慢支，犯了好几年了，来开药", 70))


def test_a_rash_behind_the_ear_is_no_mastoiditis() -> None:
    assert "C-MASTOIDITIS" not in ids(run("三个月的娃耳朵后面起红疹子，痒", 0.25))
    assert "C-MASTOIDITIS" in ids(run("耳朵后头红肿，耳朵往前顶，发烧", 4))


def test_a_poison_kept_at_home_is_no_ingestion() -> None:
    out = run("说活着没意思，家里柜子里放着一瓶敌敌畏", 50)
    assert out["level"] == 2 and "C-SUICIDE-RISK" in ids(out)
    assert "C-ORGANOPHOSPHATE" not in ids(out)


def test_period_pain_as_every_time() -> None:
    out = run("来事肚子痛，每回都这样，吃了止痛片好些", 20)
    assert out["level"] == 4 and "N-DYSMENORRHOEA" in ids(out)
    first = run("来例假肚子痛得厉害，以前从来没这样，还发烧", 20)
    assert first["level"] <= 3
