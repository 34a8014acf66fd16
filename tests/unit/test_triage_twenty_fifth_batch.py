"""Triage mechanisms of the twenty-fifth #16 batch, read from the outside-written development sets
dev41 (``triage_outside_dev41.toml``: emergencies that sound mild), dev42
(``triage_outside_dev42.toml``: babies and toddlers under two) and dev43
(``triage_outside_dev43.toml``: the non-urgent end of a clinic day, self-care against routine);
firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_sign_in_the_short_clause_after_its_site_is_read_with_it() -> None:
    out = run("打球戳到左手小指，中间那节歪到一边去了", 19)
    assert out["level"] == 3 and "C-FRACTURE" in ids(out)
    assert "C-FRACTURE" not in ids(run("打球戳到左手小指，有点肿，能弯能伸", 19))


def test_a_scratch_that_did_not_break_the_skin_is_a_minor_exposure() -> None:
    out = run("邻居家的狗扑过来，把小腿抓了两道白印子，没破皮", 11)
    assert out["level"] == 4 and "C-ANIMAL-BITE" not in ids(out)
    assert run("邻居家的狗扑过来，把小腿咬破了，流血", 11)["level"] == 3


def test_the_soft_spot_bulging_or_sunken_in_a_parents_words() -> None:
    bulging = run("六个月，发高烧两天，吐了好几次，顶门摸着是鼓起来的", 0.5)
    assert bulging["level"] <= 2 and "C-CHILD-DANGER-SIGNS" in ids(bulging)
    sunken = run("九个月，又吐又拉，前囟凹下去了", 0.75)
    assert "C-CHILD-DANGER-SIGNS" in ids(sunken)
    assert "C-CHILD-DANGER-SIGNS" not in ids(run("四个月，来打疫苗，顶门平平的", 0.33))


def test_a_dry_nappy_and_no_tears_in_a_parents_words_are_dehydration() -> None:
    out = run("又吐又拉两天，尿布从早上到现在都是干的", 0.75)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" in ids(out)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" not in ids(run("尿布换得勤，一天湿七八块", 0.75))


def test_soft_alone_is_no_limpness() -> None:
    lump = run("从床上滚下来，耳朵上面起了个大包，软软的，当时哭了，现在能吃能玩", 1.1)
    assert "C-CHILD-DANGER-SIGNS" not in ids(lump)
    limp = run("发烧两天，今天浑身软软的，不吃奶", 0.8)
    assert limp["level"] <= 2 and "C-CHILD-DANGER-SIGNS" in ids(limp)


def test_a_workshop_shock_at_380_volts_awake_is_level_2() -> None:
    out = run("电工，摸到漏电的380伏电闸，手上烫了一下，现在心里有点慌", 45)
    assert out["level"] == 2 and "C-SUBMERSION-ELECTRIC-AWAKE" in ids(out)
    assert run("高压线漏电，人被电倒了，叫不醒", 45)["level"] == 1


def test_mild_croup_told_as_quiet_at_rest_and_eating() -> None:
    out = run("一岁，昨晚开始咳嗽声音像狗叫，安静的时候不喘，吃喝正常", 1.0)
    assert out["level"] == 4 and "C-CROUP" not in ids(out)
    assert "C-CROUP" in ids(run("一岁，咳嗽像狗叫，安静的时候也喘，嗓子里有声", 1.0))


def test_a_severe_blood_pressure_after_a_birth_is_level_2() -> None:
    out = run("生完孩子第五天，头疼，看东西眼前冒金星", 32, vitals={"sbp": 168, "dbp": 110})
    assert out["level"] == 2 and "C-POSTPARTUM-SEVERE-BP" in ids(out)
    calm = run("生完孩子第五天，来复查", 32, vitals={"sbp": 128, "dbp": 80})
    assert "C-POSTPARTUM-SEVERE-BP" not in ids(calm)


def test_early_pregnancy_with_a_pain_low_on_one_side_is_a_suspected_ectopic() -> None:
    out = run("月经推迟三个礼拜，左边小肚子一阵阵隐隐地疼，内裤上有点咖啡色的", 26)
    assert out["level"] == 2 and "C-ECTOPIC-SUSPECTED" in ids(out)
    # one-sided pain with no pregnancy told is no ectopic
    assert "C-ECTOPIC-SUSPECTED" not in ids(run("左边小肚子疼两天，来月经了", 26))


def test_a_sign_said_as_usual_is_no_semantic_match() -> None:
    out = run("流清鼻涕两天，奶吃得跟平常一样，尿不湿也照常湿", 0.83)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" not in ids(out)


def test_a_cough_of_days_is_self_care_of_two_weeks_a_tb_suspects_visit() -> None:
    days = run("七岁，咳嗽四五天了，白天玩得好好的，不发烧", 7)
    assert days["level"] == 4 and days["disposition"] == "self_care"
    weeks = run("咳嗽两个多星期了，干咳为主，不发烧", 36)
    assert weeks["level"] == 4 and weeks["disposition"] == "routine"
    assert weeks["resources"] == 1


def test_a_spell_is_read_in_days_and_a_date_is_no_spell() -> None:
    from appliance.clinical.findings_measures import longest_days

    assert longest_days("还咳，三个礼拜了") == 21
    assert longest_days("咳了一个多月") == 30
    assert longest_days("咳嗽四五天了") == 4
    assert longest_days("3月5日开始咳") is None
    assert longest_days("2023年开始咳") is None
