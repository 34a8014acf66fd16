"""Triage mechanisms of the fifty-sixth #16 batch, read from the outside-written development sets
dev132 (``triage_outside_dev132.toml``: injuries at every age), dev133
(``triage_outside_dev133.toml``: headache, dizziness, fainting, fits, numbness, weakness and
confusion) and dev134 (``triage_outside_dev134.toml``: poisonings, bites and the environment);
firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_measures import extract_measures
from tests.unit._triage_service import ids, run


def test_household_shocks_graded_by_what_followed() -> None:
    out = run("洗衣机电了一下，手一麻就松开了，现在一点不舒服都没有，手上没印子", 40)
    assert "N-ELECTRIC-TINGLE-WELL" in ids(out) and out["level"] == 4
    out = run("接电线的时候右手被电了一下，甩开了，手心有个小焦点，手有点麻，没晕", 35)
    assert "N-ELECTRIC-MARK-LOCAL" in ids(out) and out["level"] == 3
    # palpitations, an exit wound, 380 V or a child biting a cord keep 2 or 1
    out = run("拿铁丝捅插座被打了一下，手指头上有个黑点，说心里扑通扑通跳得慌", 12)
    assert "C-SUBMERSION-ELECTRIC-AWAKE" in ids(out) and out["level"] == 2
    assert run("修电闸让电打了，右手心有个黑窟窿，左脚底下也有一个", 38)["level"] <= 2
    assert run("电工，380伏电了一下，甩开了，没事", 30)["level"] <= 2
    assert run("孩子咬电线被电了一下，哭了，现在好好的", 3)["level"] == 1


def test_an_unseen_bite_then_drooping_lids_and_failing_breath() -> None:
    out = run(
        "傍晚在田埂上被啥东西咬了一下脚，不痛，两个小点。半夜眼皮抬不起来，讲话大舌头，喘气越来越费劲",
        45,
    )
    assert "C-POISONING-SEVERE" in ids(out) and out["level"] == 1
    assert "C-SNAKEBITE" not in ids(run("被啥东西咬了一下，起了个红包，有点痒", 30))


def test_a_sting_then_the_mouth_swelling() -> None:
    out = run("被蜜蜂蜇了一下手背，十来分钟嘴巴就开始肿，身上起风团", 30)
    assert "C-ANGIOEDEMA" in ids(out) and out["level"] <= 2
    assert "N-MOUTH-SWOLLEN" not in ids(run("上火了，嘴巴开始肿，起了个泡", 30))


def test_sweat_soaked_clothes_are_no_soaked_pad() -> None:
    out = run("在大棚里摘西红柿，头晕，吐了两回，出汗把衣服都湿透了，人清醒", 45)
    assert "C-HEAVY-VAGINAL-BLEEDING" not in ids(out)
    assert "C-HEAVY-VAGINAL-BLEEDING" in ids(run("月经量多，卫生巾一小时就湿透，头晕", 35))


def test_poking_a_wasps_nest_is_no_stab() -> None:
    out = run("放学路上捅了树上的黄蜂窝，头上被蜇了五六下，肿得老高", 9)
    assert "C-PENETRATING-TRAUMA" not in ids(out)
    assert "C-PENETRATING-TRAUMA" in ids(run("打架被人捅了一刀，肚子上一个口子", 30))


def test_a_coin_sized_blister_is_no_large_burn() -> None:
    text = "下摩托的时候腿碰到排气管上了，小腿肚上烫了个硬币大的泡，别的没事"
    assert "burn_tbsa" not in extract_measures(text)
    assert run(text, 30)["level"] == 4
    assert "burn_tbsa" in extract_measures("开水泼在两条腿上，起了一大片泡")
    # a small blister told beside a large scald keeps the large one's area
    assert "burn_tbsa" in extract_measures("开水烫了，手上一个硬币大的泡，两条胳膊烫红了一大片")


def test_both_legs_then_the_hands_weak() -> None:
    out = run("早上起来两条腿抬不起来，手也没劲，坐都坐不住，昨晚喝了好几瓶啤酒", 25)
    assert "C-ACUTE-FLACCID-WEAKNESS" in ids(out) and out["level"] == 2
    # tired from a climb, or years of it: not it
    assert "C-ACUTE-FLACCID-WEAKNESS" not in ids(run("爬了一天山，两条腿没劲，手也没劲，累的", 40))
    assert "C-ACUTE-FLACCID-WEAKNESS" not in ids(run("两条腿没劲好几年了，手也没劲", 75))


def test_a_numb_lip_after_the_dentist() -> None:
    out = run("上午补牙打了麻药，三个钟头了嘴唇和下巴还是木的，喝水往外漏，手脚都好好的", 40)
    assert "C-STROKE-BEFAST" not in ids(out) and out["level"] == 4
    assert "C-STROKE-BEFAST" in ids(run("拔牙打了麻药以后，半边身子没劲", 60))


def test_injuries_told_in_lay_words() -> None:
    out = run("骑摩托翻了，脖子后头疼，两只手发麻像过电一样", 30)
    assert "N-NECK-INJURY" in ids(out) and out["level"] == 2
    out = run("石板倒下来把右腿压住了，压了三个来钟头才弄出来，腿肿得发硬", 40)
    assert "C-CRUSH-SYNDROME" in ids(out) and out["level"] == 2


def test_charcoal_in_the_room_and_a_barbecue_outside() -> None:
    out = run("两口子昨晚在屋里烤炭火，今早起来都头痛、恶心", 40)
    assert "C-CO-EXPOSURE" in ids(out) and out["level"] == 2
    assert "C-CO-EXPOSURE" not in ids(run("在院子里烤串，烤炭火，有点头痛", 30))


def test_spraying_for_a_morning_then_sweat_and_saliva() -> None:
    out = run("打了一上午药，棉花地里，没戴口罩。中午头晕想吐，一身一身地出汗，口水多", 45)
    assert "C-PESTICIDE-MUSCARINIC" in ids(out) and out["level"] == 2
    assert run("地里打了一天药，没啥不舒服", 50)["level"] == 4


def test_glass_etching_acid_on_the_fingers() -> None:
    out = run("做酸洗的，手套破了，两个指头沾了点洗玻璃的酸，回家以后疼得钻心", 35)
    assert "C-CHEMICAL-BURN" in ids(out) and out["level"] == 2


def test_the_batchs_probe_read() -> None:
    # legs told only 没劲 with a fever or a poor appetite are tiredness, not a paralysis
    for text in ("两条腿没劲，手也没劲，感冒发烧三天了", "两条腿没劲，手也没劲，吃不下饭一个月了"):
        assert "C-ACUTE-FLACCID-WEAKNESS" not in ids(run(text, 60)), text
    # a socket poked with chopsticks is no stab
    assert "C-PENETRATING-TRAUMA" not in ids(run("插座被孩子用筷子捅了，没事", 5))
    # a mouth swollen from 上火 after spicy food is no angioedema
    out = run("嘴巴肿了，昨天吃了辣的上火", 30)
    assert "C-ANGIOEDEMA" not in ids(out) and out["level"] == 4
    assert "C-ANGIOEDEMA" in ids(run("吃了虾，嘴巴肿起来了，身上痒", 30))


def test_a_pesticide_named_first_then_drunk() -> None:
    # the 把 construction tells the poison before the verb
    for text in ("把农药当成饮料喝了一口", "敌敌畏他喝了两口，现在吐"):
        out = run(text, 40)
        assert "C-ORGANOPHOSPHATE" in ids(out) and out["level"] == 1, text
    # a drink of water after spraying, or porridge, is no ingestion
    for text in ("打完农药回来，喝了点水", "农药喷完了，喝了一碗粥"):
        assert "C-ORGANOPHOSPHATE" not in ids(run(text, 45)), text
