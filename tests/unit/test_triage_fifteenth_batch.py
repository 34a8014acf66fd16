"""Triage mechanisms of the fifteenth #16 batch (from the outside-written development sets dev16,
``triage_outside_dev16.toml``: English and mixed Chinese-English clinical shorthand, and dev17,
``triage_outside_dev17.toml``: adults over 75 and rural poisonings), firing and non-firing
(wording ours)."""

from __future__ import annotations

from appliance.clinical._text import _is_negated_en
from tests.unit._triage_service import ids, run


def test_not_himself_is_a_change_not_a_negation() -> None:
    assert not _is_negated_en("daughter says he's 'not himself': ")
    assert _is_negated_en("no ")
    out = run("son says since yesterday he's not himself: confused about where he is", 79)
    assert out["level"] <= 2 and "C-ALTERED-CONSCIOUSNESS" in ids(out)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(run("alert, not confused, knows the date", 79))


def test_english_tablet_counts_and_a_seizure_still_going() -> None:
    words = run("swallowed about twenty 500 mg paracetamol tablets 4 h ago after a row", 17)
    assert words["level"] <= 2
    digits = run("took about 30 paracetamol 500 mg tablets 2 hours ago", 17)
    assert digits["level"] <= 2
    fit = run("started 抽搐 at home ~10 min ago and still 四肢抽动 on arrival", 4)
    assert fit["level"] == 1
    assert run("had a short fit 2 hours ago, now playing and chatting", 4)["level"] >= 2


def test_exertional_breathlessness_in_english_is_not_breathlessness_at_rest() -> None:
    out = run("productive cough x3d, fever, a bit SOB walking, speaking full sentences", 68)
    assert "C-DYSPNOEA" not in ids(out)
    hf = run("known heart failure, swollen ankles, breathless walking to the toilet", 85)
    assert hf["level"] == 3 and "C-DYSPNOEA" not in ids(hf)
    assert run("SOB at rest, can't finish a sentence", 68)["level"] <= 2


def test_english_shorthand_words() -> None:
    sleepy = run("8-month-old, vomiting and diarrhoea 2 days, much sleepier than usual", 0.67)
    assert sleepy["level"] <= 2
    assert "N-MEDICATION-REFILL" not in ids(run("cap refill 2 s, warm hands", 0.67))
    water = run("N/V/D x2d, can't keep anything down since last night, dizzy on standing", 34)
    assert water["level"] == 3
    dog = run("bitten on the calf by a stray dog 1 hour ago, deep punctures", 8)
    assert dog["level"] == 3 and "C-ANIMAL-BITE" in ids(dog)
    constipated = run("no bowel movement for 4 days, eating normally, passing wind", 68)
    assert constipated["level"] == 4
    plan = run("wants to die, says he will drink the paraquat he bought tonight, calm now", 35)
    assert plan["level"] == 2 and "C-HERBICIDE-INGESTION" not in ids(plan)


def test_melaena_in_minnan_and_pesticides_by_name() -> None:
    tar = run("这两日放屎乌乌，亲像柏油按呢，今仔早起来头壳眩", 80, vitals={"hr": 112})
    assert tar["level"] <= 2 and "C-MELAENA" in ids(tar)
    op = run("在田里打毒死蜱，冇戴口罩，回来一身汗湿透了，口水一直往外流", 58)
    assert op["level"] <= 2
    mild = run("打了一上午毒死蜱，中午有点头晕恶心", 41)
    assert mild["level"] == 3 and "C-PESTICIDE-SYMPTOMS" in ids(mild)


def test_choking_told_by_what_is_seen_and_fits_without_waking() -> None:
    choke = run("食糉食到一半突然唔出声，双手揸住条颈，块面紫晒，咳都咳唔出", 77)
    assert choke["level"] == 1
    stiff = run("突然后脑勺疼，这辈子没这么疼过，吐了，脖子发硬，人是醒的", 55)
    assert stiff["level"] == 2  # a stiff neck is no choking by similarity
    fits = run("吃了老鼠药，半个钟头后开始抽，一阵一阵，中间都没醒过来", 6)
    assert fits["level"] == 1
    colic = run("左腰部绞痛，一阵一阵的，往下腹部放射", 42)
    assert colic["level"] == 3  # pain in waves is no seizure


def test_methanol_frosted_glass_mushroom_names_and_a_co_alarm() -> None:
    meth = run("喝了村头打的散装酒，眼睛看东西像隔了层毛玻璃，出气有点粗", 40)
    assert meth["level"] <= 2 and "C-METHANOL-SUSPECTED" in ids(meth)
    shroom = run("中午炒了一盘见手青，两个钟头后开始吐，拉了两回", 41)
    assert shroom["level"] == 3
    alarm = run("一氧化碳报警器半夜响了，开窗通风了，一家人都没头疼没恶心", 40)
    assert alarm["level"] == 4 and "C-POISONING" not in ids(alarm)


def test_anticoagulant_haematuria_and_an_infected_diabetic_foot() -> None:
    urine = run("房颤口服利伐沙班，今晨肉眼血尿，洗肉水样，无血块", 84)
    assert urine["level"] == 3 and "C-ANTICOAG-HAEMATURIA" in ids(urine)
    gums = run("吃华法林，刷牙牙龈出血", 70)
    assert gums["level"] == 4
    foot = run("有糖尿病，右脚大拇趾烂了个口子，这几天红到脚背上来了，又肿又热", 82)
    assert foot["level"] == 3 and "C-DIABETIC-FOOT-INFECTION" in ids(foot)
    assert "C-DIABETIC-FOOT-INFECTION" not in ids(run("脚趾有点红肿，没有糖尿病", 40))


def test_english_normal_endings_are_whole_words() -> None:
    from appliance.clinical.triage_semantic import clauses

    assert not clauses("pupil round")
    assert not clauses("passing wind")
    assert clauses("left pupil unequal")  # "unequal" is no "equal"
    assert clauses("feeling very unwell")  # "unwell" is no "well"
