"""Triage mechanisms of the sixteenth #16 batch (from the outside-written development sets dev18,
``triage_outside_dev18.toml``: children and pregnancy, and dev19, ``triage_outside_dev19.toml``:
working-age adults told vaguely), firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.extract_numbers import normalize_numbers
from appliance.clinical.findings import cancelled_after
from appliance.clinical.triage_semantic import clauses
from tests.unit._triage_service import ids, run


def test_hypotension_with_signs_of_hypoperfusion_is_shock() -> None:
    """ESI v4 level 1: an adult's SBP < 90 with a cold sweat, pallor, a collapse or confusion."""
    vitals = {"sbp": 82, "dbp": 50, "hr": 118}
    sweat = run("胃不舒服一上午，刚才浑身冷汗，脸色发白", 66, vitals=vitals)
    assert sweat["level"] == 1 and "C-SHOCK" in ids(sweat)
    fell = run("早上开始心口发闷，上厕所时一头栽倒在地", 70, vitals={"sbp": 80, "hr": 44})
    assert fell["level"] == 1 and "C-SHOCK" in ids(fell)
    # a low pressure alone, or pallor with a normal pressure, is not shock
    low = run("头有点晕，想来量个血压", 30, vitals={"sbp": 86, "dbp": 56, "hr": 76})
    assert "C-SHOCK" not in ids(low) and low["level"] >= 2
    pale = run("这两天脸色发白，没什么力气", 45, vitals={"sbp": 118, "hr": 80})
    assert "C-SHOCK" not in ids(pale)
    # a child's low pressure is read by the child bands, not by the adult cut-off
    child = run("孩子脸色发白，说肚子疼", 6, vitals={"sbp": 88, "hr": 100})
    assert "C-SHOCK" not in ids(child)


def test_mottled_skin_with_altered_consciousness_is_shock() -> None:
    out = run("发烧两天，今天皮肤发花，人迷迷糊糊的，叫他也不太清楚", 72)
    assert out["level"] == 1 and "C-SHOCK" in ids(out)
    feeding = run("六周的宝宝不肯吃奶，皮肤花斑，哭声弱", 0.12)
    assert feeding["level"] == 2 and "C-SHOCK" not in ids(feeding)


def test_a_long_seizure_told_as_over_is_not_status_epilepticus() -> None:
    over = run("发烧，在家抽了大概六分钟，抽完一直想睡，喊得醒", 3)
    assert over["level"] == 2
    going = run("抽了十分钟了还在抽，口吐白沫", 3)
    assert going["level"] == 1
    stopped_en = run("seizure lasted about 8 minutes, now stopped, drowsy but rousable", 30)
    assert stopped_en["level"] == 2


def test_suicidal_farewell_and_giving_things_away() -> None:
    gone = run("这几天把手机都送人了，还跟他妈说以后不给你们添麻烦了", 40)
    assert gone["level"] == 2 and "C-SUICIDE-RISK" in ids(gone)
    together = run("产后一个月，整夜不睡，说要带孩子一起走，活着没意思", 27)
    assert together["level"] == 2 and "C-SUICIDE-RISK" in ids(together)
    ordinary = run("家里的旧衣服都送人了，这两天有点咳嗽", 40)
    assert "C-SUICIDE-RISK" not in ids(ordinary)


def test_a_childs_green_vomit_told_in_a_parents_words() -> None:
    baby = run("宝宝两周，今天吐了好几次，后面吐的都是绿色的水", 0.04)
    assert baby["level"] <= 2 and "C-BILIOUS-VOMITING-CHILD" in ids(baby)
    adult = run("三天没放屁，肚子胀，吐出来的是黄绿色的", 70, vitals={"sbp": 134, "hr": 90})
    assert "C-BILIOUS-VOMITING-CHILD" not in ids(adult)
    milk = run("宝宝吐奶，吐出来白白的奶瓣", 0.2)
    assert "C-BILIOUS-VOMITING-CHILD" not in ids(milk)


def test_a_baby_hard_to_wake_for_feeds_is_lethargic_not_in_a_coma() -> None:
    out = run("生下来第五天，很黄，这两天光睡，喂奶都叫不醒", 0.014)
    assert out["level"] == 2 and "C-ARREST-UNRESPONSIVE" not in ids(out)
    assert "C-CHILD-DANGER-SIGNS" in ids(out)
    coma = run("孩子摔了以后怎么叫都叫不醒", 3)
    assert coma["level"] == 1


def test_a_negated_cancelling_phrase_cancels_nothing() -> None:
    text = "黄疸一直没退干净，大便发白"
    assert not cancelled_after(text, 2, ("退干净",))
    assert cancelled_after("黄疸已经退干净了", 2, ("退干净",))
    jaundice = run("宝宝两个月了，黄疸一直没退干净，大便颜色越来越浅", 0.17)
    assert jaundice["level"] == 3 and "C-JAUNDICE" in ids(jaundice)


def test_a_sign_said_to_have_stopped_now_is_not_matched_by_similarity() -> None:
    spans = [c[2] for c in clauses("吞了一个扣子，当时咳了两声，现在不咳了")]
    assert "现在不咳了" not in spans
    coin = run("吞了一个扣子，当时咳了两声，现在不咳了，能喝水", 3)
    assert coin["level"] >= 3


def test_hanging_laundry_is_no_hanging_injury() -> None:
    laundry = run("palpitations started while hanging laundry, no chest pain", 35)
    assert "C-DROWNING-ELECTRIC-HANGING" not in ids(laundry)
    found = run("found hanging in the barn, cut down by his brother", 35)
    assert found["level"] == 1 and "C-DROWNING-ELECTRIC-HANGING" in ids(found)


def test_disorientation_to_place_and_heavy_drinking_told_by_amount() -> None:
    lost = run("昨晚开始问她这是在哪里也答不上来", 78)
    assert lost["level"] <= 2 and "C-ALTERED-CONSCIOUSNESS" in ids(lost)
    knows = run("知道这是在哪里，说话清楚", 78)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(knows)
    dts = run("每天半斤白酒，停了三天，说看到墙角有虫子，手抖出汗", 55)
    assert dts["level"] == 2 and "C-ALCOHOL-WITHDRAWAL" in ids(dts)


def test_dehydration_told_by_nappies_tears_and_bringing_everything_back() -> None:
    out = run("一岁的娃拉肚子两天，喝一口吐一口，尿布一天就湿了一回，精神还行", 1)
    assert out["level"] == 3 and "C-PERSISTENT-VOMITING-DEHYDRATION" in ids(out)
    wet = run("一岁的娃拉肚子一天，尿布照常湿，吃奶正常，精神好", 1)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" not in ids(wet)


def test_a_strained_back_with_normal_urine_is_peripheral_pain() -> None:
    strain = run("搬东西闪了腰，腰疼，小便跟平常一样，腿不麻", 34, vitals={"pain": 5})
    assert strain["level"] == 4
    colic = run("搬东西以后腰疼，尿是红的", 34, vitals={"pain": 5})
    assert colic["level"] == 3
    breast = run("喂奶三周，左边乳房红肿疼，精神还可以", 28, vitals={"pain": 4, "temp": 37.6})
    assert breast["level"] == 4


def test_a_written_temperature_keeps_the_digits_after_it() -> None:
    assert normalize_numbers("38.5℃38.5") == "38.5℃38.5"
    assert normalize_numbers("体温三十八度五") == "体温38.5℃"
    assert normalize_numbers("38度2") == "38.2℃"
