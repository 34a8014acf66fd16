"""Triage mechanisms of the forty-sixth #16 batch, read from the outside-written development sets
dev102 (``triage_outside_dev102.toml``: wounds, burns and injuries), dev103
(``triage_outside_dev103.toml``: older adults with long-standing illness) and dev104
(``triage_outside_dev104.toml``: fever and infection); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_chest_pressure_told_as_pressing_uneasily() -> None:
    out = run("干活的时候心口压得慌，一身冷汗", 70)
    assert out["level"] <= 2 and "C-CHEST-PAIN-ACS" in ids(out)


def test_blood_spurting_told_with_the_word_zi() -> None:
    out = run("透析的针眼出血，一松开就往外滋", 64)
    assert out["level"] <= 2 and "C-ARTERIAL-BLEED-CONTROLLED" in ids(out)


def test_bleeding_pressure_cannot_stop_on_an_anticoagulant() -> None:
    out = run("一直吃着抗凝的药，手划了个口子，血按了一个钟头还压不住", 72)
    assert out["level"] <= 2 and "C-MAJOR-BLEEDING" in ids(out)
    # a blood pressure that will not come down is no bleeding
    assert "N-BLEEDING-WONT-STOP" not in ids(run("吃着华法林，血压老是压不住", 72))


def test_a_child_gone_limp_after_major_bleeding_is_shock() -> None:
    out = run("被狗咬了腿，血流了一大滩，现在软塌塌的", 4)
    assert out["level"] == 1 and "C-SHOCK" in ids(out)


def test_a_pig_bite_is_an_animal_bite() -> None:
    assert "C-ANIMAL-BITE" in ids(run("被家里的猪咬了手", 50))


def test_a_forearm_bent_into_a_bow_is_deformed() -> None:
    assert "C-FRACTURE" in ids(run("从树上掉下来，右前臂弯成了弓形", 10))


def test_a_finger_cut_off_is_an_amputation() -> None:
    out = run("切纸机把中指切断了，手指带来了", 35)
    assert out["level"] <= 2 and "C-DIGIT-AMPUTATION" in ids(out)
    assert "C-DIGIT-AMPUTATION" not in ids(run("断指再植术后三周来换药", 35))


def test_a_splinter_already_picked_out_is_no_retained_body() -> None:
    out = run("手上扎了根木刺，自己用针挑出来了", 40)
    assert "C-WOUND-RETAINED-FB" not in ids(out)


def test_blisters_over_more_than_a_spot() -> None:
    out = run("开水烫到小腿，起了好几个大水泡", 30)
    assert out["level"] == 3 and "C-BURN-PARTIAL-EXTENT" in ids(out)
    assert "C-BURN-PARTIAL-EXTENT" not in ids(run("开水烫了手背一下，起了个小泡", 30))
    assert "C-BURN-PARTIAL-EXTENT" not in ids(run("脚底走路磨出好几个水泡", 30))
    # a firecracker burn of the hand with blisters is a special-area burn
    assert "C-BURN-SPECIAL-AREA" in ids(run("鞭炮炸到手，手指头起泡", 15))


def test_a_fall_with_a_pale_cold_hand_threatens_the_limb() -> None:
    out = run("摔了一跤，胳膊肿，手指头发白发凉", 8)
    assert out["level"] <= 2 and "C-LIMB-THREAT" in ids(out)


def test_fever_and_a_fast_pulse_in_pregnancy_is_sepsis() -> None:
    out = run("怀孕28周，发烧打冷战", 26, pregnant=True, vitals={"temp": 39.0, "hr": 120})
    assert out["level"] <= 2 and "C-SEPSIS-SIGNS" in ids(out)


def test_pressure_sores_by_depth() -> None:
    out = run("老人卧床两年，骶尾那里红了，按着不褪色，皮是好的", 85)
    assert "C-SEPSIS-SIGNS" not in ids(out) and out["level"] == 4
    deep = run("瘫在床上，屁股上的压疮发黑，还有臭味", 80)
    assert "C-PRESSURE-ULCER-DEEP" in ids(deep) and deep["level"] == 3
    # a fever keeps the septic reading
    assert "C-SEPSIS-SIGNS" in ids(run("卧床的老人发烧，屁股上红斑按着不褪色", 85))


def test_a_fistula_gone_quiet() -> None:
    out = run("做透析的，胳膊上内瘘摸不到震颤了", 58)
    assert out["level"] == 3 and "C-FISTULA-THROMBOSIS" in ids(out)
    assert "C-FISTULA-THROMBOSIS" not in ids(run("内瘘震颤很好，来复查", 58))


def test_a_bruise_or_a_cold_hand_after_a_fall_is_no_limb_threat() -> None:
    # purple after a blow is a bruise; a hand cold in the snow is cold
    assert "C-LIMB-THREAT" not in ids(run("摔了一跤，脚趾发紫，有点肿", 40))
    assert "C-LIMB-THREAT" not in ids(run("摔在雪地里，手冰凉", 40))


def test_projectile_vomiting_with_blood_is_no_spurting_bleed() -> None:
    out = run("吐了好几次，喷射样的，吐的东西带点血丝", 30)
    assert "C-EXSANGUINATING" not in ids(out)
    assert "C-EXSANGUINATING" in ids(run("电锯伤了腿，鲜血喷射", 30))


def test_a_sprain_with_a_bruise_is_no_limb_threat() -> None:
    # purple after a twist is a bruise; pale with no pulse beyond it still threatens the limb
    assert "C-LIMB-THREAT" not in ids(run("崴了脚，脚背发紫，有点肿", 30))
    assert "C-LIMB-THREAT" in ids(run("崴了脚，脚趾头发白", 30))
    # a fracture with a purple, cold foot keeps the older composite
    assert "C-LIMB-THREAT" in ids(run("小腿骨折，脚趾发紫发凉", 30))
