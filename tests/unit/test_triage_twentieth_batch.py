"""Triage mechanisms of the twentieth #16 batch (from the outside-written development sets dev26,
``triage_outside_dev26.toml``: breathing told in lay words; dev27, ``triage_outside_dev27.toml``:
south-western and southern wording; dev28, ``triage_outside_dev28.toml``: level 2 by history and
context), firing and non-firing (wording ours)."""

from __future__ import annotations

from appliance.clinical.findings_text import body_part_variants
from appliance.clinical.findings_vitals import extract_vitals
from tests.unit._triage_service import ids, run


def test_a_word_beginning_with_yi_is_no_number() -> None:
    """A glucose of "一直高" is no glucose of 1 mmol/L (it made a level 1 out of a foot ulcer)."""
    assert "glucose" not in extract_vitals("血糖一直高，脚上有个口子").values
    assert extract_vitals("血糖一点二").values["glucose"].value == 1.2
    assert extract_vitals("血糖十一点二").values["glucose"].value == 11.2
    assert extract_vitals("血糖一直是二十几").values["glucose"].value >= 20
    assert extract_vitals("心跳一百四").values["hr"].value == 140
    out = run("血糖一直高，右脚背上破了个口子，有点红", 60)
    assert out["level"] >= 3


def test_where_a_pain_spreads_to_is_not_its_site() -> None:
    """A chest pain spreading to the back and an arm is central (CTAS); a sprained wrist is not."""
    chest = run("胸口像压了块石头，痛到背上和左胳膊，出冷汗", 58, vitals={"pain": 8})
    assert chest["level"] <= 2
    wrist = run("左手腕扭了一下，肿了，痛得厉害", 30, vitals={"pain": 8})
    assert wrist["level"] == 3


def test_xinkouzi_names_no_wound() -> None:
    out = run("心口子闷痛半个钟头了", 60, vitals={"pain": 8})
    assert out["level"] <= 2


def test_regional_names_of_body_parts_read_as_the_part() -> None:
    assert "脑壳痛" in body_part_variants("头痛")
    assert "脚杆肿" in body_part_variants("腿肿")
    co = run("屋里关着门烧炭盆烤火，一家人早上起来都脑壳痛", 40)
    assert "C-CO-EXPOSURE" in ids(co) and co["level"] == 2
    plain = run("感冒两天，脑壳有点昏，鼻子塞", 30)
    assert plain["level"] >= 3


def test_an_infants_resolved_breathing_pause_is_a_brue_not_an_arrest() -> None:
    """AAP 2016 BRUE: over and back to baseline → level 2; still limp after it → level 1."""
    over = run("两个月的娃，刚才躺着突然不喘气，嘴唇发青，拍了几下才缓过来，现在跟平常一样", 0.17)
    assert over["level"] == 2 and "C-INFANT-RESOLVED-EPISODE" in ids(over)
    still = run("两个月的娃，刚才突然不喘气，拍了几下才缓过来，现在软塌塌的不爱动", 0.17)
    assert still["level"] == 1
    now = run("两个月的娃，现在不喘气了，嘴唇发紫", 0.17)
    assert now["level"] == 1


def test_snoring_pauses_in_sleep_are_no_arrest() -> None:
    sleep = run("打呼噜很响，睡着以后有时候不喘气，过一会儿猛吸一口气又喘过来，接着打", 50)
    assert sleep["level"] >= 3 and "C-ARREST-UNRESPONSIVE" not in ids(sleep)
    found = run("早上发现他睡着就没气了，叫不醒", 70)
    assert found["level"] == 1


def test_a_toddlers_breath_holding_spell_is_benign() -> None:
    spell = run("两岁，摔了一跤大哭，哭着哭着屏住气，脸发紫，几秒钟自己缓过来了，现在又在玩", 2)
    assert spell["level"] >= 3
    fit = run("两岁，哭着哭着屏住气，脸发紫，还抽搐了几下，自己缓过来了", 2)
    assert fit["level"] <= 2


def test_hyperventilation_with_a_normal_saturation() -> None:
    panic = run("和家里人吵架以后一直大口喘气，手脚发麻，说喘不上气", 25, vitals={"spo2": 99})
    assert panic["level"] >= 3 and "N-HYPERVENTILATION" in ids(panic)
    low = run("和家里人吵架以后一直大口喘气，手脚发麻，说喘不上气", 25, vitals={"spo2": 90})
    assert low["level"] <= 2
    pain = run("吵架以后喘不上气，手脚发麻，胸口痛", 25, vitals={"spo2": 99})
    assert pain["level"] <= 2
    older = run("吵架以后喘不上气，手脚发麻", 62, vitals={"spo2": 99})
    assert older["level"] <= 2


def test_an_asthma_flare_settled_or_refractory() -> None:
    settled = run("有哮喘，早上有点喘，喷了两下就好了，现在不喘了，来开药", 20)
    assert "C-ASTHMA-COPD-EXACERBATION" not in ids(settled)
    refractory = run("哮喘犯了，万托林喷了好几下还是喘", 30)
    assert refractory["level"] <= 2 and "C-ASTHMA-REFRACTORY" in ids(refractory)
    flare = run("哮喘犯了，有点喘，还没喷药", 30)
    assert "C-ASTHMA-REFRACTORY" not in ids(flare)


def test_smoke_inhalation_with_a_sign_of_airway_injury() -> None:
    burn = run("家里着火，救火时吸了很多烟，现在声音嘶哑", 45)
    assert burn["level"] <= 2 and "C-INHALATION-INJURY" in ids(burn)
    smoke = run("厨房冒烟吸了烟，咳了几声，现在没事了，说话正常", 45)
    assert "C-INHALATION-INJURY" not in ids(smoke)


def test_collapse_in_a_confined_space() -> None:
    pit = run("下粪池掏东西，一会儿就晕倒了，拉上来已经醒了", 48)
    assert pit["level"] <= 2 and "C-CONFINED-SPACE-GAS" in ids(pit)
    cellar = run("去菜窖拿白菜，滑了一下扭了脚脖子", 48)
    assert "C-CONFINED-SPACE-GAS" not in ids(cellar)


def test_sore_throat_with_tripod_posture_is_an_airway_threat() -> None:
    tripod = run("嗓子疼得厉害，一直往前探着坐，不愿意躺下，口水往外流", 40)
    assert tripod["level"] <= 2 and "C-DEEP-NECK-AIRWAY" in ids(tripod)
    drool = run("嗓子一边疼，嘴张不大，口水都咽不下去", 25)
    assert "C-DEEP-NECK-AIRWAY" not in ids(drool)


def test_chest_pain_with_a_fast_pulse_after_a_birth_is_a_suspected_pe() -> None:
    pe = run("生完孩子两周，突然胸口刺痛，心慌", 30, vitals={"hr": 120})
    assert pe["level"] <= 2 and "C-PE-SUSPECTED" in ids(pe)
    calm = run("生完孩子两周，突然胸口刺痛", 30, vitals={"hr": 78})
    assert "C-PE-SUSPECTED" not in ids(calm)


def test_a_hand_that_cannot_hold_chopsticks_and_muddled_speech() -> None:
    out = run("突然说话打不清，右手拿不住筷子", 72)
    assert out["level"] <= 2 and "C-STROKE-BEFAST" in ids(out)
    cold = run("手冻僵了，拿筷子不太灵活", 72)
    assert "C-STROKE-BEFAST" not in ids(cold)


def test_the_calf_is_no_belly() -> None:
    out = run("左边小腿肚子胀痛两天", 45)
    assert "C-ABDOMINAL-PAIN" not in ids(out)
    belly = run("肚子胀痛两天", 45)
    assert "C-ABDOMINAL-PAIN" in ids(belly)


def test_two_minor_problems_needing_different_kinds_of_resource_are_level_3() -> None:
    """ESI v4 ch.4 counts kinds: a cut to repair (procedure) and a sprain to x-ray (imaging)."""
    both = run("切菜划了手指，开了个口子要缝，下楼又把脚崴了，肿了", 30)
    assert both["level"] == 3 and both["resources"] == 2
    reason = next(r for r in both["reasons"] if r["rule"] == "R-RESOURCE-KINDS")
    assert reason["level"] == 3
    cut = run("切菜划了手指，开了个口子要缝", 30)
    assert cut["level"] == 4
    two_cuts = run("手指划了个口子要缝，胳膊上也开了个口子", 30)
    assert two_cuts["level"] == 4  # one kind, however many wounds


def test_a_swollen_wrist_that_cannot_move_after_a_fall_is_a_suspected_fracture() -> None:
    out = run("骑车摔了，左手腕肿起来动不了", 28)
    assert "C-FRACTURE" in ids(out) and out["level"] == 3
    sore = run("手腕有点酸，能动", 28)
    assert "C-FRACTURE" not in ids(sore)
