"""Triage mechanisms of the seventeenth #16 batch (from the outside-written development sets dev20,
``triage_outside_dev20.toml``: emergencies told only by what a relative sees or hears, beside
look-alikes, and dev21, ``triage_outside_dev21.toml``: teaching vignettes as township notes),
firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_growl_in_the_throat_with_drooling_is_an_airway_about_to_close() -> None:
    out = run("发烧半天，口水都咽不下往外淌，坐着往前趴，喘气时嗓子里吼吼响", 4)
    assert out["level"] == 1 and "C-AIRWAY-OBSTRUCTION-IMMINENT" in ids(out)
    quiet = run("发烧，嗓子疼，流口水，喘气没有声音，能喝水", 4)
    assert quiet["level"] >= 2 and "C-AIRWAY-OBSTRUCTION-IMMINENT" not in ids(quiet)


def test_disorientation_to_time_and_a_coal_stove_indoors() -> None:
    day = run("今天问他礼拜几也说不上来，昨天还好好的", 76)
    assert day["level"] <= 2 and "C-ALTERED-CONSCIOUSNESS" in ids(day)
    stove = run("夜里屋里烧炉子，早上起来两口子都头疼，吐了一回", 60)
    assert stove["level"] == 2 and "C-CO-EXPOSURE" in ids(stove)
    cooking = run("白天烧炉子做饭，脚崴了一下，有点肿", 60)
    assert "C-CO-EXPOSURE" not in ids(cooking)


def test_a_prepared_method_with_a_farewell_or_a_plan() -> None:
    out = run("他屋里放着一袋木炭，还跟我说想好了，让我别管", 40)
    assert out["level"] == 2 and "C-SUICIDE-PREPARED" in ids(out)
    farm = run("买了两袋农药准备明天打麦子，今天腰疼", 50)
    assert "C-SUICIDE-PREPARED" not in ids(farm)


def test_a_child_falling_head_first_who_then_vomits() -> None:
    out = run("孩子从床上头朝下摔下来，后来吐了两次，一直想睡", 5)
    assert out["level"] == 2 and "C-HEAD-INJURY-HIGH-RISK" in ids(out)
    well = run("从沙发上头朝下摔下来，当时就哭了，没吐，玩得好好的", 3)
    assert well["level"] == 4


def test_an_infant_whose_eyes_stay_shut_when_called_and_mottling_told_as_patches() -> None:
    shut = run("娃拉了两天水，现在叫他眼睛也不睁，手脚冰凉", 0.7)
    assert shut["level"] == 1
    patches = run("发烧一天，身上一块白一块紫的，手脚凉", 2)
    assert "C-MOTTLED-SKIN" in ids(patches) and patches["level"] <= 2
    tinea = run("背上长了花斑癣，有点痒", 25)
    assert "C-MOTTLED-SKIN" not in ids(tinea)


def test_an_infant_listless_in_lay_words() -> None:
    out = run("宝宝八个月，拉肚子两天，今天蔫得很，老是睡", 0.67)
    assert out["level"] <= 2 and "C-CHILD-DANGER-SIGNS" in ids(out)
    bit = run("三岁，拉肚子一天，有点蔫了点，逗她会笑，尿正常", 3)
    assert "C-CHILD-DANGER-SIGNS" not in ids(bit)


def test_violence_with_a_farm_tool_and_restraint() -> None:
    out = run("这几天不睡觉，拿着锄头追着人骂，几个人才按住", 35)
    assert out["level"] == 2 and "C-VIOLENT-AGITATION" in ids(out)
    work = run("拿着锄头在地里干活，不小心砸到脚背", 35)
    assert "C-VIOLENT-AGITATION" not in ids(work)


def test_a_resolved_seizure_back_to_normal_is_level_3() -> None:
    known = run(
        "known epilepsy, ran out of meds, 2 min seizure at home, now alert and oriented", 34
    )
    assert known["level"] == 3 and "N-SEIZURE-RESOLVED" in ids(known)
    febrile = run("发烧一天，刚才抽了一下，一分钟就停了，现在醒了，认人，要水喝", 2)
    assert febrile["level"] == 3
    awake = run("1岁半，高烧，刚才抽了一分钟，现在醒了", 1.5)
    assert awake["level"] == 2  # awake is not yet back to normal
    # a first seizure over and back to normal is CTAS 2016's resolved seizure with a normal level of
    # consciousness, level 3 (changed in the twenty-ninth batch: outside writers grade it so); one
    # not yet clear stays level 2
    first_adult = run("第一次抽搐，两分钟，现在清醒", 40)
    assert first_adult["level"] == 3 and "N-SEIZURE-RESOLVED" in ids(first_adult)
    first_drowsy = run("第一次抽搐，两分钟，现在迷迷糊糊的", 40)
    assert first_drowsy["level"] == 2
    focal = run("发烧，抽了一下，左手抖得最厉害，现在醒了", 2)
    assert focal["level"] <= 2  # a focal seizure is no simple febrile seizure
    cluster = run("癫痫病人，今天抽了好几次，现在清醒", 30)
    assert cluster["level"] <= 2


def test_ketones_in_early_pregnancy_without_diabetes_are_hyperemesis() -> None:
    out = run("怀孕两个月，吐了三天，喝水都吐，尿酮体三个加号", 25)
    assert out["level"] == 3 and "C-DKA-SIGNS" not in ids(out)
    dka = run("怀孕五个月，有糖尿病，吐了一天，尿酮体阳性，喘气很深", 30)
    assert dka["level"] <= 2


def test_a_mild_colour_is_not_matched_as_cyanosis_by_similarity() -> None:
    out = run("老毛病又犯了，坐着喘，嘴唇有点乌", 70, vitals={"spo2": 92, "rr": 24})
    assert "C-AIRWAY-SEVERE-DYSPNOEA" not in ids(out)


def test_a_scald_from_a_pot_just_off_the_stove_is_measured_by_region() -> None:
    out = run("刚起锅的汤打翻了，淋了一胸口和两只手臂，起了大泡", 2)
    assert out["level"] <= 2
