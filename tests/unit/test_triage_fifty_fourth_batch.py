"""Triage mechanisms of the fifty-fourth #16 batch, read from the outside-written development sets
dev126 (``triage_outside_dev126.toml``: belly, bowel, vomiting, bleeding and urinary problems),
dev127 (``triage_outside_dev127.toml``: fever and infection in adults and older people) and dev128
(``triage_outside_dev128.toml``: eye, ear, nose, throat, mouth, teeth and skin); firing and
non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_burns import burn_area_from_regions
from tests.unit._triage_service import ids, run


def test_black_shiny_stools_with_faintness() -> None:
    out = run("这几天拉的屎黑得发亮，早上起来一站眼前一黑，心慌", 55)
    assert "C-MELAENA" in ids(out) and out["level"] == 2


def test_a_fever_with_bleeding_gums_and_a_warning_sign() -> None:
    out = run("发烧第五天，刷牙牙龈出血，肚子疼，吐了好几回，水也喝不进", 35)
    assert "C-DENGUE-WARNING" in ids(out) and out["level"] == 2
    # bleeding gums alone, no fever
    assert "C-DENGUE-WARNING" not in ids(run("刷牙牙龈出血，肚子有点胀", 35))


def test_a_swollen_tongue_with_drooling_closes_the_airway() -> None:
    out = run("吃着降压药，舌头突然肿起来，口水往外流，说不出话", 60)
    assert "C-AIRWAY-OBSTRUCTION-IMMINENT" in ids(out) and out["level"] == 1


def test_falls_new_and_slowed_answers_in_an_older_person() -> None:
    out = run("老爷子今天摔了两跤，以前不摔的，问话反应不过来", 88)
    assert out["level"] == 2


def test_fear_of_water_after_a_dog_bite() -> None:
    out = run("上个月叫狗咬了没打针，这两天发烧，见水就怕，烦躁", 40)
    assert "C-RABIES-SUSPECTED" in ids(out) and out["level"] == 2
    # a child afraid of water, a draught on a wound: not it
    assert "C-RABIES-SUSPECTED" not in ids(run("孩子怕水，不敢洗头，以前被狗咬过", 5))
    assert "C-RABIES-SUSPECTED" not in ids(run("狗咬了打第二针疫苗，怕风吹着伤口", 30))


def test_a_button_battery_up_the_nose() -> None:
    out = run("孩子把一个纽扣样的小电池塞鼻子里了，鼻子流黑水", 4)
    assert "C-BUTTON-BATTERY" in ids(out) and out["level"] == 2
    assert "C-BUTTON-BATTERY" not in ids(run("给遥控器换电池，孩子在旁边玩", 4))


def test_metal_flying_into_an_eye_with_the_sight_blurred() -> None:
    out = run("锤子砸铁的时候崩进右眼一个东西，现在看东西模糊", 40)
    assert "C-EYE-EMERGENCY" in ids(out) and out["level"] == 2
    # sand blown in is no high-speed injury
    sand = run("风把沙子吹进眼睛了，揉了揉，有点模糊，流泪", 30)
    assert "C-EYE-EMERGENCY" not in ids(sand)


def test_a_childs_skin_peeling_in_sheets_with_a_fever() -> None:
    out = run("孩子全身发红，一碰就哭，皮一片一片往下掉，发着烧", 2)
    assert "C-SCALDED-SKIN-CHILD" in ids(out) and out["level"] == 2
    assert "C-SCALDED-SKIN-CHILD" not in ids(run("手足口好了以后手指头脱皮，不发烧", 3))


def test_skin_like_scalded_is_no_burn() -> None:
    assert burn_area_from_regions("两条腿和后背的皮跟烫了似的往下掉") is None
    assert burn_area_from_regions("开水烫了两条腿和后背，起了大泡") is not None


def test_a_streak_of_blood_in_a_young_persons_phlegm() -> None:
    out = run("咳血了！感冒咳了几天，今早痰里带了一丝红的，就那一下，不烧不喘", 25)
    assert "N-BLOOD-STREAKED-SPUTUM" in ids(out) and out["level"] == 4
    more = run("咳了一大口鲜血，抽烟二十年", 38)
    assert more["level"] <= 2


def test_awake_after_a_shock_told_by_what_he_says() -> None:
    out = run("修电闸让电打了，手心一个黑点，现在说心里扑腾扑腾的", 38)
    assert "C-SUBMERSION-ELECTRIC-AWAKE" in ids(out) and out["level"] == 2


def test_asked_and_not_startled_are_no_signs() -> None:
    out = run("说吐血了，问了一下，是早上流鼻血咽下去了，现在止住了", 22)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(out)
    calm = run("手上脚上几个小红点，玩得挺欢，睡觉不惊", 3)
    assert "C-ALTERED-CONSCIOUSNESS" not in ids(calm)


def test_an_older_persons_urine_often_with_a_low_fever() -> None:
    out = run("这两天尿得勤，有点低烧，吃饭少了点", 80)
    assert "C-UPPER-UTI" in ids(out) and out["level"] == 3
    assert "C-UPPER-UTI" not in ids(run("尿得勤，夜里起好几回，不烧，来开药", 70))


def test_a_diabetics_heel_wound_red_around_a_fortnight_on() -> None:
    out = run("有糖尿病，脚后跟磨了个口子十来天了，这两天周围红了一圈", 66)
    assert "C-DIABETIC-FOOT-INFECTION" in ids(out) and out["level"] == 3


def test_a_lip_cut_across_its_red_edge() -> None:
    out = run("摔了一跤，嘴唇磕破了，从红嘴唇一直裂到上头皮肤", 7)
    assert "C-LIP-BORDER-LACERATION" in ids(out) and out["level"] == 3
    assert "C-LIP-BORDER-LACERATION" not in ids(run("嘴唇干得裂了，破到出血了", 30))


def test_a_fever_with_saliva_spat_out_and_a_muffled_voice() -> None:
    out = run("烧了两天，咽不下东西，往外吐口水，说话像含着东西", 5)
    assert "C-DEEP-NECK-SPREAD" in ids(out) and out["level"] == 2


def test_a_painful_growing_lump_beside_the_anus_and_a_pile() -> None:
    out = run("肛门边上长了个包，越来越疼，坐都不敢坐", 35)
    assert "C-PERIANAL-ABSCESS" in ids(out) and out["level"] == 3
    pile = run("大便后纸上有点鲜红的血，屁眼那有个小肉球，蹲久了就出来，不疼", 45)
    assert "N-HAEMORRHOID-BLEEDING" in ids(pile) and pile["level"] == 4


def test_the_before_stop_read_of_the_fifty_fourth_batch() -> None:
    # black and shiny is melaena only when it is the stool
    assert "C-MELAENA" not in ids(run("头发染得黑得发亮，头皮痒", 30))
    # a first day's fever with a nosebleed and a belly ache is no dengue warning
    assert "C-DENGUE-WARNING" not in ids(run("孩子发烧，流鼻血，肚子疼", 6))
    # skin peeling after a fever has gone is no scalded skin
    assert "C-SCALDED-SKIN-CHILD" not in ids(run("发烧好了以后身上脱皮，不痒", 5))
    # a baby's red bottom with diarrhoea is no perianal abscess
    assert "C-PERIANAL-ABSCESS" not in ids(run("肛门红肿，有点发烧，拉肚子好几天了", 1))
    # black stools after an iron tablet, formed and with no faintness, are the tablet's colour
    iron = run("吃了两天补铁药，大便是黑的，成形的，不亮不粘，不头晕", 45)
    assert "N-BLACK-STOOL-EXPLAINED" in ids(iron) and iron["level"] == 4
