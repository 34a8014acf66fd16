"""Triage mechanisms of the thirty-eighth #16 batch, read from the outside-written development
sets dev79 (``triage_outside_dev79.toml``: the Chaoshan and Hakka hills of eastern Guangdong),
dev80 (``triage_outside_dev80.toml``: adults of 65 to 95 told plainly) and dev81
(``triage_outside_dev81.toml``: a northern winter); firing and non-firing (wording ours)."""

from __future__ import annotations

from tests.unit._triage_service import ids, run


def test_tablets_eaten_in_southern_speech() -> None:
    out = run("食了一整板安眠药", 30)
    assert out["level"] == 2 and "M-TABLETS-OVERDOSE" in ids(out)
    handful = run("把降压药吃了一把，大概十五六片", 50)
    assert handful["level"] == 2 and "M-TABLETS-OVERDOSE" in ids(handful)
    assert "M-TABLETS-OVERDOSE" not in ids(run("食了一碗粥，肚子胀", 30))


def test_wanting_to_drink_a_poison() -> None:
    out = run("喝了酒就说要喝敌敌畏", 50)
    assert out["level"] == 2 and "C-SUICIDE-RISK" in ids(out)
    assert "C-SUICIDE-RISK" not in ids(run("睡不着，想吃点安眠药", 50))
    # a wish or a threat is not yet an ingestion: level 2, not the organophosphate's level 1
    threat = run("吵完架说要喝农药", 50)
    assert threat["level"] == 2 and "C-ORGANOPHOSPHATE" not in ids(threat)
    assert "C-ORGANOPHOSPHATE" in ids(run("喝了敌敌畏，吐了", 50))


def test_one_eye_gone_dark_all_at_once() -> None:
    out = run("左眼突然就黑了，什么也不痛", 70)
    assert out["level"] == 2 and "C-EYE-EMERGENCY" in ids(out)


def test_deep_frostbite() -> None:
    out = run("在雪地里走了一夜，脚趾头冻得发黑，没知觉", 40)
    assert out["level"] == 2 and "C-FROSTBITE-DEEP" in ids(out)
    assert "C-FROSTBITE-DEEP" not in ids(run("手冻得通红，有点痒", 40))


def test_the_spaces_between_the_ribs_drawn_in() -> None:
    out = run("喘得厉害，肋骨缝往里吸", 3)
    assert out["level"] <= 2 and "C-CHEST-INDRAWING" in ids(out)


def test_a_fish_bone_stuck_is_not_a_heart_attack() -> None:
    out = run("吃鱼卡住了，胸口后面疼，咽口水都疼", 55)
    assert out["level"] == 3 and "C-FB-OESOPHAGEAL" in ids(out)
    assert "C-CHEST-PAIN-ACS" not in ids(out)
    cardiac = run("吃鱼卡住了，胸口后面疼，出了一身冷汗", 55)
    assert "C-FB-OESOPHAGEAL" not in ids(cardiac)


def test_a_diabetics_big_toe_rotting() -> None:
    out = run("糖尿病好多年，右脚大趾烂了，流水", 62)
    assert out["level"] == 3 and "C-DIABETIC-FOOT" in ids(out)


def test_a_hip_turned_out_and_shortened() -> None:
    out = run("跌了一跤，左脚短了少少，向外翻", 80)
    assert out["level"] == 3 and "C-FRACTURE" in ids(out)


def test_a_pulled_elbow_is_not_a_fracture() -> None:
    out = run("过马路时拉了一下胳膊，之后手就垂着不肯动，不肿", 2)
    assert "C-FRACTURE" not in ids(out)


def test_a_low_grade_fever_of_days_with_a_cough() -> None:
    out = run("咳嗽，这几天一直低烧，三天了", 70)
    assert out["level"] == 3 and "C-FEVER-COUGH-DAYS" in ids(out)
