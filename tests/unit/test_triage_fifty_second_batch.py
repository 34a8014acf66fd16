"""Triage mechanisms of the fifty-second #16 batch, read from the outside-written development sets
dev120 (``triage_outside_dev120.toml``: summer on the North China plain), dev121
(``triage_outside_dev121.toml``: chronic illness cared for at home) and dev122
(``triage_outside_dev122.toml``: pregnancy, birth and the first three months); firing and
non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_vitals import extract_vitals
from tests.unit._triage_service import ids, run


def test_pregnancy_weeks_from_months_and_half_months() -> None:
    weeks = extract_vitals("怀孕七个半月，走路摔了一跤").pregnancy_weeks
    assert weeks is not None and 32 <= weeks.value <= 33
    exact = extract_vitals("八个多月，35周了").pregnancy_weeks
    assert exact is not None and exact.value == 35
    # a baby's age and a time ago are no pregnancy
    assert extract_vitals("孩子三个月，2周前打了疫苗").pregnancy_weeks is None


def test_the_cord_or_the_head_told_in_a_husbands_words() -> None:
    cord = run("快生了，水破了，下边掉出来一截软软的东西，摸着一跳一跳的", 27, pregnant=True)
    assert "C-CORD-PROLAPSE-TOLD" in ids(cord) and cord["level"] == 1
    head = run("第二胎，在车上就憋不住往下使劲，娃的头都露出来了", 30, pregnant=True)
    assert "C-BIRTH-IMMINENT" in ids(head) and head["level"] == 1
    assert "C-BIRTH-IMMINENT" not in ids(run("娃的头上长了个包，露出来一点白头", 1))


def test_bleeding_in_late_pregnancy_and_waters_seeping_preterm() -> None:
    bleed = run("孕30周，不疼不痒，睡着睡着下边流了一滩鲜红的血，说胎盘有点低", 29, pregnant=True)
    assert bleed["level"] <= 2
    waters = run("怀了七个多月，32周，裤子老湿，一直往外渗清水", 24, pregnant=True)
    assert "C-MEMBRANES-RUPTURED" in ids(waters) and waters["level"] == 2


def test_the_afterbirth_not_out() -> None:
    out = run("在家里生的，娃生下来半个钟头了，胎盘还没下来，下面还在流血", 30)
    assert "C-RETAINED-PLACENTA" in ids(out) and out["level"] <= 2


def test_green_vomit_in_a_baby_and_a_red_smelly_navel() -> None:
    green = run("生下来一个礼拜，吐了好几回，吐出来是绿的", 0.02)
    assert "C-BILIOUS-VOMITING-INFANT" in ids(green) and green["level"] == 2
    # an adult's bile after a night of vomiting is not it
    assert "C-BILIOUS-VOMITING-INFANT" not in ids(run("吐了一晚上，最后吐的都是绿水", 40))
    navel = run("生下来十天，肚脐眼红了一圈，有点臭", 0.03)
    assert "C-OMPHALITIS" in ids(navel) and navel["level"] == 3


def test_jaundice_on_the_first_day_and_pale_stools() -> None:
    first = run("昨天晚上生的，今天早上眼珠子黄了", 0.002)
    assert first["level"] == 2
    pale = run("一个多月了还黄，大便越拉越白", 0.1)
    assert "C-JAUNDICE" in ids(pale) and pale["level"] == 3


def test_a_babys_scalp_bump_after_a_drop() -> None:
    out = run("三个月的娃从床上掉下来，后脑勺起了个软软的包", 0.25)
    assert "C-HEAD-INJURY" in ids(out) and out["level"] == 3


def test_tears_at_every_turn_are_no_tearless_crying() -> None:
    out = run("生完孩子一个礼拜，动不动就掉眼泪，吃饭睡觉还行", 26)
    assert "C-PERSISTENT-VOMITING-DEHYDRATION" not in ids(out)


def test_a_lump_soft_to_the_touch_and_a_little_less_milk() -> None:
    lump = run("七个礼拜，一哭大腿根就鼓个包，不哭就回去了，摸着软软的", 0.13)
    assert "C-CHILD-DANGER-SIGNS" not in ids(lump) and lump["level"] >= 3
    less = run("两个月的娃，鼻塞，吃奶比平常少一点", 0.17)
    assert "C-CHILD-DANGER-SIGNS" not in ids(less)
    # drinking nothing at all is still a danger sign
    assert run("两个月的娃，一天都不吃奶了", 0.17)["level"] <= 2


def test_a_snake_by_its_northern_name_and_a_harmless_one_seen() -> None:
    out = run("锄地叫长虫咬了脚脖子，肿到小腿了，疼得厉害", 50)
    assert "C-SNAKEBITE" in ids(out) and out["level"] == 2
    harmless = run("叫蛇咬了一口，看见了是菜花蛇，没毒。三个钟头了，一点不肿", 9)
    assert "C-SNAKEBITE" not in ids(harmless) and harmless["level"] == 4


def test_lightning_struck_close_by() -> None:
    out = run("在地里躲雨，一个炸雷劈在旁边，人躺下了，过了一会儿自己醒了，腿发麻", 40)
    assert out["level"] <= 2
    assert run("外面打雷，孩子吓得直哭", 5)["level"] >= 3


def test_a_childs_sip_of_insecticide_spat_out() -> None:
    out = run("孩子喝了一口打虫的药水，马上呸呸吐了，现在玩得好好的", 3)
    assert out["level"] == 2
    sick = run("孩子喝了打虫的药水，现在流口水，出大汗", 3)
    assert sick["level"] == 1


def test_a_quiet_fistula_and_fluid_drawn_off() -> None:
    out = run("透析用的那根血管今天摸着不震了，明天要透析", 55)
    assert "C-AV-FISTULA-THROMBOSIS" in ids(out) and out["level"] == 3
    drawn = run("肝上长东西，肚子大，上个月抽过一回水", 60)
    assert "C-SEIZURE" not in ids(drawn)


def test_the_before_stop_read_thunder_and_green_stools_are_no_emergency() -> None:
    # thunder heard, a tree blown down or a fright is no lightning strike
    assert "C-DROWNING-ELECTRIC-HANGING" not in ids(run("外面打雷，院子里的树倒了，孩子吓哭了", 6))
    assert "C-DROWNING-ELECTRIC-HANGING" not in ids(run("晚上打雷，老人吓得一下子躺下了", 70))
    # a baby's green stool beside a posset is no bilious vomiting
    assert "C-BILIOUS-VOMITING-INFANT" not in ids(run("吐了一回奶，拉的是绿的", 0.3))
