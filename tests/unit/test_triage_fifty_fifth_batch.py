"""Triage mechanisms of the fifty-fifth #16 batch, read from the outside-written development sets
dev129 (``triage_outside_dev129.toml``: breathing and chest infections at every age), dev130
(``triage_outside_dev130.toml``: people over 70 brought by relatives) and dev131
(``triage_outside_dev131.toml``: pregnancy, birth, the weeks after and women's health), and from
a read case of dev80; firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_a_month_of_dizziness_is_no_presyncope() -> None:
    # weeks of dizziness with pallor and black stools now and then: chronic blood loss, stable (3)
    out = run("头晕没劲儿一个多月了，脸发白，大便有时候发黑", 78)
    assert "N-PRESYNCOPE" not in ids(out) and "C-GI-BLEED-UNSTABLE" not in ids(out)
    assert out["level"] == 3
    # dizziness today, or worse today, with black stools is the unstable bleed (2)
    for text in (
        "拉黑屎两天了，头晕，站起来眼前发黑",
        "头晕两个月了，今天突然晕得厉害，大便是黑的",
    ):
        out = run(text, 60)
        assert "C-GI-BLEED-UNSTABLE" in ids(out) and out["level"] == 2, text


def test_a_note_that_opens_with_the_weeks_is_a_pregnancy() -> None:
    out = run("37周了，从昨天下午到现在一直没觉着娃动，肚子不疼", 27, sex="F")
    assert out["vitals_used"]["pregnancy_weeks"]["value"] == 37
    assert out["level"] == 2
    # a cough of twenty weeks, or a baby born at 32 weeks, is no pregnancy
    assert "pregnancy_weeks" not in run("咳嗽20周，没好", 50)["vitals_used"]
    assert "pregnancy_weeks" not in run("孩子32周早产，现在两个月", 0.2)["vitals_used"]


def test_a_fit_told_going_on_all_the_way_here() -> None:
    out = run("眼珠子往上翻，胳膊腿一抽一抽的，从家里一路抽到这儿，快二十分钟了", 0.02)
    assert "M-SEIZURE-PROLONGED" in ids(out) and out["level"] == 1
    # a brief fit, then twenty minutes on the way: not a long seizure
    out = run("抽了一下，到这儿快二十分钟了，现在睡着", 3)
    assert "M-SEIZURE-PROLONGED" not in ids(out)


def test_gasps_and_a_still_chest_after_a_collapse() -> None:
    out = run("吃着饭突然一歪倒地上，喊不答应，倒了两口气，现在胸口不动了", 80)
    assert "C-ARREST-UNRESPONSIVE" in ids(out) and out["level"] == 1
    # a call not answered over a phone game is no coma
    assert "C-ARREST-UNRESPONSIVE" not in ids(run("他叫不答应，一直玩手机", 15))
    # a newborn who will not wake to feed is lethargic (2), not in a coma
    out = run("还不到一天，身上黄，嘬两口奶就睡，叫都叫不醒吃", 0.002)
    assert "C-ARREST-UNRESPONSIVE" not in ids(out)


def test_what_a_tablet_was_mistaken_for_is_not_what_was_taken() -> None:
    out = run("眼神不好，把一板格列本脲当成钙片了，一下午吃了七八粒，现在没感觉", 80)
    assert "M-TABLETS-OVERDOSE" in ids(out) and out["level"] == 2
    # calcium tablets really taken stay non-toxic
    assert "M-TABLETS-OVERDOSE" not in ids(run("孩子把一板钙片吃了，挺好的", 4))


def test_one_sides_leg_and_hand_weak_on_waking() -> None:
    out = run("早上起来右边腿不得劲，走路拖着，右手端碗也端不稳，昨晚还好好的", 75)
    assert "C-STROKE-BEFAST" in ids(out) and out["level"] == 2
    # one leg weak after sitting, the other side's hand shaking: no hemiparesis
    assert "C-STROKE-BEFAST" not in ids(run("坐久了左腿发软，右手端碗有点抖", 60))
    # a leg weak from an injury or use, whichever the hand: the limb's own problem
    for text in (
        "右手写字写多了没劲，右腿跑步跑得发软",
        "左手被门夹了拿不稳筷子，左腿昨天踢球扭了没劲",
    ):
        assert "C-STROKE-BEFAST" not in ids(run(text, 25)), text
    # weeks of it, nothing new: the long-standing deficit
    assert run("左腿没劲两年了，左手也拿不稳，中风以后就这样", 75)["level"] == 3


def test_an_older_diabetics_sweat_and_lost_appetite() -> None:
    out = run("说心里不得劲，早上起来就没胃口，出了一身汗，糖尿病二十年了", 76)
    assert "C-CHEST-PAIN-ACS" in ids(out) and out["level"] == 2


def test_a_sudden_stab_in_the_chest_and_no_breath_in_a_thin_teenager() -> None:
    out = run("瘦高个，咳了一声右边胸口像针扎了一下，现在吸不上气", 17)
    assert "C-DYSPNOEA" in ids(out) and out["level"] == 2
    # a blocked nose makes no dyspnoea
    out = run("感冒鼻子塞，吸不上气，用嘴喘", 30)
    assert "C-DYSPNOEA" not in ids(out) and out["level"] == 4
    assert "C-DYSPNOEA" in ids(run("鼻子塞，喘不上气，嘴唇发紫", 60))


def test_a_young_infants_coughing_fits_with_a_blue_mouth() -> None:
    out = run("快两个月的娃，咳起来一阵一阵的，憋得满脸通红，有两回嘴边发青", 0.15)
    assert "C-PERTUSSIS-INFANT" in ids(out) and out["level"] == 2
    assert "C-PERTUSSIS-INFANT" not in ids(run("孩子哭得满脸通红，咳了两声", 0.3))


def test_pulled_back_from_the_river() -> None:
    out = run("生完两个月，老念叨自己不配当妈，昨晚一个人站在河边，叫人给拉回来了", 28)
    assert "C-SUICIDE-RISK" in ids(out) and out["level"] == 2
    for text in (
        "孩子在河边玩水，差点掉下去，被我拉回来了",
        "放羊走到崖边，羊差点掉下去，拽回来了",
    ):
        assert "C-SUICIDE-RISK" not in ids(run(text, 40)), text


def test_birth_coming_and_the_weeks_after() -> None:
    out = run("第二胎，40周，在车上就憋不住要使劲，娃头顶出来了，伸手能摸着头发", 30)
    assert "C-BIRTH-IMMINENT" in ids(out) and out["level"] == 1
    assert "C-BIRTH-IMMINENT" not in ids(run("怀孕七个月，头发里摸到个包", 28))
    out = run("生完九天，三天没合眼，非说娃不是她的、是让人给换了", 28)
    assert "C-POSTPARTUM-PSYCHOSIS" in ids(out) and out["level"] == 2
    assert "N-POSTPARTUM" not in ids(run("生完病三天了还是没劲", 40))


def test_an_assault_told_as_being_bullied() -> None:
    out = run("她妈领来的，说昨天晚上叫人给欺负了，下面疼，不让别人碰", 16)
    assert "C-SEXUAL-ASSAULT-TOLD-INDIRECTLY" in ids(out) and out["level"] == 2
    assert "C-SEXUAL-ASSAULT-TOLD-INDIRECTLY" not in ids(
        run("在学校叫人给欺负了，脸上挨了一拳", 12)
    )


def test_tightness_with_the_asthma_and_after_a_run() -> None:
    out = run("本身有哮喘，感冒发烧两天，喘起来胸口发紧，自己喷药能缓一点，能说整句话", 25)
    assert "C-CHEST-PAIN-ACS" not in ids(out) and out["level"] == 3
    out = run("体育课跑完八百米，胸口发紧、喘，咳了几声，歇了十来分钟就好了", 16)
    assert "N-EXERCISE-WHEEZE-SETTLED" in ids(out) and out["level"] == 4
    # a faint on the run, or an older man's pressing tightness, is not it
    assert run("跑完步胸口发紧，眼前发黑差点晕倒，歇了一会好了", 16)["level"] <= 2
    assert "C-CHEST-PAIN-ACS" in ids(run("爬山胸口发紧，压着似的，歇了就好了", 58))


def test_smoke_breathed_at_a_fire_without_an_airway_sign() -> None:
    out = run("隔壁着火去帮着扑，吸了几口烟，嗓子呛得慌，咳了一阵。声音不哑，痰不黑", 40)
    assert "N-SMOKE-BREATHED" in ids(out) and out["level"] == 3
    out = run("着火了吸了烟，嗓子哑了，痰是黑的", 40)
    assert out["level"] <= 2


def test_red_urine_after_dragon_fruit() -> None:
    out = run("早上尿是红的！昨天吃了两个红心火龙果，不疼不胀，不发烧", 78)
    assert "N-RED-URINE-EXPLAINED" in ids(out) and out["level"] == 4
    assert "N-RED-URINE-EXPLAINED" not in ids(run("尿是红的，腰疼，昨天吃了火龙果", 70))


def test_the_babys_kicks_under_the_ribs() -> None:
    out = run("七个半月，娃在肚子里踢得特别凶，踢得我肋巴骨疼，没见红没流水", 28)
    assert "N-FETAL-KICKS" in ids(out) and out["level"] == 4
    assert "C-RIB-INJURY" in ids(run("怀孕七个月，摔了一跤，肋巴骨疼", 28))


def test_skin_and_sores_of_the_bedbound() -> None:
    out = run("瘫在床上两年了，尾巴骨那块烂了个坑，能看到黄黄的烂肉，有点味", 85)
    assert "C-PRESSURE-ULCER-DEEP" in ids(out) and out["level"] == 3
    # a graze over the tailbone after a fall is no ulcer
    assert "C-PRESSURE-ULCER-DEEP" not in ids(run("尾巴骨摔了一下，疼，烂了一块皮", 60))
    out = run("护工问的：他屁股上红了一块，按下去不褪色，皮没破，想问问咋翻身", 80)
    assert "C-SEPSIS-SIGNS" not in ids(out) and out["level"] == 4
    # a diabetic's red, hot leg: one more kind of resource (glucose), level 3
    out = run("糖尿病，右小腿红了一大片，摸着发烫，肿，三天了越长越大", 70)
    assert out["level"] == 3 and any(r["rule"] == "R-DIABETIC-SKIN" for r in out["reasons"])
    # a boil growing on the buttock of someone without diabetes stays a boil
    assert (
        run("屁股上长了个疖子，一个礼拜了越长越大，红肿发软，不发烧，没有糖尿病", 31)["level"] == 4
    )


def test_orthopnoea_and_jaundice_in_lay_words() -> None:
    out = run("脚肿了一个礼拜，这几天晚上要多垫个枕头，利尿的药自己停了", 80)
    assert "N-ORTHOPNOEA" in ids(out) and out["level"] == 3
    assert "C-JAUNDICE" in ids(run("这两个月脸越来越黄，走几步就喘", 75))
    assert "C-JAUNDICE" in ids(run("五天的小子，黄从脸上一直黄到小腿了", 0.014))
    # the refill of a man who says his head is not dizzy
    out = run("降压药吃完了，来开一个月的，没啥不舒服，头也不昏", 76)
    assert "N-MILD-SYSTEMIC" not in ids(out)
